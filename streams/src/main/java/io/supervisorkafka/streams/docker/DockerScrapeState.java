package io.supervisorkafka.streams.docker;

import java.util.Map;

/**
 * What {@link DockerMetricsDeriver} remembers of a server's last successful scrape (store {@value
 * DockerMetricsDeriver#STORE}, key server id), to turn the next one's counters into rates and its histograms into
 * the latency of the actions observed in between.
 *
 * @param observedAt         when that scrape started, epoch ms
 * @param events             {@code engine_daemon_events_total}, or null when the page did not have it
 * @param healthChecksFailed {@code engine_daemon_health_checks_failed_total}, or null
 * @param containerActions   {@code engine_daemon_container_actions_seconds} by action
 * @param engine             the last engine info seen, kept while scrapes without it come in
 */
public record DockerScrapeState(long observedAt, Double events, Double healthChecksFailed,
                                Map<String, DockerMetrics.Histogram> containerActions, DockerMetrics.Engine engine) {
    public DockerScrapeState {
        containerActions = containerActions == null ? Map.of() : Map.copyOf(containerActions);
    }
}
