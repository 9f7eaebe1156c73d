package io.supervisorkafka.listener.supervisor.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Which events may wait for a burst to end before they are shipped ({@link EventHeader#bulk}). */
class EventHeaderTest {

    @ParameterizedTest
    @ValueSource(strings = {"PROCESS_LOG_STDOUT", "PROCESS_LOG_STDERR", "PROCESS_COMMUNICATION_STDOUT",
            "PROCESS_COMMUNICATION_STDERR", "REMOTE_COMMUNICATION", "TICK_5", "TICK_60", "TICK_3600"})
    void outputRemoteCommunicationAndTicksAreBulk(String eventName) {
        assertThat(header(eventName).bulk()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"PROCESS_STATE_EXITED", "PROCESS_STATE_BACKOFF", "PROCESS_STATE_FATAL",
            "PROCESS_STATE_STARTING", "SUPERVISOR_STATE_CHANGE_RUNNING", "PROCESS_GROUP_ADDED", "A_FUTURE_EVENT"})
    void stateChangesAndEventsThisVersionDoesNotKnowAreNot(String eventName) {
        assertThat(header(eventName).bulk()).isFalse();
    }

    private static EventHeader header(String eventName) {
        return EventHeader.parse("ver:3.0 server:web-1 serial:1 pool:kafka poolserial:1 eventname:" + eventName
                + " len:0");
    }
}
