package io.supervisorkafka.listener.gunicorn;

import static org.assertj.core.api.Assertions.assertThat;

import com.datadoghq.sketch.ddsketch.DDSketch;
import io.supervisorkafka.testkit.SchemaValidator;
import io.supervisorkafka.schemas.Sketches;
import io.supervisorkafka.schemas.StatsdMetrics;
import io.supervisorkafka.schemas.Topics;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

class StatsdAggregatorTest {

    static StatsdMetrics.Metric metric(StatsdMetrics record, String name) {
        return record.metrics().stream().filter(m -> m.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void aggregatesTheReferenceCaptureAsAStatsdServerDoes() throws Exception {
        StatsdAggregator aggregator = new StatsdAggregator(1000);
        byte[] capture = StatsdParserTest.capture().getBytes(StandardCharsets.UTF_8);
        aggregator.malformed(StatsdParser.parse(capture, 0, capture.length, aggregator));
        List<StatsdMetrics> records = aggregator.flush("web-1", 11_000);
        assertThat(records).hasSize(1);
        StatsdMetrics demo = records.get(0);
        SchemaValidator.assertValid(Topics.STATSD, demo);
        assertThat(demo.app()).isEqualTo("demo");
        assertThat(demo.start()).isEqualTo(1000);
        assertThat(demo.end()).isEqualTo(11_000);
        assertThat(demo.malformed()).isZero();
        assertThat(metric(demo, "gunicorn.requests").value()).isEqualTo(6.0);
        assertThat(metric(demo, "gunicorn.request.status.200").value()).isEqualTo(6.0);
        assertThat(metric(demo, "gunicorn.workers").value()).isEqualTo(2.0);
        assertThat(metric(demo, "gunicorn.log.warning").value()).isEqualTo(1.0);
        StatsdMetrics.Metric duration = metric(demo, "gunicorn.request.duration");
        assertThat(duration.count()).isEqualTo(6.0);
        assertThat(duration.min()).isEqualTo(0.255);
        assertThat(duration.max()).isEqualTo(1.305);
        assertThat(duration.sum()).isCloseTo(0.41 + 1.159 + 0.519 + 1.305 + 1.294 + 0.255, Offset.offset(1e-9));
        DDSketch sketch = Sketches.decode(duration.sketch());
        assertThat(sketch.getCount()).isEqualTo(6.0);
        assertThat(sketch.getValueAtQuantile(1.0)).isCloseTo(1.305, Offset.offset(1.305 * 0.02));

        // A quiet interval: the counters seen before are sent as 0, as StatsD does; gauges and timers are not.
        List<StatsdMetrics> quiet = aggregator.flush("web-1", 21_000);
        assertThat(quiet).singleElement().satisfies(record -> {
            SchemaValidator.assertValid(Topics.STATSD, record);
            assertThat(record.start()).isEqualTo(11_000);
            assertThat(record.metrics()).extracting(StatsdMetrics.Metric::name).containsExactly("gunicorn.log.warning",
                    "gunicorn.request.status.200", "gunicorn.requests");
            assertThat(record.metrics()).extracting(StatsdMetrics.Metric::value).containsOnly(0.0);
        });
    }

    @Test
    void malformedLinesOfAnIntervalWithoutMetricsAreCarriedByTheNextRecord() {
        StatsdAggregator aggregator = new StatsdAggregator(1000);
        aggregator.malformed(2);
        assertThat(aggregator.flush("web-1", 2000)).as("no metric yet, so no record").isEmpty();
        byte[] line = "demo.gunicorn.requests:1|c".getBytes(StandardCharsets.UTF_8);
        aggregator.malformed(StatsdParser.parse(line, 0, line.length, aggregator) + 1);
        assertThat(aggregator.flush("web-1", 3000)).singleElement().satisfies(record -> {
            SchemaValidator.assertValid(Topics.STATSD, record);
            assertThat(record.malformed()).as("the earlier interval's and this one's").isEqualTo(3);
        });
        assertThat(aggregator.flush("web-1", 4000)).singleElement()
                .satisfies(record -> assertThat(record.malformed()).isZero());
    }

    @Test
    void sampleRatesTagsAppsAndGaugeDeltas() {
        StatsdAggregator aggregator = new StatsdAggregator(0);
        aggregator.accept("a.gunicorn.requests", 1, StatsdParser.Type.COUNTER, 0.1, Map.of());
        aggregator.accept("a.gunicorn.requests", 1, StatsdParser.Type.COUNTER, 1, Map.of("env", "prod"));
        aggregator.accept("gunicorn.workers", 3, StatsdParser.Type.GAUGE, 1, Map.of());
        aggregator.accept("gunicorn.workers", -1, StatsdParser.Type.GAUGE_DELTA, 1, Map.of());
        aggregator.accept("my.app.gunicorn.request.duration", 10, StatsdParser.Type.TIMER, 0.5, Map.of());
        aggregator.accept("queue.depth", 5, StatsdParser.Type.GAUGE, 1, Map.of());
        aggregator.malformed(2);
        List<StatsdMetrics> records = aggregator.flush("s", 10);
        records.forEach(r -> SchemaValidator.assertValid(Topics.STATSD, r));
        assertThat(records).extracting(StatsdMetrics::app).containsExactly("a", "gunicorn", "my.app", "statsd");
        assertThat(records.get(0).malformed()).isEqualTo(2);
        assertThat(records.get(1).malformed()).isNull();
        assertThat(records.get(0).metrics()).extracting(StatsdMetrics.Metric::value)
                .containsExactlyInAnyOrder(10.0, 1.0);
        assertThat(metric(records.get(1), "gunicorn.workers").value()).isEqualTo(2.0);
        assertThat(metric(records.get(2), "gunicorn.request.duration").count()).isEqualTo(2.0);
        assertThat(metric(records.get(3), "queue.depth").value()).isEqualTo(5.0);
    }
}
