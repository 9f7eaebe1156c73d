package io.supervisorkafka.streams.gunicorn;

import static org.assertj.core.api.Assertions.assertThat;

import io.supervisorkafka.schemas.MetricPoint;
import io.supervisorkafka.testkit.SchemaValidator;
import io.supervisorkafka.schemas.StatsdMetrics;
import io.supervisorkafka.schemas.Topics;
import io.supervisorkafka.streams.ProcessorHarness;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StatsdMetricsDeriverTest {
    @TempDir
    Path stateDir;

    @Test
    void ratesAndDurationsTaggedWithTheProgramWhenKnownAndTagsKept() {
        try (ProcessorHarness<String, StatsdMetrics, String, MetricPoint> harness = new ProcessorHarness<>(
                new StatsdMetricsDeriver(), stateDir.toFile(), 0)) {
            KeyValueStore<String, GunicornAppsState> apps = harness.withStore(GunicornCheckDeriver.storeBuilder());
            harness.withStore(StatsdMetricsDeriver.totalsStoreBuilder());
            harness.start();
            apps.put("web-1", new GunicornAppsState(Map.of("demo", new GunicornAppsState.App("OK", "web", "demo"))));
            StatsdMetrics interval = GunicornTopologyTest.interval("web-1", 1_000_000, 1, 100);
            List<MetricPoint> points = harness.process("web-1", interval, interval.end()).stream()
                    .map(Record::value).toList();
            points.forEach(point -> SchemaValidator.assertValid(Topics.METRICS, point));
            assertThat(points).extracting(MetricPoint::name).containsExactlyInAnyOrder("gunicorn.requests",
                    "gunicorn.request.status.200", "gunicorn.request.status.404", "gunicorn.log.error",
                    "gunicorn.request.duration.avg", "gunicorn.request.duration.median",
                    "gunicorn.request.duration.max", "gunicorn.request.duration.95percentile",
                    "gunicorn.request.duration.count");
            assertThat(points).allSatisfy(p -> assertThat(p.tags()).containsEntry("server", "web-1")
                    .containsEntry("app", "demo").containsEntry("supervisord_group", "web")
                    .containsEntry("supervisord_process", "demo"));
            assertThat(points).filteredOn(p -> p.name().equals("gunicorn.log.error")).singleElement()
                    .satisfies(p -> assertThat(p.value()).isEqualTo(0.2));

            StatsdMetrics tagged = new StatsdMetrics("web-2", "api", 0, 5000, List.of(new StatsdMetrics.Metric(
                    "gunicorn.requests", StatsdMetrics.COUNTER, Map.of("env", "prod", "server", "spoofed"), 10.0,
                    null, null, null, null, null), new StatsdMetrics.Metric("queue.depth", StatsdMetrics.GAUGE,
                    null, 3.0, null, null, null, null, null)), null);
            assertThat(harness.process("web-2", tagged, 5000)).singleElement().satisfies(r -> {
                assertThat(r.key()).isEqualTo("web-2");
                assertThat(r.value().value()).isEqualTo(2.0);
                assertThat(r.value().tags()).isEqualTo(Map.of("server", "web-2", "app", "api", "env", "prod"));
            });
        }
    }

    @Test
    void theCountersOfEachIntervalAddUpPerAppAndAnIntervalSeenTwiceCountsOnce() {
        try (ProcessorHarness<String, StatsdMetrics, String, MetricPoint> harness = new ProcessorHarness<>(
                new StatsdMetricsDeriver(), stateDir.toFile(), 0)) {
            harness.withStore(GunicornCheckDeriver.storeBuilder());
            KeyValueStore<String, GunicornRequestTotals> totals =
                    harness.withStore(StatsdMetricsDeriver.totalsStoreBuilder());
            harness.start();
            StatsdMetrics first = GunicornTopologyTest.interval("web-1", 1_000_000, 1, 100);
            StatsdMetrics second = GunicornTopologyTest.interval("web-1", 1_005_000, 1, 100);
            harness.process("web-1", first, first.end());
            harness.process("web-1", second, second.end());
            harness.process("web-1", second, second.end()); // published twice: not added again
            StatsdMetrics other = new StatsdMetrics("web-1", "statsd", 0, 5000, List.of(new StatsdMetrics.Metric(
                    "queue.depth", StatsdMetrics.GAUGE, null, 3.0, null, null, null, null, null)), null);
            harness.process("web-1", other, 5000);

            GunicornRequestTotals.App once = new GunicornRequestTotals(null).plus(first).apps().get("demo");
            GunicornRequestTotals.App demo = totals.get("web-1").apps().get("demo");
            assertThat(totals.get("web-1").apps()).as("no totals for an app without gunicorn counters")
                    .containsOnlyKeys("demo");
            assertThat(demo.requests()).isEqualTo(2 * once.requests()).isPositive();
            assertThat(demo.statuses()).containsOnlyKeys("200", "404");
            once.statuses().forEach((code, value) -> assertThat(demo.statuses().get(code)).isEqualTo(2 * value));
            assertThat(demo.logs()).containsOnlyKeys("error").containsEntry("error", 2 * once.logs().get("error"));
            assertThat(demo.lastEnd()).isEqualTo(second.end());
        }
    }
}
