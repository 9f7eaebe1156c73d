package io.supervisorkafka.streams.docker;

import static io.supervisorkafka.streams.Fixtures.SERVER;
import static io.supervisorkafka.streams.Fixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.assertj.core.api.Assertions.within;

import io.supervisorkafka.schemas.DockerSnapshot;
import io.supervisorkafka.schemas.MetricPoint;
import io.supervisorkafka.testkit.SchemaValidator;
import io.supervisorkafka.schemas.Topics;
import io.supervisorkafka.streams.ProcessorHarness;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DockerMetricsDeriverTest {
    private static final Map<String, String> ENGINE_TAGS = Map.of("server", SERVER,
            "docker_version", "20.10.24+dfsg1", "os", "Debian GNU/Linux 12 (bookworm)", "kernel", "6.18.44-fc-v657");

    @TempDir
    Path stateDir;
    private ProcessorHarness<String, DockerSnapshot, String, MetricPoint> harness;

    @BeforeEach
    void start() {
        harness = new ProcessorHarness<>(new DockerMetricsDeriver(), stateDir.toFile(), T0);
        harness.withStore(DockerMetricsDeriver.storeBuilder());
        harness.start();
    }

    @AfterEach
    void close() {
        harness.close();
    }

    private List<MetricPoint> send(DockerSnapshot snapshot) {
        return harness.process(SERVER, snapshot, snapshot.observedAt()).stream().map(record -> {
            assertThat(record.key()).isEqualTo(SERVER);
            assertThat(record.timestamp()).isEqualTo(snapshot.observedAt());
            SchemaValidator.assertValid(Topics.METRICS, record.value());
            return record.value();
        }).toList();
    }

    private static List<MetricPoint> named(List<MetricPoint> points, String name) {
        return points.stream().filter(point -> point.name().equals(name)).toList();
    }

    @Test
    void aFirstScrapeGivesContainersByStateAndItsDurationTaggedWithTheEngineButNoRate() {
        List<MetricPoint> points = send(DockerPage.captured().containers(1, 0, 2).snapshot(T0));

        assertThat(points).extracting(MetricPoint::name, MetricPoint::type, MetricPoint::value).containsExactly(
                tuple("docker.engine.scrape.duration", MetricPoint.GAUGE, 12.0),
                tuple("docker.containers.running", MetricPoint.GAUGE, 1.0),
                tuple("docker.containers.paused", MetricPoint.GAUGE, 0.0),
                tuple("docker.containers.stopped", MetricPoint.GAUGE, 2.0));
        assertThat(points).allSatisfy(point -> {
            assertThat(point.tags()).isEqualTo(ENGINE_TAGS);
            assertThat(point.timestamp()).isEqualTo(T0);
        });
    }

    @Test
    void eventAndHealthCheckRatesAndActionLatencyBetweenConsecutiveScrapes() {
        DockerPage page = DockerPage.captured().events(12).healthChecksFailed(1);
        send(page.snapshot(T0));
        // Within 15 s: 30 events, 3 failed health checks, 10 container starts (2 of 20 ms, 6 of 40 ms, 2 of 80 ms).
        page.events(42).healthChecksFailed(4);
        for (double seconds : new double[] {0.02, 0.02, 0.04, 0.04, 0.04, 0.04, 0.04, 0.04, 0.08, 0.08}) {
            page.observe("start", seconds);
        }
        List<MetricPoint> points = send(page.snapshot(T0 + 15_000));

        assertThat(named(points, "docker.engine.events")).singleElement().satisfies(rate -> {
            assertThat(rate.type()).isEqualTo(MetricPoint.RATE);
            assertThat(rate.value()).isEqualTo(2.0);
            assertThat(rate.tags()).isEqualTo(ENGINE_TAGS);
        });
        assertThat(named(points, "docker.engine.health_checks.failed")).singleElement()
                .satisfies(rate -> assertThat(rate.value()).isCloseTo(0.2, within(1e-9)));
        // Only start had new observations; the other actions of the page are skipped.
        MetricPoint average = named(points, "docker.engine.container_actions.avg").get(0);
        assertThat(named(points, "docker.engine.container_actions.avg")).hasSize(1);
        assertThat(average.value()).isCloseTo(0.044, within(1e-9));
        assertThat(average.tags()).containsEntry("action", "start").containsEntry("docker_version", "20.10.24+dfsg1");
        // Rank 9.5 of 10 falls in (0.05, 0.1], which holds observations 9 and 10: 0.05 + 0.05 * 1.5 / 2.
        assertThat(named(points, "docker.engine.container_actions.95percentile")).singleElement()
                .satisfies(p95 -> {
                    assertThat(p95.value()).isCloseTo(0.0875, within(1e-9));
                    assertThat(p95.type()).isEqualTo(MetricPoint.GAUGE);
                    assertThat(p95.tags()).containsEntry("action", "start");
                });
    }

    @Test
    void aCounterResetGivesNoRateThatTimeAndRatesResumeAfter() {
        DockerPage page = DockerPage.captured().events(100).healthChecksFailed(7);
        send(page.snapshot(T0));

        List<MetricPoint> afterRestart = send(page.restarted().events(5).observe("start", 0.3)
                .snapshot(T0 + 15_000));
        assertThat(afterRestart).extracting(MetricPoint::name).doesNotContain("docker.engine.events",
                "docker.engine.health_checks.failed", "docker.engine.container_actions.avg",
                "docker.engine.container_actions.95percentile");
        assertThat(afterRestart).allSatisfy(point -> assertThat(point.value()).isNotNegative());

        List<MetricPoint> next = send(page.events(20).observe("start", 0.3).snapshot(T0 + 30_000));
        assertThat(named(next, "docker.engine.events")).singleElement()
                .satisfies(rate -> assertThat(rate.value()).isEqualTo(1.0));
        assertThat(named(next, "docker.engine.health_checks.failed")).singleElement()
                .satisfies(rate -> assertThat(rate.value()).isZero());
        // One start of 0.3 s, in (0.25, 0.5]: alone in its bucket, the 95th percentile interpolates to 0.4875.
        assertThat(named(next, "docker.engine.container_actions.avg")).singleElement()
                .satisfies(avg -> assertThat(avg.value()).isCloseTo(0.3, within(1e-9)));
        assertThat(named(next, "docker.engine.container_actions.95percentile")).singleElement()
                .satisfies(p95 -> assertThat(p95.value()).isCloseTo(0.4875, within(1e-9)));
    }

    @Test
    void aFailedScrapeGivesOnlyItsDurationAndTheNextRateSpansTheGap() {
        DockerPage page = DockerPage.captured().events(0);
        send(page.snapshot(T0));

        List<MetricPoint> failed = send(DockerPage.failed(T0 + 15_000, "connection refused"));
        assertThat(failed).singleElement().satisfies(point -> {
            assertThat(point.name()).isEqualTo("docker.engine.scrape.duration");
            assertThat(point.value()).isEqualTo(1000.0);
            assertThat(point.tags()).as("the engine is remembered").isEqualTo(ENGINE_TAGS);
        });

        assertThat(named(send(page.events(60).snapshot(T0 + 30_000)), "docker.engine.events")).singleElement()
                .satisfies(rate -> assertThat(rate.value()).isEqualTo(2.0));
    }

    @Test
    void theEngineInfoIsKeptWhenAPageLacksItAndUnknownBeforeAnyIsSeen() {
        assertThat(send(DockerPage.captured().withoutEngineInfo().snapshot(T0)))
                .allSatisfy(point -> assertThat(point.tags()).isEqualTo(Map.of("server", SERVER)));

        send(DockerPage.captured().snapshot(T0 + 15_000));
        assertThat(send(DockerPage.captured().withoutEngineInfo().snapshot(T0 + 30_000)))
                .isNotEmpty().allSatisfy(point -> assertThat(point.tags()).isEqualTo(ENGINE_TAGS));
    }

    @Test
    void aRedeliveredOrOlderScrapeIsIgnored() {
        DockerPage page = DockerPage.captured().events(10);
        send(page.snapshot(T0 + 15_000));

        assertThat(send(page.snapshot(T0 + 15_000))).isEmpty();
        assertThat(send(page.events(0).snapshot(T0))).isEmpty();
        assertThat(named(send(page.events(40).snapshot(T0 + 30_000)), "docker.engine.events")).singleElement()
                .satisfies(rate -> assertThat(rate.value()).isEqualTo(2.0));
    }

    @Test
    void quantilesAsPrometheusHistogramQuantile() {
        Map<String, Double> buckets = Map.of("0.1", 4.0, "1", 4.0, "10", 8.0, "+Inf", 10.0);
        DockerMetrics.Histogram histogram = new DockerMetrics.Histogram(30, 10, buckets);

        assertThat(histogram.quantile(0.2)).as("the first bucket starts at 0").isCloseTo(0.05, within(1e-9));
        assertThat(histogram.quantile(0.6)).as("(1, 10] holds ranks 5..8").isCloseTo(5.5, within(1e-9));
        assertThat(histogram.quantile(0.95)).as("in +Inf: the highest finite bound").isEqualTo(10.0);
        assertThat(new DockerMetrics.Histogram(0, 0, Map.of("1", 0.0, "+Inf", 0.0)).quantile(0.5)).isNaN();
        assertThat(new DockerMetrics.Histogram(3, 3, Map.of("0.1", 1.0, "1", 3.0)).quantile(0.5))
                .as("no +Inf bucket").isNaN();
        assertThat(new DockerMetrics.Histogram(30, 10, Map.of("0.1", 4.0, "1", 4.0, "1_0", 8.0, "inf", 10.0))
                .quantile(0.6)).as("bounds as Go's ParseFloat reads them, which the listener accepts")
                .isCloseTo(5.5, within(1e-9));
        assertThat(new DockerMetrics.Histogram(30, 10, Map.of("0.1", 4.0, "ten", 8.0, "+Inf", 10.0)).quantile(0.6))
                .as("a bound Java cannot read: no quantile, no exception").isNaN();
    }
}
