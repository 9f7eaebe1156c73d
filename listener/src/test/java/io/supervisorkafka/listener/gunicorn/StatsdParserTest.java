package io.supervisorkafka.listener.gunicorn;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class StatsdParserTest {

    record Line(String name, double value, StatsdParser.Type type, double rate, Map<String, String> tags) {
    }

    static String capture() throws IOException {
        try (InputStream in = StatsdParserTest.class.getResourceAsStream("/gunicorn/gunicorn-20.1-statsd.txt")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    static List<Line> parse(String datagram, int[] malformed) {
        List<Line> lines = new ArrayList<>();
        byte[] bytes = datagram.getBytes(StandardCharsets.UTF_8);
        malformed[0] = StatsdParser.parse(bytes, 0, bytes.length,
                (name, value, type, rate, tags) -> lines.add(new Line(name, value, type, rate, tags)));
        return lines;
    }

    @Test
    void parsesTheReferenceCaptureOfGunicorn20() throws IOException {
        int[] malformed = new int[1];
        List<Line> lines = parse(capture(), malformed);
        assertThat(malformed[0]).isZero();
        assertThat(lines).hasSize(22);
        assertThat(lines.get(0)).isEqualTo(new Line("demo.gunicorn.workers", 2, StatsdParser.Type.GAUGE, 1, Map.of()));
        assertThat(lines.get(1)).isEqualTo(new Line("demo.gunicorn.request.duration", 0.41, StatsdParser.Type.TIMER,
                1, Map.of()));
        assertThat(lines.get(2)).isEqualTo(new Line("demo.gunicorn.requests", 1, StatsdParser.Type.COUNTER, 1.0,
                Map.of()));
        assertThat(lines.get(21)).isEqualTo(new Line("demo.gunicorn.log.warning", 1, StatsdParser.Type.COUNTER, 1.0,
                Map.of()));
    }

    @Test
    void everyFormGunicornAndDogStatsdWrite() {
        int[] malformed = new int[1];
        List<Line> lines = parse("a.gunicorn.requests:3|c|@0.5\r\n"
                + "gunicorn.request.duration:12.5|ms|#env:prod,canary\n"
                + "x.gunicorn.workers:-2|g\nx.gunicorn.workers:4|g\nh:7|h|@1|#k:v\nneg:-1.5e3|ms\n\n", malformed);
        assertThat(malformed[0]).isZero();
        assertThat(lines).containsExactly(
                new Line("a.gunicorn.requests", 3, StatsdParser.Type.COUNTER, 0.5, Map.of()),
                new Line("gunicorn.request.duration", 12.5, StatsdParser.Type.TIMER, 1, Map.of("env", "prod",
                        "canary", "")),
                new Line("x.gunicorn.workers", -2, StatsdParser.Type.GAUGE_DELTA, 1, Map.of()),
                new Line("x.gunicorn.workers", 4, StatsdParser.Type.GAUGE, 1, Map.of()),
                new Line("h", 7, StatsdParser.Type.TIMER, 1, Map.of("k", "v")),
                new Line("neg", -1500, StatsdParser.Type.TIMER, 1, Map.of()));
    }

    @Test
    void malformedLinesAreCountedAndTheRestStillCounts() {
        int[] malformed = new int[1];
        List<Line> lines = parse(String.join("\n", "no-colon|c", ":1|c", "a:|c", "a:1", "a:1|", "a:1|x",
                "a:1|c|@0", "a:1|c|@2", "a:1|c|@x", "a:NaN|c", "a:Infinity|g", "a:0x10|c", "a:1d|c", "a b:1|c",
                "a:1|c||", "a:1|c|?", "a:1|s", "ok:1|c"), malformed);
        assertThat(malformed[0]).isEqualTo(17);
        assertThat(lines).containsExactly(new Line("ok", 1, StatsdParser.Type.COUNTER, 1, Map.of()));
    }

    @Test
    void fuzzRandomAndMutatedAndOversizedDatagramsNeverThrow() throws IOException {
        Random random = new Random(20_1);
        byte[] valid = capture().getBytes(StandardCharsets.UTF_8);
        for (int round = 0; round < 20_000; round++) {
            byte[] datagram;
            switch (round % 4) {
                case 0 -> {
                    datagram = new byte[random.nextInt(600)];
                    random.nextBytes(datagram);
                }
                case 1 -> {
                    datagram = valid.clone();
                    for (int i = 0; i < 1 + random.nextInt(8); i++) {
                        datagram[random.nextInt(datagram.length)] = (byte) random.nextInt(256);
                    }
                }
                case 2 -> {
                    datagram = java.util.Arrays.copyOf(valid, random.nextInt(valid.length));
                }
                default -> {
                    datagram = new byte[StatsdParser.MAX_LINE + 1 + random.nextInt(70_000)];
                    java.util.Arrays.fill(datagram, (byte) (random.nextBoolean() ? 'a' : ':'));
                }
            }
            int[] accepted = new int[1];
            int bad = StatsdParser.parse(datagram, 0, datagram.length, (n, v, t, r, tags) -> {
                assertThat(Double.isFinite(v)).isTrue();
                assertThat(r).isGreaterThan(0).isLessThanOrEqualTo(1);
                assertThat(n).isNotEmpty();
                accepted[0]++;
            });
            long lines = new String(datagram, StandardCharsets.ISO_8859_1).lines().filter(l -> !l.isEmpty()).count();
            assertThat(bad + accepted[0]).isLessThanOrEqualTo((int) lines + 1);
        }
        // An oversized line is refused, the valid one beside it is not.
        String big = "a".repeat(StatsdParser.MAX_LINE + 10) + ":1|c\nok:1|c";
        int[] malformed = new int[1];
        assertThat(parse(big, malformed)).hasSize(1);
        assertThat(malformed[0]).isEqualTo(1);
    }
}
