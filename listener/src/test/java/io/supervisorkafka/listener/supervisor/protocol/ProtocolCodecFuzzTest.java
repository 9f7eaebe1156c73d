package io.supervisorkafka.listener.supervisor.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;

/**
 * Coverage-guided fuzzing of the eventlistener protocol codec with Jazzer: whatever bytes supervisord's pipe carries,
 * the codec returns events, reports a ProtocolException, or ends at EOF. Any other exception, or an endless loop, is
 * a bug. It writes nothing to stdout on its own: only the loop's acknowledgements may go there.
 *
 * <p>In the normal test suite it fuzzes for a short while (JAZZER_FUZZ is set by the build); crashing inputs found are
 * kept under src/test/resources as regression inputs and replayed on every run. A longer run, for maintainers:
 * raise maxDuration and run {@code JAZZER_FUZZ=1 ./mvnw -pl listener test -Dtest=ProtocolCodecFuzzTest}.
 */
class ProtocolCodecFuzzTest {

    @FuzzTest(maxDuration = "15s")
    void anyInputEndsInEventsAProtocolErrorOrEof(byte[] input) throws IOException {
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        EventListenerProtocol protocol = new EventListenerProtocol(new ByteArrayInputStream(input), stdout, 4096);
        int events = 0;
        try {
            EventEnvelope event;
            while ((event = protocol.readEvent()) != null) {
                events++;
                assertThat(event.headerLine()).isNotNull();
                assertThat(events).isLessThanOrEqualTo(input.length + 1);
            }
        } catch (ProtocolException expected) {
            assertThat(expected.getMessage()).isNotBlank();
        }
        assertThat(stdout.size()).isZero();
    }
}
