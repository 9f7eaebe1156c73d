package io.supervisorkafka.streams;

import io.supervisorkafka.streams.common.Catalog;
import io.supervisorkafka.streams.docker.DockerCatalog;
import io.supervisorkafka.streams.docker.DockerTopology;
import io.supervisorkafka.streams.gunicorn.GunicornCatalog;
import io.supervisorkafka.streams.gunicorn.GunicornTopology;
import io.supervisorkafka.streams.selfmetrics.ListenerSelfMetricsCatalog;
import io.supervisorkafka.streams.selfmetrics.ListenerSelfMetricsTopology;
import io.supervisorkafka.streams.supervisor.SupervisorCatalog;
import io.supervisorkafka.streams.supervisor.SupervisorTopology;
import java.util.List;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;

/**
 * Builds the topology; a pure function of the {@link PipelineConfig}. Each source adds its own part, which reads its
 * own input topics and shares no state with the others:
 *
 * <ul>
 *   <li>{@link SupervisorTopology}: {@code supervisor.events} and {@code supervisor.snapshots} to process status,
 *       counts, {@code supervisord.*} checks and metrics;</li>
 *   <li>{@link GunicornTopology}: {@code supervisor.gunicorn} and {@code supervisor.statsd} to
 *       {@code gunicorn.is_running} and the {@code gunicorn.*} metrics, per server and fleet-wide;</li>
 *   <li>{@link DockerTopology}: {@code supervisor.docker} to {@code docker.can_connect}, the {@code docker.*}
 *       metrics and container counts;</li>
 *   <li>{@link ListenerSelfMetricsTopology}: {@code supervisor.listener-metrics} to the
 *       {@code supervisor_kafka.listener.*} metrics.</li>
 * </ul>
 *
 * <p>With {@link PipelineConfig#influx()}, the supervisord and docker parts also write Telegraf's lines on
 * {@code supervisor.influx} ({@link io.supervisorkafka.streams.influx.InfluxCatalog}); without it nothing of that is
 * in the topology, which is then exactly what it was before the option existed.
 *
 * <p>Processor, store and repartition topic names are part of a running deployment (state stores, changelog and
 * repartition topics are named after them): they never change.
 */
public final class TopologyFactory {

    private TopologyFactory() {
    }

    /** What the topology emits, by source: every metric point and service check, described once. */
    public static List<Catalog> catalogs() {
        return List.of(SupervisorCatalog.CATALOG, GunicornCatalog.CATALOG, DockerCatalog.CATALOG,
                ListenerSelfMetricsCatalog.CATALOG);
    }

    public static Topology build(PipelineConfig config) {
        StreamsBuilder builder = new StreamsBuilder();
        SupervisorTopology.addTo(builder, config);
        GunicornTopology.addTo(builder, config);
        DockerTopology.addTo(builder, config);
        ListenerSelfMetricsTopology.addTo(builder, config);
        return builder.build();
    }
}
