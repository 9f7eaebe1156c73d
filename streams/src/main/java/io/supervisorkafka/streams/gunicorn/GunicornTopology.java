package io.supervisorkafka.streams.gunicorn;

import io.supervisorkafka.schemas.GunicornSnapshot;
import io.supervisorkafka.schemas.JsonSerde;
import io.supervisorkafka.schemas.MetricPoint;
import io.supervisorkafka.schemas.ServiceCheck;
import io.supervisorkafka.schemas.StatsdMetrics;
import io.supervisorkafka.schemas.Topics;
import io.supervisorkafka.streams.PipelineConfig;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.EmitStrategy;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.TimeWindows;
import org.apache.kafka.streams.state.WindowStore;

/**
 * The gunicorn source's part of the topology: worker gauges and is_running from snapshots, request metrics from StatsD,
 * and the fleet-wide roll-up.
 *
 * <pre>
 * supervisor.gunicorn ─┬─ gunicorn-check-deriver (store gunicorn-apps) ─▶ supervisor.service-checks
 *                      └─ gunicorn-worker-metrics ─▶ supervisor.metrics
 * supervisor.statsd ───┬─ statsd-metrics-deriver (reads gunicorn-apps, sums into gunicorn-request-totals)
 *                      │      ─▶ supervisor.metrics
 *                      └─ by app ─ repartition ─ fleet window (sketches merged) ─ fleet-metrics ─▶ supervisor.metrics
 * </pre>
 */
public final class GunicornTopology {

    private static final Serde<String> KEYS = Serdes.String();

    private GunicornTopology() {
    }

    public static void addTo(StreamsBuilder builder, PipelineConfig config) {
        builder.addStateStore(GunicornCheckDeriver.storeBuilder());
        builder.addStateStore(StatsdMetricsDeriver.totalsStoreBuilder());
        KStream<String, GunicornSnapshot> snapshots = builder.stream(Topics.GUNICORN,
                Consumed.with(KEYS, JsonSerde.of(GunicornSnapshot.class)).withName("gunicorn-snapshots"));
        snapshots.process(GunicornCheckDeriver::new, Named.as("gunicorn-check-deriver"), GunicornCheckDeriver.STORE)
                .to(Topics.SERVICE_CHECKS, Produced.with(KEYS, JsonSerde.of(ServiceCheck.class))
                        .withName("gunicorn-checks-sink"));
        Produced<String, MetricPoint> metrics = Produced.with(KEYS, JsonSerde.of(MetricPoint.class));
        snapshots.filter((server, snapshot) -> snapshot != null, Named.as("gunicorn-snapshots-present"))
                .flatMapValues(GunicornWorkerMetrics::of, Named.as("gunicorn-worker-metrics"))
                .to(Topics.METRICS, metrics.withName("gunicorn-worker-metrics-sink"));

        KStream<String, StatsdMetrics> statsd = builder.stream(Topics.STATSD,
                Consumed.with(KEYS, JsonSerde.of(StatsdMetrics.class)).withName("statsd-intervals"));
        statsd.process(StatsdMetricsDeriver::new, Named.as("statsd-metrics-deriver"), GunicornCheckDeriver.STORE,
                        StatsdMetricsDeriver.TOTALS_STORE)
                .to(Topics.METRICS, Produced.with(KEYS, JsonSerde.of(MetricPoint.class))
                        .withName("statsd-metrics-sink"));

        long window = config.fleetWindow().toMillis();
        statsd.filter((server, record) -> record != null, Named.as("statsd-intervals-present"))
                .selectKey((server, record) -> record.app(), Named.as("statsd-by-app"))
                .groupByKey(Grouped.with("statsd-by-app", KEYS, JsonSerde.of(StatsdMetrics.class)))
                .windowedBy(TimeWindows.ofSizeAndGrace(config.fleetWindow(), config.fleetWindow()))
                .emitStrategy(EmitStrategy.onWindowClose())
                .aggregate(GunicornFleetRollup::empty, (app, record, rollup) -> rollup.add(record),
                        Named.as("fleet-rollup"),
                        Materialized.<String, GunicornFleetRollup, WindowStore<Bytes, byte[]>>as("fleet-rollup")
                                .withKeySerde(KEYS).withValueSerde(JsonSerde.of(GunicornFleetRollup.class)))
                .toStream(Named.as("fleet-windows"))
                .flatMap((windowed, rollup) -> rollup.points(windowed.key(), window, windowed.window().end())
                        .stream().map(point -> KeyValue.pair(GunicornMetrics.FLEET, point)).toList(),
                        Named.as("fleet-metrics"))
                .to(Topics.METRICS, Produced.with(KEYS, JsonSerde.of(MetricPoint.class))
                        .withName("fleet-metrics-sink"));
    }
}
