package io.supervisorkafka.listener.supervisor.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.supervisorkafka.listener.spool.SpoolEntry;
import io.supervisorkafka.listener.testing.TestEvents;
import io.supervisorkafka.schemas.EventKind;
import io.supervisorkafka.testkit.SchemaValidator;
import io.supervisorkafka.schemas.SupervisorEvent;
import io.supervisorkafka.schemas.Topics;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class EventDecoderTest {

    private static SupervisorEvent decode(String eventName, String payload) {
        String header = "ver:3.0 server:supervisor serial:21 pool:kafka poolserial:10 eventname:" + eventName
                + " len:" + TestEvents.codePoints(payload);
        SupervisorEvent event = EventDecoder.decode(new SpoolEntry.RawEvent(1_700_000_000_123L, "web-1",
                "812-1700000000000", header.getBytes(StandardCharsets.UTF_8),
                payload.getBytes(StandardCharsets.UTF_8)));
        SchemaValidator.assertValid(Topics.EVENTS, event);
        return event;
    }

    @Test
    void processStateEventHasFieldsAndNoData() {
        SupervisorEvent event = decode("PROCESS_STATE_EXITED",
                "processname:sleeper groupname:sleeper from_state:RUNNING expected:0 pid:3944");
        assertThat(event.server()).isEqualTo("web-1");
        assertThat(event.identification()).isEqualTo("supervisor");
        assertThat(event.instance()).isEqualTo("812-1700000000000");
        assertThat(event.serial()).isEqualTo(21);
        assertThat(event.pool()).isEqualTo("kafka");
        assertThat(event.poolSerial()).isEqualTo(10);
        assertThat(event.version()).isEqualTo("3.0");
        assertThat(event.observedAt()).isEqualTo(1_700_000_000_123L);
        assertThat(event.fields()).containsEntry("processname", "sleeper").containsEntry("expected", "0")
                .containsEntry("pid", "3944").hasSize(5);
        assertThat(event.data()).isNull();
        assertThat(event.kind()).isInstanceOfSatisfying(EventKind.ProcessStateChange.class,
                k -> assertThat(k.pid()).isEqualTo(3944L));
    }

    @Test
    void logEventKeepsItsBodyVerbatim() {
        String data = "line 1 with key:value and spaces\nline 2 😀 é\n";
        SupervisorEvent event = decode("PROCESS_LOG_STDERR", "processname:web groupname:web pid:7\n" + data);
        assertThat(event.fields()).containsEntry("processname", "web").containsEntry("pid", "7").hasSize(3);
        assertThat(event.data()).isEqualTo(data);
        assertThat(event.kind()).isInstanceOfSatisfying(EventKind.ProcessLog.class,
                k -> assertThat(k.channel()).isEqualTo("stderr"));
    }

    @Test
    void communicationAndRemoteCommunicationCarryData() {
        assertThat(decode("PROCESS_COMMUNICATION_STDOUT", "processname:a groupname:a pid:1\n").data()).isEmpty();
        SupervisorEvent remote = decode("REMOTE_COMMUNICATION", "type:deploy note\nrolled out v2");
        assertThat(remote.fields()).containsEntry("type", "deploy note");
        assertThat(remote.data()).isEqualTo("rolled out v2");
    }

    @Test
    void groupEventsTrailingNewlineIsNotData() {
        SupervisorEvent event = decode("PROCESS_GROUP_ADDED", "groupname:web\n");
        assertThat(event.fields()).containsEntry("groupname", "web");
        assertThat(event.data()).isNull();
    }

    @Test
    void supervisorStateAndTickAndUnknownEvents() {
        assertThat(decode("SUPERVISOR_STATE_CHANGE_RUNNING", "").fields()).isEmpty();
        assertThat(decode("TICK_60", "when:1795307165").fields()).containsEntry("when", "1795307165");
        SupervisorEvent unknown = decode("PROCESS_TELEPATHY_5", "mood:calm\nbody");
        assertThat(unknown.kind()).isEqualTo(new EventKind.Other("PROCESS_TELEPATHY_5"));
        assertThat(unknown.data()).isEqualTo("body");
    }

    @Test
    void headerThatCannotMakeARecordIsRefused() {
        SpoolEntry.RawEvent raw = new SpoolEntry.RawEvent(1L, "web-1", "1-1",
                "ver:3.0 eventname:TICK_5 len:0".getBytes(StandardCharsets.UTF_8), new byte[0]);
        assertThatThrownBy(() -> EventDecoder.decode(raw)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("serial");
    }
}
