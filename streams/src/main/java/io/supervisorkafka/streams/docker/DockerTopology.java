package io.supervisorkafka.streams.docker;

import io.supervisorkafka.schemas.ContainerCounts;
import io.supervisorkafka.schemas.DockerSnapshot;
import io.supervisorkafka.schemas.JsonSerde;
import io.supervisorkafka.schemas.MetricPoint;
import io.supervisorkafka.schemas.ServiceCheck;
import io.supervisorkafka.schemas.Topics;
import io.supervisorkafka.streams.PipelineConfig;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;

/**
 * The docker source's part of the topology: docker.can_connect, the engine's metric points, and container counts per
 * server.
 *
 * <pre>
 * supervisor.docker ─┬─ docker-check-deriver (store docker-connectivity) ─▶ supervisor.service-checks
 *                    ├─ docker-metrics-deriver (store docker-previous-scrapes) ─▶ supervisor.metrics
 *                    ├─ container-counts-deriver (store container-counts) ─▶ supervisor.container-counts
 *                    └─ docker-influx-lines ─▶ supervisor.influx   (only with --influx)
 * </pre>
 */
public final class DockerTopology {

    private static final Serde<String> KEYS = Serdes.String();

    private DockerTopology() {
    }

    public static void addTo(StreamsBuilder builder, PipelineConfig config) {
        builder.addStateStore(DockerCheckDeriver.storeBuilder());
        builder.addStateStore(DockerMetricsDeriver.storeBuilder());
        builder.addStateStore(ContainerCountsDeriver.storeBuilder());
        KStream<String, DockerSnapshot> scrapes = builder.stream(Topics.DOCKER,
                Consumed.with(KEYS, JsonSerde.of(DockerSnapshot.class)).withName("docker-scrapes"));
        scrapes.process(() -> new DockerCheckDeriver(config.punctuateInterval(), config.staleAfter()),
                        Named.as("docker-check-deriver"), DockerCheckDeriver.STORE)
                .to(Topics.SERVICE_CHECKS, Produced.with(KEYS, JsonSerde.of(ServiceCheck.class))
                        .withName("docker-checks-sink"));
        scrapes.process(DockerMetricsDeriver::new, Named.as("docker-metrics-deriver"), DockerMetricsDeriver.STORE)
                .to(Topics.METRICS, Produced.with(KEYS, JsonSerde.of(MetricPoint.class))
                        .withName("docker-metrics-sink"));
        scrapes.process(ContainerCountsDeriver::new, Named.as("container-counts-deriver"),
                        ContainerCountsDeriver.STORE)
                .to(Topics.CONTAINER_COUNTS, Produced.with(KEYS, JsonSerde.of(ContainerCounts.class))
                        .withName("container-counts-sink"));
        if (config.influx()) {
            scrapes.flatMapValues(DockerInfluxLines::of, Named.as("docker-influx-lines"))
                    .to(Topics.INFLUX, Produced.with(KEYS, Serdes.String()).withName("docker-influx-sink"));
        }
    }
}
