package io.supervisorkafka.listener.docker;

import io.supervisorkafka.listener.docker.prometheus.FamilyFilter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Configuration of the docker source: the engine's Prometheus metrics, scraped every interval.
 *
 * @param endpoint     where the page is scraped from, or null: the source is off
 * @param interval     time between scrapes
 * @param timeout      deadline of one scrape: connect, request and the whole response
 * @param include      globs of the metric families kept
 * @param exclude      globs of the families dropped among those
 * @param plugin       MetricsCollector plugin mode: serve the plugin endpoints on {@code pluginSocket} and scrape only
 *                     between the engine's StartMetrics and StopMetrics
 * @param pluginSocket the unix socket the engine calls the plugin on
 */
public record DockerConfig(MetricsEndpoint endpoint, Duration interval, Duration timeout, List<String> include,
                           List<String> exclude, boolean plugin, Path pluginSocket) {

    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(15);
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);
    public static final List<String> DEFAULT_INCLUDE = List.of("engine_daemon_*");
    /** Where the engine bind-mounts its metrics socket inside a plugin's rootfs (the PropagatedMount). */
    public static final String PLUGIN_METRICS_URL = "unix:///run/docker/metrics.sock";
    public static final Path DEFAULT_PLUGIN_SOCKET = Path.of("/run/docker/plugins/supervisor-kafka.sock");
    public static final DockerConfig OFF = new DockerConfig(null, DEFAULT_INTERVAL, DEFAULT_TIMEOUT, DEFAULT_INCLUDE,
            List.of(), false, DEFAULT_PLUGIN_SOCKET);

    public DockerConfig {
        Objects.requireNonNull(interval, "interval");
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(pluginSocket, "pluginSocket");
        include = List.copyOf(include);
        exclude = List.copyOf(exclude);
        if (plugin && endpoint == null) {
            throw new IllegalArgumentException("docker plugin mode needs the metrics socket URL");
        }
        if (endpoint != null) {
            if (interval.isZero() || interval.isNegative()) {
                throw new IllegalArgumentException("the docker interval must be positive, not " + interval);
            }
            if (timeout.isZero() || timeout.isNegative()) {
                throw new IllegalArgumentException("the docker timeout must be positive, not " + timeout);
            }
            if (include.isEmpty()) {
                throw new IllegalArgumentException("the docker include patterns are empty: give patterns, * for every"
                        + " family");
            }
            // A bad pattern is a configuration error at start, not a failure once running; only a source that is on
            // loads the filter.
            FamilyFilter.of(include, exclude);
        }
    }

    public boolean enabled() {
        return endpoint != null;
    }
}
