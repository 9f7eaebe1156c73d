package io.supervisorkafka.listener.docker;

import io.supervisorkafka.listener.ListenerOption;
import io.supervisorkafka.listener.OptionGroup;
import io.supervisorkafka.listener.OptionResolver;
import io.supervisorkafka.listener.docker.prometheus.FamilyFilter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Configuration of the docker source: the engine's Prometheus metrics, scraped every interval. Its options are declared
 * here. With the source off, this record is all of the docker package the listener loads (its options and its
 * {@link #from} included: no lambda, no other class of the package).
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

    /** Where the engine bind-mounts its metrics socket inside a plugin's rootfs (the PropagatedMount). */
    public static final String PLUGIN_METRICS_URL = "unix:///run/docker/metrics.sock";

    public static final OptionGroup OPTIONS = new OptionGroup("docker source",
            "The Docker engine's Prometheus metrics, scraped or as a MetricsCollector plugin; see"
                    + " [its README](../listener/src/main/java/io/supervisorkafka/listener/docker/README.md).");
    public static final ListenerOption URL = OPTIONS.add(ListenerOption.key("listener.docker.url")
            .flag("--docker-url", "URL").shownDefault("off (`" + PLUGIN_METRICS_URL + "` with `--docker-plugin`)")
            .description("Scrape the Docker engine's Prometheus metrics from `unix:///PATH/metrics.sock` or"
                    + " `http://HOST:PORT[/PATH]` (its `metrics-addr`; `/metrics` when no path) and publish one record"
                    + " per scrape to `supervisor.docker`. `https`, other schemes, a relative socket path or"
                    + " credentials in the URL are refused at start."));
    public static final ListenerOption INTERVAL = OPTIONS.add(ListenerOption.key("listener.docker.interval")
            .flag("--docker-interval", "DURATION").defaultValue("15s")
            .description("Time between docker scrapes."));
    public static final ListenerOption TIMEOUT = OPTIONS.add(ListenerOption.key("listener.docker.timeout")
            .defaultValue("5s")
            .description("Deadline of one scrape: connecting, the request and the whole response."));
    public static final ListenerOption INCLUDE = OPTIONS.add(ListenerOption.key("listener.docker.include")
            .defaultValue("engine_daemon_*")
            .description("Comma-separated globs (`*`, `?`) of the metric families kept."));
    public static final ListenerOption EXCLUDE = OPTIONS.add(ListenerOption.key("listener.docker.exclude")
            .shownDefault("none")
            .description("Comma-separated globs of the families dropped among those kept."));
    public static final ListenerOption PLUGIN = OPTIONS.add(ListenerOption.key("listener.docker.plugin")
            .switchFlag("--docker-plugin")
            .description("Docker MetricsCollector plugin mode: serve the plugin endpoints on"
                    + " `listener.docker.plugin.socket` and scrape only between the engine's StartMetrics and"
                    + " StopMetrics. The plugin runs it with `--no-eventlistener`."));
    public static final ListenerOption PLUGIN_SOCKET = OPTIONS.add(ListenerOption.key("listener.docker.plugin.socket")
            .defaultValue("/run/docker/plugins/supervisor-kafka.sock")
            .description("The unix socket the engine calls the plugin on."));

    public static final Duration DEFAULT_INTERVAL = INTERVAL.defaultDuration();
    public static final Duration DEFAULT_TIMEOUT = TIMEOUT.defaultDuration();
    public static final List<String> DEFAULT_INCLUDE = List.of(INCLUDE.defaultValue().split(","));
    public static final Path DEFAULT_PLUGIN_SOCKET = Path.of(PLUGIN_SOCKET.defaultValue());
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

    /** The source as the options give it: off unless a metrics URL or plugin mode is given. */
    public static DockerConfig from(OptionResolver options) {
        boolean plugin = options.isOn(PLUGIN);
        String url = options.string(URL);
        if (url != null && url.isBlank()) {
            url = null;
        }
        if (url == null && plugin) {
            url = PLUGIN_METRICS_URL;
        }
        Duration interval = options.duration(INTERVAL);
        Duration timeout = options.duration(TIMEOUT);
        List<String> include = options.list(INCLUDE);
        List<String> exclude = options.list(EXCLUDE);
        String socket = options.string(PLUGIN_SOCKET);
        if (url == null) {
            return OFF;
        }
        return new DockerConfig(MetricsEndpoint.parse(url), interval, timeout, include, exclude, plugin,
                socket == null || socket.isBlank() ? DEFAULT_PLUGIN_SOCKET : Path.of(socket));
    }
}
