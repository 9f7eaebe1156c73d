package io.supervisorkafka.listener;

import io.supervisorkafka.schemas.ListenerMetrics;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes the listener's own counters ({@link ListenerMetrics}) every metrics interval on its own daemon thread,
 * never on the protocol loop, and once more when closed, so that the last figures of a run reach Kafka too.
 */
final class MetricsPublisher implements AutoCloseable {
    /** Thread name; its first 15 characters are what {@code BackgroundThreads.lower} matches. */
    static final String THREAD = "listener-metrics";
    private static final Logger log = LoggerFactory.getLogger(MetricsPublisher.class);

    private final Duration interval;
    private final Supplier<ListenerMetrics> counters;
    private final Consumer<ListenerMetrics> sink;
    private ScheduledExecutorService scheduler;

    /**
     * @param interval time between records; zero turns the records off, the last one included
     * @param counters reads the counters (on the publishing thread)
     * @param sink     spools a record
     */
    MetricsPublisher(Duration interval, Supplier<ListenerMetrics> counters, Consumer<ListenerMetrics> sink) {
        this.interval = Objects.requireNonNull(interval, "interval");
        this.counters = Objects.requireNonNull(counters, "counters");
        this.sink = Objects.requireNonNull(sink, "sink");
    }

    synchronized void start() {
        if (scheduler != null || interval.isZero() || interval.isNegative()) {
            return;
        }
        scheduler = BackgroundThreads.scheduler(THREAD);
        scheduler.execute(() -> BackgroundThreads.lower(THREAD.substring(0, 15)));
        long millis = interval.toMillis();
        scheduler.scheduleAtFixedRate(BackgroundThreads.surviving("publishing the listener's metrics", log,
                this::publish), millis, millis, TimeUnit.MILLISECONDS);
    }

    /** Publishes a record now, on the publishing thread, besides the periodic ones; nothing when records are off. */
    synchronized void publishNow() {
        if (scheduler != null) {
            try {
                scheduler.execute(this::publish);
            } catch (RejectedExecutionException closing) {
                // close() publishes the last one itself
            }
        }
    }

    private void publish() {
        try {
            sink.accept(counters.get());
        } catch (RuntimeException e) {
            // An exception would cancel the schedule: log it and keep publishing.
            log.error("cannot publish the listener's metrics: {}", e.toString());
        }
    }

    /** Stops the schedule and publishes the last record on the calling thread. */
    @Override
    public synchronized void close() {
        if (scheduler == null) {
            return;
        }
        scheduler.shutdown();
        try {
            scheduler.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        scheduler = null;
        publish();
    }
}
