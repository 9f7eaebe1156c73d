package io.supervisorkafka.listener.gunicorn;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Coverage-guided fuzzing (Jazzer) of the StatsD parser with whatever a datagram may hold: it never throws, counts
 * at most one malformed line per line, and hands on only finite values with a name and a positive sample rate.
 * Crashing inputs are kept under src/test/resources and replayed on every run.
 */
class StatsdParserFuzzTest {

    @FuzzTest(maxDuration = "15s")
    void anyDatagramParsesIntoSaneMetricsOrIsCountedMalformed(byte[] datagram) {
        int[] lines = {0};
        int malformed = StatsdParser.parse(datagram, 0, datagram.length, (name, value, type, rate, tags) -> {
            lines[0]++;
            assertThat(name).isNotEmpty();
            assertThat(type).isNotNull();
            assertThat(Double.isNaN(value)).isFalse();
            assertThat(rate).isPositive();
            assertThat(tags).isNotNull();
        });
        int newlines = 0;
        for (byte b : datagram) {
            if (b == '\n') {
                newlines++;
            }
        }
        assertThat(malformed).isBetween(0, newlines + 1);
        assertThat(lines[0] + malformed).isLessThanOrEqualTo(newlines + 1);
    }
}
