package io.supervisorkafka.listener.gunicorn;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Configuration of the gunicorn source: process-table snapshots and the StatsD receiver.
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

    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(15);
    public static final Duration DEFAULT_SAMPLE_WINDOW = Duration.ofMillis(500);
    public static final Duration DEFAULT_FLUSH_INTERVAL = Duration.ofSeconds(10);
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

    /** Whether anything of the source runs: snapshots, the StatsD receiver or both. */
    public boolean enabled() {
        return snapshots || statsdEnabled();
    }
}
