package io.supervisorkafka.listener.gunicorn;

import io.supervisorkafka.listener.ListenerOption;
import io.supervisorkafka.listener.OptionGroup;
import io.supervisorkafka.listener.OptionResolver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Configuration of the gunicorn source: process-table snapshots and the StatsD receiver. Its options are declared
 * here.
 *
 * @param snapshots     whether gunicorn snapshots are published ({@code --gunicorn} or {@code --gunicorn-apps})
 * @param apps          the configured apps; empty: every master found on the host
 * @param interval      time between snapshots
 * @param sampleWindow  CPU sampling window that tells working from idle workers
 * @param statsdListen  {@code HOST:PORT} (UDP) or a unix datagram socket path ({@code /PATH}, {@code unix://PATH})
 *                      the StatsD receiver binds, or null: receiver off
 * @param flushInterval StatsD aggregation interval
 */
public record GunicornConfig(boolean snapshots, List<String> apps, Duration interval, Duration sampleWindow,
                             String statsdListen, Duration flushInterval) {

    public static final OptionGroup OPTIONS = new OptionGroup("gunicorn source",
            "Workers by state from the process table, and gunicorn's own StatsD metrics; see"
                    + " [its README](../listener/src/main/java/io/supervisorkafka/listener/gunicorn/README.md).");
    public static final ListenerOption SNAPSHOTS = OPTIONS.add(ListenerOption.key("listener.gunicorn")
            .switchFlag("--gunicorn")
            .description("Publish gunicorn snapshots (masters `gunicorn: master [NAME]` and their workers, working or"
                    + " idle) of every master on the host to `supervisor.gunicorn`."));
    public static final ListenerOption APPS = OPTIONS.add(ListenerOption.key("listener.gunicorn.apps")
            .flag("--gunicorn-apps", "NAME[,...]").shownDefault("every master")
            .description("Only these gunicorn apps (implies `--gunicorn`); a listed app without a master is reported"
                    + " as such, which turns `gunicorn.is_running` CRITICAL."));
    public static final ListenerOption INTERVAL = OPTIONS.add(ListenerOption.key("listener.gunicorn.interval")
            .flag("--gunicorn-interval", "DURATION").defaultValue("15s")
            .description("Time between gunicorn snapshots."));
    public static final ListenerOption SAMPLE_WINDOW = OPTIONS.add(ListenerOption.key("listener.gunicorn.sample.window")
            .defaultValue("500ms")
            .description("CPU sampling window that tells working from idle workers; shorter than the interval."));
    public static final ListenerOption STATSD_LISTEN = OPTIONS.add(ListenerOption.key("listener.statsd.listen")
            .flag("--statsd-listen", "HOST:PORT|PATH").shownDefault("off")
            .description("StatsD receiver for gunicorn's `--statsd-host`, publishing per-app aggregates to"
                    + " `supervisor.statsd`: a UDP address (`127.0.0.1:8125`; `:8125` for all addresses;"
                    + " `[::1]:8125`), or a unix datagram socket at a path starting with `/`, `./`, `../` or"
                    + " `unix://` (`/run/supervisor-kafka/statsd.sock`, created 0660)."));
    public static final ListenerOption STATSD_FLUSH_INTERVAL = OPTIONS.add(ListenerOption
            .key("listener.statsd.flush.interval").flag("--statsd-flush-interval", "DURATION").defaultValue("10s")
            .description("StatsD aggregation interval; match the Streams app's `--fleet-window`."));

    public static final Duration DEFAULT_INTERVAL = INTERVAL.defaultDuration();
    public static final Duration DEFAULT_SAMPLE_WINDOW = SAMPLE_WINDOW.defaultDuration();
    public static final Duration DEFAULT_FLUSH_INTERVAL = STATSD_FLUSH_INTERVAL.defaultDuration();
    public static final GunicornConfig OFF = new GunicornConfig(false, List.of(), DEFAULT_INTERVAL,
            DEFAULT_SAMPLE_WINDOW, null, DEFAULT_FLUSH_INTERVAL);

    public GunicornConfig {
        apps = List.copyOf(apps);
        Objects.requireNonNull(interval, "interval");
        Objects.requireNonNull(sampleWindow, "sampleWindow");
        Objects.requireNonNull(flushInterval, "flushInterval");
        if (snapshots && (interval.isZero() || interval.isNegative())) {
            throw new IllegalArgumentException("the gunicorn interval must be positive, not " + interval);
        }
        if (snapshots && sampleWindow.compareTo(interval) >= 0) {
            throw new IllegalArgumentException("the gunicorn sample window (" + sampleWindow.toMillis()
                    + " ms) must be shorter than the interval (" + interval.toMillis() + " ms)");
        }
        if (statsdListen != null && (flushInterval.isZero() || flushInterval.isNegative())) {
            throw new IllegalArgumentException("the StatsD flush interval must be positive, not " + flushInterval);
        }
    }

    public boolean statsdEnabled() {
        return statsdListen != null;
    }

    /** The source as the options give it; off unless asked for. */
    public static GunicornConfig from(OptionResolver options) {
        String appList = options.string(APPS);
        List<String> apps = new ArrayList<>();
        if (appList != null) {
            for (String app : appList.split(",")) {
                String name = app.trim();
                if (name.isEmpty() || name.contains("]")) {
                    throw new IllegalArgumentException("bad gunicorn app name in [" + appList + "]: give the NAME of"
                            + " 'gunicorn: master [NAME]', comma-separated");
                }
                apps.add(name);
            }
        }
        boolean snapshots = options.isOn(SNAPSHOTS) || !apps.isEmpty();
        Duration interval = options.duration(INTERVAL);
        Duration window = options.duration(SAMPLE_WINDOW);
        String listen = options.string(STATSD_LISTEN);
        if (listen != null && listen.isBlank()) {
            listen = null;
        }
        if (listen != null) {
            StatsdReceiver.parseAddress(listen);
        }
        return new GunicornConfig(snapshots, apps, interval, window, listen, options.duration(STATSD_FLUSH_INTERVAL));
    }

    /** Whether anything of the source runs: snapshots, the StatsD receiver or both. */
    public boolean enabled() {
        return snapshots || statsdEnabled();
    }
}
