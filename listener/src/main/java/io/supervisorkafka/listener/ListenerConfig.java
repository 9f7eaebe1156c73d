package io.supervisorkafka.listener;

import io.supervisorkafka.listener.docker.DockerConfig;
import io.supervisorkafka.listener.gunicorn.GunicornConfig;
import io.supervisorkafka.listener.spool.SpoolConfig;
import io.supervisorkafka.listener.supervisor.xmlrpc.SupervisorSourceConfig;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything the listener runs with, resolved from flags, the config file, the environment and defaults by
 * {@link ConfigLoader}.
 *
 * @param serverId                   the fixed server id: {@code --server-id}, or the host name
 * @param serverIdFromIdentification use supervisord's identification as the server id instead
 * @param spool                      the spool
 * @param producerProperties         the Kafka producer's properties
 * @param supervisor                 the supervisord XML-RPC source
 * @param shutdownGrace              how long to keep shipping on shutdown before leaving the rest in the spool
 * @param notices                    warnings found while resolving, logged once the listener is READY
 * @param gunicorn                   the gunicorn source: process-table snapshots and the StatsD receiver
 * @param metricsInterval            time between the listener's own metrics records; zero turns them off
 * @param docker                     the docker source: the engine's Prometheus metrics, scraped or as a plugin
 */
public record ListenerConfig(String serverId, boolean serverIdFromIdentification, SpoolConfig spool,
                             Map<String, Object> producerProperties, SupervisorSourceConfig supervisor,
                             Duration shutdownGrace, List<String> notices, GunicornConfig gunicorn,
                             Duration metricsInterval, DockerConfig docker) {

    public static final Duration DEFAULT_SHUTDOWN_GRACE = Duration.ofSeconds(5);
    public static final Duration DEFAULT_METRICS_INTERVAL = Duration.ofSeconds(15);

    public ListenerConfig {
        Objects.requireNonNull(serverId, "serverId");
        Objects.requireNonNull(spool, "spool");
        Objects.requireNonNull(supervisor, "supervisor");
        Objects.requireNonNull(shutdownGrace, "shutdownGrace");
        producerProperties = Map.copyOf(producerProperties);
        notices = List.copyOf(notices);
        gunicorn = gunicorn == null ? GunicornConfig.OFF : gunicorn;
        metricsInterval = metricsInterval == null ? DEFAULT_METRICS_INTERVAL : metricsInterval;
        docker = docker == null ? DockerConfig.OFF : docker;
    }

    /** The same config with other producer properties (tests point the listener at their broker). */
    public ListenerConfig withProducerProperties(Map<String, Object> properties) {
        return new ListenerConfig(serverId, serverIdFromIdentification, spool, properties, supervisor, shutdownGrace,
                notices, gunicorn, metricsInterval, docker);
    }

    /** The configuration without secrets: the producer properties are named, not shown. */
    @Override
    public String toString() {
        return "ListenerConfig[serverId=" + serverId + ", serverIdFromIdentification=" + serverIdFromIdentification
                + ", spool=" + spool + ", producerProperties=" + producerProperties.keySet() + ", supervisor="
                + supervisor + ", shutdownGrace=" + shutdownGrace + ", gunicorn=" + gunicorn
                + ", metricsInterval=" + metricsInterval + ", docker=" + docker + "]";
    }
}
