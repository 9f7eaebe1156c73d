package io.supervisorkafka.streams.selfmetrics;

import io.supervisorkafka.schemas.JsonSerde;
import io.supervisorkafka.schemas.ListenerMetrics;
import io.supervisorkafka.schemas.MetricPoint;
import io.supervisorkafka.schemas.ServiceCheck;
import io.supervisorkafka.schemas.Topics;
import io.supervisorkafka.streams.PipelineConfig;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;

/**
 * The listener's own counters as metric points, and its lost events as a check; read on their own.
 *
 * <pre>
 * supervisor.listener-metrics ─┬─ listener-metrics-emitter ─▶ supervisor.metrics
 *                              ├─ events-lost-checker ─▶ supervisor.service-checks
 *                              └─ listener-metrics-keeper (store listener-metrics, for the Prometheus endpoint)
 * </pre>
 */
public final class ListenerSelfMetricsTopology {

    private static final Serde<String> KEYS = Serdes.String();

    private ListenerSelfMetricsTopology() {
    }

    /** Nothing of {@code config} applies to it yet; taken so that every source is added the same way. */
    public static void addTo(StreamsBuilder builder, PipelineConfig config) {
        builder.addStateStore(EventsLostChecker.storeBuilder());
        builder.addStateStore(ListenerMetricsKeeper.storeBuilder());
        KStream<String, ListenerMetrics> metricsRecords = builder.stream(Topics.LISTENER_METRICS,
                        Consumed.with(KEYS, JsonSerde.of(ListenerMetrics.class)).withName("listener-metrics"))
                .filter((server, metrics) -> metrics != null, Named.as("listener-metrics-present"));
        metricsRecords.process(EventsLostChecker::new, Named.as("events-lost-checker"), EventsLostChecker.STORE)
                .to(Topics.SERVICE_CHECKS, Produced.with(KEYS, JsonSerde.of(ServiceCheck.class))
                        .withName("listener-checks-sink"));
        metricsRecords.process(ListenerMetricsKeeper::new, Named.as("listener-metrics-keeper"),
                ListenerMetricsKeeper.STORE);
        metricsRecords.flatMap((key, metrics) -> ListenerMetricsEmitter.points(metrics).stream()
                        .map(point -> KeyValue.pair(metrics.server(), point)).toList(),
                        Named.as("listener-metrics-emitter"))
                .to(Topics.METRICS, Produced.with(KEYS, JsonSerde.of(MetricPoint.class))
                        .withName("listener-metrics-sink"));
    }
}
