package io.supervisorkafka.listener.supervisor.protocol;

import static io.supervisorkafka.listener.testing.TestEvents.concat;
import static io.supervisorkafka.listener.testing.TestEvents.event;
import static io.supervisorkafka.listener.testing.TestEvents.wire;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.supervisorkafka.listener.spool.SpoolEntry;
import io.supervisorkafka.listener.testing.TestEvents;
import io.supervisorkafka.listener.testing.TrickleInputStream;
import io.supervisorkafka.testkit.SchemaValidator;
import io.supervisorkafka.schemas.SupervisorEvent;
import io.supervisorkafka.schemas.Topics;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EventListenerProtocolTest {

    private static EventListenerProtocol protocol(byte[] input) {
        return new EventListenerProtocol(new ByteArrayInputStream(input), new ByteArrayOutputStream());
    }

    private static List<EventEnvelope> readAll(EventListenerProtocol protocol) throws IOException {
        List<EventEnvelope> events = new ArrayList<>();
        for (EventEnvelope e = protocol.readEvent(); e != null; e = protocol.readEvent()) {
            events.add(e);
        }
        return events;
    }

    private static String payload(EventEnvelope e) {
        return new String(e.payload(), StandardCharsets.UTF_8);
    }

    @Test
    void writesReadyAndAcknowledgementsAndNothingElse() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        EventListenerProtocol protocol = new EventListenerProtocol(InputStream.nullInputStream(), out);
        protocol.ready();
        protocol.acknowledgeAndReady();
        protocol.acknowledgeAndReady();
        assertThat(out.toString(StandardCharsets.US_ASCII)).isEqualTo("READY\nRESULT 2\nOKREADY\nRESULT 2\nOKREADY\n");
    }

    @Test
    void readsHeaderTokensInAnyOrder() throws IOException {
        String payload = "processname:web groupname:web from_state:STARTING pid:42";
        byte[] input = wire("len:" + payload.length() + " eventname:PROCESS_STATE_RUNNING poolserial:7 serial:9"
                + " pool:kafka server:web-1 ver:3.0", payload);
        EventEnvelope event = protocol(input).readEvent();
        assertThat(event.header().tokens()).containsEntry("eventname", "PROCESS_STATE_RUNNING")
                .containsEntry("serial", "9").containsEntry("poolserial", "7").containsEntry("server", "web-1")
                .containsEntry("pool", "kafka").containsEntry("ver", "3.0");
        assertThat(event.header().problems()).isEmpty();
        assertThat(payload(event)).isEqualTo(payload);
    }

    @Test
    void countsLenInCodePointsSoNonAsciiPayloadsDoNotDesynchronise() throws IOException {
        // é is 2 UTF-8 bytes, 日本 3 each, 😀 and 𝄞 are astral: 4 bytes, 2 UTF-16 units, but 1 code point.
        String log = "processname:app groupname:app pid:1\nhéllo 日本 😀 𝄞 done\n";
        String comm = "processname:app groupname:app pid:1\n<é>😀😀😀";
        String plain = "processname:app groupname:app from_state:STARTING pid:1";
        byte[] input = concat(event("web-1", 1, "PROCESS_LOG_STDOUT", log),
                event("web-1", 2, "PROCESS_COMMUNICATION_STDOUT", comm),
                event("web-1", 3, "PROCESS_STATE_RUNNING", plain));
        assertThat(TestEvents.codePoints(log)).isLessThan(log.length()).isLessThan(log.getBytes(StandardCharsets.UTF_8).length);

        List<EventEnvelope> events = readAll(protocol(input));

        assertThat(events).extracting(EventListenerProtocolTest::payload).containsExactly(log, comm, plain);
        assertThat(events.get(0).payloadCodePoints()).isEqualTo(TestEvents.codePoints(log));
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 5, 7})
    void readsTheSameWhenInputArrivesInSmallPieces(int chunk) throws IOException {
        String log = "processname:app groupname:app pid:1\n😀é日\n😀";
        byte[] input = concat(event("web-1", 1, "PROCESS_LOG_STDERR", log),
                event("web-1", 2, "TICK_5", "when:1795307165"));
        EventListenerProtocol protocol = new EventListenerProtocol(new TrickleInputStream(input, chunk),
                new ByteArrayOutputStream());
        assertThat(readAll(protocol)).extracting(EventListenerProtocolTest::payload)
                .containsExactly(log, "when:1795307165");
    }

    @Test
    void readsEmptyPayloadsAndBodies() throws IOException {
        String remote = "type:deploy note\nline one\nline two";
        byte[] input = concat(event("web-1", 1, "SUPERVISOR_STATE_CHANGE_RUNNING", ""),
                event("web-1", 2, "PROCESS_GROUP_ADDED", "groupname:web\n"),
                event("web-1", 3, "REMOTE_COMMUNICATION", remote),
                event("web-1", 4, "SOMETHING_NEW_IN_SUPERVISOR_5", "a:b"));
        List<EventEnvelope> events = readAll(protocol(input));
        assertThat(events).extracting(EventListenerProtocolTest::payload)
                .containsExactly("", "groupname:web\n", remote, "a:b");
    }

    @Test
    void cleanEndOfInputBetweenEventsIsNull() throws IOException {
        EventListenerProtocol protocol = protocol(event("web-1", 1, "TICK_5", "when:1"));
        assertThat(protocol.readEvent()).isNotNull();
        assertThat(protocol.readEvent()).isNull();
        assertThat(protocol(new byte[0]).readEvent()).isNull();
    }

    @Test
    void endOfInputInsideAHeaderLineIsATruncation() {
        byte[] input = "ver:3.0 server:web-1 serial:1 pool:kafka poolse".getBytes(StandardCharsets.US_ASCII);
        assertThatThrownBy(() -> protocol(input).readEvent()).isInstanceOfSatisfying(ProtocolException.class,
                e -> assertThat(e.kind()).isEqualTo(ProtocolException.Kind.TRUNCATED_AT_EOF));
    }

    @Test
    void endOfInputInsideAPayloadIsATruncation() {
        byte[] whole = event("web-1", 1, "PROCESS_LOG_STDOUT", "processname:a groupname:a pid:1\nhello 😀");
        byte[] cut = java.util.Arrays.copyOf(whole, whole.length - 2); // inside the 4-byte emoji
        assertThatThrownBy(() -> protocol(cut).readEvent()).isInstanceOfSatisfying(ProtocolException.class,
                e -> {
                    assertThat(e.kind()).isEqualTo(ProtocolException.Kind.TRUNCATED_AT_EOF);
                    assertThat(e.getMessage()).contains("PROCESS_LOG_STDOUT");
                });
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "ver:3.0 server:a serial:1 pool:p poolserial:1 eventname:TICK_5",
            "ver:3.0 server:a serial:1 pool:p poolserial:1 eventname:TICK_5 len:-3",
            "ver:3.0 server:a serial:1 pool:p poolserial:1 eventname:TICK_5 len:12abc",
            "garbage that is not a header at all",
            ""})
    void headerWithoutAUsableLenCannotBeResynchronised(String header) {
        byte[] input = (header + "\nwhen:1").getBytes(StandardCharsets.US_ASCII);
        assertThatThrownBy(() -> protocol(input).readEvent()).isInstanceOfSatisfying(ProtocolException.class,
                e -> {
                    assertThat(e.kind()).isEqualTo(ProtocolException.Kind.UNRECOVERABLE);
                    assertThat(e.getMessage()).contains("len");
                });
    }

    @ParameterizedTest
    @ValueSource(strings = {"ff", "c080", "c1bf", "eda080", "e080af", "f4908080", "f88888", "c328", "e228a1",
            "f0289fbc"})
    void invalidUtf8InAPayloadCannotBeResynchronised(String hex) {
        byte[] bad = java.util.HexFormat.of().parseHex(hex);
        byte[] header = "ver:3.0 server:a serial:1 pool:p poolserial:1 eventname:PROCESS_LOG_STDOUT len:10\n"
                .getBytes(StandardCharsets.US_ASCII);
        byte[] input = concat(header, "ab".getBytes(StandardCharsets.US_ASCII), bad,
                "cdefghijklmn".getBytes(StandardCharsets.US_ASCII));
        assertThatThrownBy(() -> protocol(input).readEvent()).isInstanceOfSatisfying(ProtocolException.class,
                e -> {
                    assertThat(e.kind()).isEqualTo(ProtocolException.Kind.UNRECOVERABLE);
                    assertThat(e.getMessage()).contains("invalid UTF-8");
                });
    }

    @Test
    void endlessHeaderLineCannotBeResynchronised() {
        byte[] input = "x".repeat(EventListenerProtocol.MAX_HEADER_BYTES + 10).getBytes(StandardCharsets.US_ASCII);
        assertThatThrownBy(() -> protocol(input).readEvent()).isInstanceOfSatisfying(ProtocolException.class,
                e -> assertThat(e.kind()).isEqualTo(ProtocolException.Kind.UNRECOVERABLE));
    }

    @Test
    void headerProblemsNameEachMissingOrInvalidToken() {
        assertThat(EventHeader.parse("ver:3.0 serial:1 pool:p poolserial:2 eventname:PROCESS_STATE_EXITED len:0")
                .problems()).isEmpty();
        assertThat(EventHeader.parse("ver:3.0 serial:x poolserial:-1 eventname:process_state len:0").problems())
                .containsExactly("no valid serial", "no valid poolserial", "no pool", "no valid eventname");
        assertThat(EventHeader.parse("serial:1 pool:p poolserial:2 eventname: len:0").problems())
                .containsExactly("no valid eventname");
        assertThat(EventHeader.parse("serial:1 pool:p poolserial:2 eventname:TICK-5 len:0").problems())
                .containsExactly("no valid eventname");
    }

    @Test
    void headerWithLenButMissingFieldsIsReadAndReportedSoTheStreamStaysInStep() throws IOException {
        byte[] input = concat(wire("ver:3.0 server:a pool:p eventname:TICK_5 len:6", "when:1"),
                event("web-1", 5, "TICK_5", "when:2"));
        EventListenerProtocol protocol = protocol(input);
        EventEnvelope bad = protocol.readEvent();
        assertThat(bad.header().problems()).contains("no valid serial", "no valid poolserial");
        EventEnvelope good = protocol.readEvent();
        assertThat(good.header().problems()).isEmpty();
        assertThat(payload(good)).isEqualTo("when:2");
    }

    @Test
    void tooLongPayloadIsSkippedInStep() throws IOException {
        String big = "processname:a groupname:a pid:1\n" + "😀".repeat(50);
        byte[] input = concat(event("web-1", 1, "PROCESS_LOG_STDOUT", big), event("web-1", 2, "TICK_5", "when:2"));
        EventListenerProtocol protocol = new EventListenerProtocol(new ByteArrayInputStream(input),
                new ByteArrayOutputStream(), 40);
        EventEnvelope skipped = protocol.readEvent();
        assertThat(skipped.payloadDiscarded()).isTrue();
        assertThat(skipped.payloadCodePoints()).isEqualTo(TestEvents.codePoints(big));
        assertThat(payload(protocol.readEvent())).isEqualTo("when:2");
    }

    @Test
    void identificationWithSpacesIsPutBackTogether() throws IOException {
        EventEnvelope event = protocol(wire("ver:3.0 server:my test host serial:1 pool:p poolserial:1"
                + " eventname:TICK_5 len:6", "when:1")).readEvent();
        assertThat(event.header().server()).isEqualTo("my test host");
        assertThat(event.header().problems()).isEmpty();
    }

    @Test
    void replaysTheSupervisor425ReferenceCapture() throws IOException {
        List<TestEvents.CapturedEvent> captured = TestEvents.referenceCapture();
        assertThat(captured).hasSizeGreaterThan(30);
        byte[] input = TestEvents.concat(captured.stream().map(TestEvents.CapturedEvent::wire).toList());

        List<EventEnvelope> events = readAll(new EventListenerProtocol(new TrickleInputStream(input, 97),
                new ByteArrayOutputStream()));

        assertThat(events).hasSameSizeAs(captured);
        for (int i = 0; i < events.size(); i++) {
            EventEnvelope event = events.get(i);
            assertThat(new String(event.headerLine(), StandardCharsets.UTF_8)).isEqualTo(captured.get(i).header());
            assertThat(payload(event)).isEqualTo(captured.get(i).payload());
            assertThat(event.header().problems()).isEmpty();
            SupervisorEvent record = EventDecoder.decode(new SpoolEntry.RawEvent(1_795_307_165_000L + i, "web-1",
                    "3500-1795307160000", event.headerLine(), event.payload()));
            SchemaValidator.assertValid(Topics.EVENTS, record);
            assertThat(record.serial()).isEqualTo(Long.parseLong(event.header().tokens().get("serial")));
            assertThat(record.identification()).isEqualTo("web-1");
        }
        SupervisorEvent fatal = EventDecoder.decode(new SpoolEntry.RawEvent(1L, "web-1", "1-1",
                events.get(11).headerLine(), events.get(11).payload()));
        assertThat(fatal.eventName()).isEqualTo("PROCESS_STATE_FATAL");
        assertThat(fatal.fields()).containsEntry("processname", "crasher").containsEntry("from_state", "BACKOFF");
        assertThat(fatal.data()).isNull();
    }

    @Test
    void theReusedEventOfTheLoopHoldsOnlyTheEventJustReadAfterALargerOne() throws IOException {
        String large = "type:big\n" + "x".repeat(100_000);
        String small = "processname:web groupname:web from_state:STARTING pid:42";
        String unusual = "processname:web groupname:web from_state:RUNNING pid:42";
        byte[] input = concat(event("web-1", 1, "REMOTE_COMMUNICATION", large),
                event("web-1", 2, "PROCESS_STATE_RUNNING", small),
                // A header that is not as supervisord writes it (a word without a key joins the server name) and one
                // with a non-ASCII server name: both are read through the map of tokens, as before.
                wire("ver:3.0 server:my host serial:3 pool:kafka poolserial:3 eventname:PROCESS_STATE_STOPPING len:"
                        + unusual.length(), unusual),
                event("wéb-2", 4, "PROCESS_STATE_STOPPED", small));
        EventListenerProtocol protocol = protocol(input);
        List<EventEnvelope> expected = readAll(protocol(input));

        ReceivedEvent first = protocol.read();
        assertThat(first.payloadLength()).isEqualTo(large.length());
        assertThat(first.bulk()).isTrue();
        ReceivedEvent second = protocol.read();
        assertThat(second).isSameAs(first);
        assertThat(second.payloadLength()).isEqualTo(small.length());
        assertThat(new String(second.payloadBytes(), 0, second.payloadLength(), StandardCharsets.UTF_8))
                .isEqualTo(small);
        assertThat(second.payloadCopy()).isEqualTo(expected.get(1).payload());
        assertThat(second.headerText()).isEqualTo(new String(expected.get(1).headerLine(), StandardCharsets.UTF_8));
        assertThat(List.of(second.server(), second.pool(), second.eventName())).containsExactly("web-1", "kafka",
                "PROCESS_STATE_RUNNING");
        assertThat(List.of(second.serial(), second.poolSerial())).containsExactly(2L, 2L);
        assertThat(second.bulk()).isFalse();
        assertThat(second.problems()).isEmpty();
        ReceivedEvent third = protocol.read();
        assertThat(third.server()).isEqualTo("my host");
        assertThat(third.eventName()).isEqualTo("PROCESS_STATE_STOPPING");
        assertThat(third.toEnvelope().header().tokens()).isEqualTo(expected.get(2).header().tokens());
        ReceivedEvent fourth = protocol.read();
        assertThat(fourth.server()).isEqualTo("wéb-2");
        assertThat(fourth.serial()).isEqualTo(4L);
        assertThat(fourth.headerLength()).isEqualTo(expected.get(3).headerLine().length);
        assertThat(protocol.read()).isNull();
    }
}
