package io.supervisorkafka.listener.gunicorn;

import io.supervisorkafka.listener.BackgroundThreads;
import io.supervisorkafka.schemas.GunicornSnapshot;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes a {@link GunicornSnapshot} every interval, on its own thread ({@value #THREAD}): a scan of the process
 * table, a second scan one sampling window later (scheduled, not slept), and the snapshot built from both. Never on
 * the protocol loop.
 */
public final class GunicornCollector implements AutoCloseable {
    /** Thread name; its first 15 characters are what {@code BackgroundThreads.lower} matches. */
    public static final String THREAD = "gunicorn-collect";
    private static final Logger LOG = LoggerFactory.getLogger(GunicornCollector.class);

    private final GunicornConfig config;
    private final Supplier<String> server;
    private final ProcTable table;
    private final Supplier<Map<Long, GunicornScan.Program>> programs;
    private final Consumer<GunicornSnapshot> sink;
    private final Clock clock;
    private ScheduledExecutorService executor;
    private boolean lowered;

    public GunicornCollector(GunicornConfig config, Supplier<String> server, ProcTable table,
                             Supplier<Map<Long, GunicornScan.Program>> programs, Consumer<GunicornSnapshot> sink,
                             Clock clock) {
        this.config = config;
        this.server = server;
        this.table = table;
        this.programs = programs;
        this.sink = sink;
        this.clock = clock;
    }

    public synchronized void start() {
        executor = BackgroundThreads.scheduler(THREAD);
        executor.scheduleAtFixedRate(BackgroundThreads.surviving("gunicorn scan", LOG, this::beginSample), 0,
                config.interval().toMillis(), TimeUnit.MILLISECONDS);
    }

    private void beginSample() {
        if (!lowered) {
            lowered = true;
            BackgroundThreads.lower(THREAD.substring(0, 15));
        }
        try {
            GunicornScan before = GunicornScan.of(table);
            long started = clock.millis();
            executor.schedule(BackgroundThreads.surviving("gunicorn scan", LOG, () -> finishSample(before, started)),
                    config.sampleWindow().toMillis(),
                    TimeUnit.MILLISECONDS);
        } catch (RuntimeException e) {
            LOG.warn("gunicorn scan failed: {}", e.toString());
        }
    }

    private void finishSample(GunicornScan before, long started) {
        try {
            GunicornScan after = GunicornScan.of(table);
            long now = clock.millis();
            sink.accept(GunicornScan.snapshot(server.get(), now, now - started, before, after, config.apps(),
                    programs.get()));
        } catch (RuntimeException e) {
            LOG.warn("gunicorn scan failed: {}", e.toString());
        }
    }

    @Override
    public synchronized void close() {
        if (executor != null) {
            executor.shutdownNow();
        }
    }
}
