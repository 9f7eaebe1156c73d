package io.supervisorkafka.streams.gunicorn;

import static org.assertj.core.api.Assertions.assertThat;

import com.datadoghq.sketch.ddsketch.DDSketch;
import io.supervisorkafka.schemas.CheckStatus;
import io.supervisorkafka.schemas.GunicornSnapshot;
import io.supervisorkafka.schemas.JsonSerde;
import io.supervisorkafka.schemas.MetricPoint;
import io.supervisorkafka.schemas.ServiceCheck;
import io.supervisorkafka.schemas.Sketches;
import io.supervisorkafka.schemas.StatsdMetrics;
import io.supervisorkafka.schemas.Topics;
import io.supervisorkafka.streams.TopologyDrivers;
import io.supervisorkafka.streams.TopologyOutputs;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The gunicorn part of the topology on TopologyTestDriver: per-server metrics, is_running, the fleet roll-up. */
class GunicornTopologyTest {
    private static final long T0 = 1_795_307_160_000L; // a multiple of the 10 s fleet window

    @TempDir
    Path stateDir;
    private TopologyTestDriver driver;
    private TestInputTopic<String, GunicornSnapshot> snapshots;
    private TestInputTopic<String, StatsdMetrics> statsd;
    private TopologyOutputs outputs;

    @BeforeEach
    void start() {
        driver = TopologyDrivers.start(stateDir, T0);
        snapshots = driver.createInputTopic(Topics.GUNICORN, new StringSerializer(),
                JsonSerde.of(GunicornSnapshot.class));
        statsd = driver.createInputTopic(Topics.STATSD, new StringSerializer(), JsonSerde.of(StatsdMetrics.class));
        outputs = new TopologyOutputs(driver);
    }

    @AfterEach
    void close() {
        driver.close();
    }

    /** An interval of {@code server}: requests with durations from..to ms, one per ms, some 404s and an error log. */
    static StatsdMetrics interval(String server, long start, int from, int to) {
        DDSketch sketch = Sketches.create();
        double sum = 0;
        for (int ms = from; ms <= to; ms++) {
            sketch.accept(ms);
            sum += ms;
        }
        int count = to - from + 1;
        return new StatsdMetrics(server, "demo", start, start + 10_000, List.of(
                new StatsdMetrics.Metric("gunicorn.requests", StatsdMetrics.COUNTER, null, (double) count, null,
                        null, null, null, null),
                new StatsdMetrics.Metric("gunicorn.request.status.200", StatsdMetrics.COUNTER, null, count - 10.0,
                        null, null, null, null, null),
                new StatsdMetrics.Metric("gunicorn.request.status.404", StatsdMetrics.COUNTER, null, 10.0, null,
                        null, null, null, null),
                new StatsdMetrics.Metric("gunicorn.log.error", StatsdMetrics.COUNTER, null, 2.0, null, null, null,
                        null, null),
                new StatsdMetrics.Metric("gunicorn.workers", StatsdMetrics.GAUGE, null, 4.0, null, null, null, null,
                        null),
                new StatsdMetrics.Metric("gunicorn.request.duration", StatsdMetrics.TIMER, null, null,
                        (double) count, sum, (double) from, (double) to, Sketches.encode(sketch))), 0L);
    }

    private void send(StatsdMetrics record) {
        statsd.pipeInput(new TestRecord<>(record.server(), record, Instant.ofEpochMilli(record.end())));
    }

    static MetricPoint point(List<MetricPoint> points, String name, String server) {
        return points.stream().filter(p -> p.name().equals(name) && p.tags().get("server").equals(server))
                .findFirst().orElseThrow(() -> new AssertionError("no " + name + " for " + server + " in " + points));
    }

    @Test
    void workersChecksRequestMetricsAndAFleetRollupOfMergedSketches() {
        snapshots.pipeInput(new TestRecord<>("web-1", new GunicornSnapshot("web-1", T0 + 1000, 500, List.of(
                new GunicornSnapshot.App("demo", true, 200L, "web", "demo", List.of(
                        new GunicornSnapshot.Worker(201, GunicornSnapshot.WORKING),
                        new GunicornSnapshot.Worker(202, GunicornSnapshot.IDLE),
                        new GunicornSnapshot.Worker(203, GunicornSnapshot.IDLE))))), Instant.ofEpochMilli(T0 + 1000)));
        outputs.drain();
        assertThat(outputs.checks).extracting(kv -> kv.key).containsExactly("gunicorn.is_running|web-1/demo");
        assertThat(outputs.checks.get(0).value.status()).isEqualTo(CheckStatus.OK);
        assertThat(outputs.checks.get(0).value.message()).isEqualTo("1 working and 2 idle workers for demo");
        List<MetricPoint> workers = outputs.metricsNamed(GunicornCatalog.WORKERS.name());
        assertThat(workers).extracting(MetricPoint::value, p -> p.tags().get("state")).containsExactly(
                org.assertj.core.groups.Tuple.tuple(2.0, "idle"), org.assertj.core.groups.Tuple.tuple(1.0, "working"));
        assertThat(workers.get(0).tags()).containsEntry("supervisord_process", "demo").containsEntry("app", "demo");

        // Two servers, one window: web-1's requests took 1..100 ms, web-2's 101..1000 ms.
        send(interval("web-1", T0, 1, 100));
        send(interval("web-2", T0 + 200, 101, 1000));
        outputs.drain();
        List<MetricPoint> points = outputs.metrics.stream().map(kv -> kv.value).toList();
        MetricPoint requests = point(points, "gunicorn.requests", "web-1");
        assertThat(requests.type()).isEqualTo(MetricPoint.RATE);
        assertThat(requests.value()).isEqualTo(10.0); // 100 in 10 s
        assertThat(requests.tags()).containsEntry("app", "demo").containsEntry("supervisord_group", "web");
        assertThat(point(points, "gunicorn.request.status.404", "web-1").value()).isEqualTo(1.0);
        assertThat(point(points, "gunicorn.log.error", "web-2").value()).isEqualTo(0.2);
        assertThat(point(points, "gunicorn.request.duration.avg", "web-1").value()).isEqualTo(50.5);
        assertThat(point(points, "gunicorn.request.duration.max", "web-2").value()).isEqualTo(1000.0);
        assertThat(point(points, "gunicorn.request.duration.median", "web-1").value())
                .isCloseTo(50.0, Offset.offset(1.5));
        assertThat(point(points, "gunicorn.request.duration.count", "web-2").value()).isEqualTo(90.0);
        assertThat(point(points, "gunicorn.request.duration.95percentile", "web-2").value())
                .isCloseTo(955.0, Offset.offset(20.0));
        assertThat(point(points, "gunicorn.request.duration.median", "web-2").tags())
                .doesNotContainKey("supervisord_group");
        assertThat(points).noneMatch(p -> p.tags().get("server").equals(GunicornMetrics.FLEET));

        // Their fleet window [T0+10s, T0+20s) closes once stream time passes its end and the grace.
        send(interval("web-1", T0 + 25_000, 1, 100));
        outputs.drain();
        List<MetricPoint> fleet = new ArrayList<>();
        outputs.metrics.stream().filter(kv -> kv.key.equals(GunicornMetrics.FLEET)).forEach(kv -> fleet.add(kv.value));
        assertThat(fleet).isNotEmpty().allSatisfy(p -> assertThat(p.tags()).containsEntry("app", "demo")
                .containsEntry("server", "*"));
        // Both intervals end (their record timestamp) at T0+10s and T0+10.2s: one window, both servers.
        assertThat(point(fleet, "gunicorn.requests", "*").value()).isEqualTo(100.0); // 1000 requests in 10 s
        assertThat(point(fleet, "gunicorn.requests", "*").tags()).containsEntry("servers", "2");
        // The fleet median of the merged sketch is ~500 ms; averaging the two medians (50, 550) would give 300.
        assertThat(point(fleet, "gunicorn.request.duration.median", "*").value()).isCloseTo(500.0,
                Offset.offset(10.0));
        assertThat(point(fleet, "gunicorn.request.duration.max", "*").value()).isEqualTo(1000.0);
        assertThat(point(fleet, "gunicorn.request.duration.avg", "*").value()).isEqualTo(500.5);
        assertThat(point(fleet, "gunicorn.request.status.404", "*").value()).isEqualTo(2.0);
    }

    @Test
    void stoppedAppTurnsCritical() {
        snapshots.pipeInput("web-1", new GunicornSnapshot("web-1", T0, 500, List.of(new GunicornSnapshot.App("demo",
                false, 200L, null, null, List.of(new GunicornSnapshot.Worker(201, GunicornSnapshot.IDLE))))));
        snapshots.pipeInput("web-1", new GunicornSnapshot("web-1", T0 + 15_000, 500, List.of()));
        outputs.drain();
        assertThat(outputs.checks).extracting(kv -> kv.value.status()).containsExactly(CheckStatus.OK,
                CheckStatus.CRITICAL);
        assertThat(outputs.checks.get(1).value).isEqualTo(new ServiceCheck(ServiceCheck.GUNICORN_IS_RUNNING, "web-1",
                null, null, CheckStatus.CRITICAL, CheckStatus.OK, "no gunicorn master for demo on web-1",
                T0 + 15_000, "demo"));
    }
}
