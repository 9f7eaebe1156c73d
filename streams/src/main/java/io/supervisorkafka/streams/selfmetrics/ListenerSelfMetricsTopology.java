package io.supervisorkafka.streams.selfmetrics;

import io.supervisorkafka.schemas.JsonSerde;
import io.supervisorkafka.schemas.ListenerMetrics;
import io.supervisorkafka.schemas.MetricPoint;
import io.supervisorkafka.schemas.Topics;
import io.supervisorkafka.streams.PipelineConfig;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;

/**
 * The listener's own counters as metric points: stateless, read on their own.
 *
 * <pre>
 * supervisor.listener-metrics ─ listener-metrics-emitter ─▶ supervisor.metrics
 * </pre>
 */
public final class ListenerSelfMetricsTopology {

    private static final Serde<String> KEYS = Serdes.String();

    private ListenerSelfMetricsTopology() {
    }

    /** Nothing of {@code config} applies to it yet; taken so that every source is added the same way. */
    public static void addTo(StreamsBuilder builder, PipelineConfig config) {
        builder.stream(Topics.LISTENER_METRICS, Consumed.with(KEYS, JsonSerde.of(ListenerMetrics.class))
                        .withName("listener-metrics"))
                .filter((server, metrics) -> metrics != null, Named.as("listener-metrics-present"))
                .flatMap((key, metrics) -> ListenerMetricsEmitter.points(metrics).stream()
                        .map(point -> KeyValue.pair(metrics.server(), point)).toList(),
                        Named.as("listener-metrics-emitter"))
                .to(Topics.METRICS, Produced.with(KEYS, JsonSerde.of(MetricPoint.class))
                        .withName("listener-metrics-sink"));
    }
}
