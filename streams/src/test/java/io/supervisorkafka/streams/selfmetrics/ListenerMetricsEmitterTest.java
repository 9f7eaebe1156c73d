package io.supervisorkafka.streams.selfmetrics;

import static io.supervisorkafka.streams.Fixtures.INSTANCE;
import static io.supervisorkafka.streams.Fixtures.SERVER;
import static io.supervisorkafka.streams.Fixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.supervisorkafka.schemas.ListenerMetrics;
import io.supervisorkafka.schemas.MetricPoint;
import io.supervisorkafka.testkit.SchemaValidator;
import io.supervisorkafka.schemas.Topics;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ListenerMetricsEmitterTest {

    static ListenerMetrics metrics(long observedAt, long dropped, Map<String, Long> sources) {
        return new ListenerMetrics(SERVER, INSTANCE, T0, observedAt, 1250, 1, 0, 1432, 2,
                new ListenerMetrics.Spool("drop-oldest", 524_288, 67_108_864, 17, dropped, 0), sources);
    }

    @Test
    void everyCounterAndEverySourceCounterIsAGaugeOfItsTotalTaggedWithTheServer() {
        ListenerMetrics metrics = metrics(T0 + 60_000, 3, Map.of("snapshots.ok", 4L, "docker.failed", 2L,
                "statsd.malformed", 0L));
        SchemaValidator.assertValid(Topics.LISTENER_METRICS, metrics);

        List<MetricPoint> points = ListenerMetricsEmitter.points(metrics);

        points.forEach(point -> SchemaValidator.assertValid(Topics.METRICS, point));
        assertThat(points).extracting(MetricPoint::name, MetricPoint::value).containsExactly(
                tuple("supervisor_kafka.listener.uptime", 60.0),
                tuple("supervisor_kafka.listener.events.acknowledged", 1250.0),
                tuple("supervisor_kafka.listener.events.malformed", 1.0),
                tuple("supervisor_kafka.listener.events.oversized", 0.0),
                tuple("supervisor_kafka.listener.records.shipped", 1432.0),
                tuple("supervisor_kafka.listener.records.skipped", 2.0),
                tuple("supervisor_kafka.listener.spool.bytes", 524_288.0),
                tuple("supervisor_kafka.listener.spool.max_bytes", 67_108_864.0),
                tuple("supervisor_kafka.listener.spool.unshipped", 17.0),
                tuple("supervisor_kafka.listener.spool.dropped", 3.0),
                tuple("supervisor_kafka.listener.spool.refused", 0.0),
                tuple("supervisor_kafka.listener.source.docker.failed", 2.0),
                tuple("supervisor_kafka.listener.source.snapshots.ok", 4.0),
                tuple("supervisor_kafka.listener.source.statsd.malformed", 0.0));
        assertThat(points).allSatisfy(point -> {
            assertThat(point.type()).isEqualTo(MetricPoint.GAUGE);
            assertThat(point.timestamp()).isEqualTo(T0 + 60_000);
            assertThat(point.tags()).isEqualTo(Map.of("server", SERVER));
        });
    }

    @Test
    void aSourceCounterThatIsNoMetricNameIsLeftOut() {
        List<MetricPoint> points = ListenerMetricsEmitter.points(metrics(T0, 0, Map.of("docker..ok", 1L,
                "docker.ok.", 1L, "docker.ok", 5L)));

        assertThat(points).extracting(MetricPoint::name).filteredOn(name -> name.contains(".source."))
                .containsExactly("supervisor_kafka.listener.source.docker.ok");
        points.forEach(point -> SchemaValidator.assertValid(Topics.METRICS, point));
    }

    @Test
    void eventsLostIsAGaugeOfItsTotalWhenTheListenerCountsThem() {
        ListenerMetrics counted = new ListenerMetrics(SERVER, INSTANCE, T0, T0 + 60_000, 1250, 1, 0, 1432, 2,
                new ListenerMetrics.Spool("drop-oldest", 4096, 67_108_864, 0, 0, 0),
                Map.of(), 852L);
        SchemaValidator.assertValid(Topics.LISTENER_METRICS, counted);

        assertThat(ListenerMetricsEmitter.points(counted)).filteredOn(point -> point.name().equals(
                "supervisor_kafka.listener.events_lost")).extracting(MetricPoint::value).containsExactly(852.0);
        assertThat(ListenerMetricsEmitter.points(metrics(T0, 0, Map.of())))
                .noneMatch(point -> point.name().equals("supervisor_kafka.listener.events_lost"));
    }
}
