package io.supervisorkafka.listener.supervisor.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Which events may wait for a burst to end before they are shipped ({@link EventHeader#bulk}), and that the one-pass
 * reading of a usual header gives what {@link KeyValueTokens} gives for any line.
 */
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

    @Test
    void aUsualHeaderIsReadInOnePassAsTheTokensWouldReadIt() {
        EventHeader header = EventHeader.parse("ver:3.0 server:host:9001 serial:21 pool:kafka poolserial:10"
                + " eventname:PROCESS_STATE_RUNNING len:54");
        assertThat(header.server()).isEqualTo("host:9001");
        assertThat(header.serial()).isEqualTo(21);
        assertThat(header.pool()).isEqualTo("kafka");
        assertThat(header.poolSerial()).isEqualTo(10);
        assertThat(header.eventName()).isEqualTo("PROCESS_STATE_RUNNING");
        assertThat(header.payloadLength()).isEqualTo(54);
        assertThat(header.version()).isEqualTo("3.0");
        assertThat(header.problems()).isEmpty();
        assertThat(header.tokens()).containsExactly(Map.entry("ver", "3.0"), Map.entry("server", "host:9001"),
                Map.entry("serial", "21"), Map.entry("pool", "kafka"), Map.entry("poolserial", "10"),
                Map.entry("eventname", "PROCESS_STATE_RUNNING"), Map.entry("len", "54"));
    }

    @Test
    void everyLineReadsAsItsTokensSayWhicheverWayItIsParsed() {
        // Usual headers, and lines the one pass leaves to KeyValueTokens: a server name with a space, duplicates,
        // unknown keys, words without a key, empty and odd values, several spaces. The server, pool and event name kept
        // from the header before (given again while a line repeats them) change with nearly every line.
        String[] tokens = {"ver:3.0", "server:web-1", "server:my", "host", "server:a:b", "serial:21", "serial:",
                "serial:x1", "serial:1234567890123456789", "pool:kafka", "pool:", "poolserial:10", "poolserial:-1",
                "eventname:TICK_5", "eventname:PROCESS_STATE_EXITED", "eventname:bad-name", "len:54", "len:0",
                "len:5a", "extra:1", ":x", "a:", "", "len:007"};
        Random random = new Random(20261202);
        for (int i = 0; i < 20_000; i++) {
            List<String> line = new ArrayList<>();
            int count = random.nextInt(9);
            for (int t = 0; t < count; t++) {
                line.add(tokens[random.nextInt(tokens.length)]);
            }
            String text = String.join(random.nextInt(10) == 0 ? "  " : " ", line);
            EventHeader header = EventHeader.parse(text);
            Map<String, String> expected = KeyValueTokens.parse(text);
            String why = "[" + text + "]";
            assertThat(header.tokens()).as(why).containsExactlyEntriesOf(expected);
            assertThat(header.server()).as(why).isEqualTo(expected.get("server"));
            assertThat(header.version()).as(why).isEqualTo(expected.get("ver"));
            assertThat(header.pool()).as(why).isEqualTo(expected.get("pool"));
            assertThat(header.eventName()).as(why).isEqualTo(expected.get("eventname"));
            assertThat(header.serial()).as(why).isEqualTo(number(expected.get("serial")));
            assertThat(header.poolSerial()).as(why).isEqualTo(number(expected.get("poolserial")));
            assertThat(header.payloadLength()).as(why).isEqualTo(number(expected.get("len")));
        }
    }

    /** The old reading of a numeric token, from the map: digits only, at most 18, else -1. */
    private static long number(String value) {
        return value != null && value.matches("[0-9]{1,18}") ? Long.parseLong(value) : -1;
    }
}
