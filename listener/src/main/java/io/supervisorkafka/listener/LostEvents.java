package io.supervisorkafka.listener;

import io.supervisorkafka.listener.supervisor.protocol.PoolSerials;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The events supervisord discarded before the listener could read them ({@link PoolSerials} finds them): counted for
 * the metrics record, and made known soon on a background thread of its own (niced): one WARN line on stderr, a
 * fresh XML-RPC snapshot (the discarded events may have been state changes) and a metrics record.
 *
 * <p>Reports are coalesced: the first comes {@link #GATHER} after a gap, the next no sooner than {@link #MIN_INTERVAL}
 * after the one before. Gaps come in bursts, and a snapshot per gap would make one: each is XML-RPC work in
 * supervisord's single loop, the loop that must hand the listener its events (measured: a report per gap in a burst
 * at buffer_size=10 cost as much CPU as the protocol loop and made supervisord discard more).
 *
 * <p>A report also waits for the burst that overflowed the buffer to pause ({@link #GATHER} without an event), at most
 * {@code quietWaitMax} (1 s) more: its snapshot and metrics record are records that are not bulk, so they end the
 * shipper's hold of the burst, and its XML-RPC call is work for supervisord's loop. Made in the middle of a burst, the
 * report of a first small gap had the broker and supervisord busy while the burst went on, and supervisord then
 * discarded ten times as many (BurstBenchmark: 12 events, then 112 more after the report).
 *
 * <p>The protocol loop only adds to counters and hands the work over ({@link #seen}); it never waits for it.
 */
final class LostEvents implements AutoCloseable {
    /** Thread name; its first 15 characters are what {@code BackgroundThreads.lower} matches. */
    static final String THREAD = "events-lost";
    /** How long the first report waits for the rest of a burst's gaps. */
    static final Duration GATHER = Duration.ofMillis(100);
    /** The least time between two reports. */
    static final Duration MIN_INTERVAL = Duration.ofSeconds(1);
    /**
     * How long a report waits, at most, for the protocol loop to pause: with {@link #GATHER} before it, how long after a
     * gap the derived status may stay wrong (a report is due then, or {@link #MIN_INTERVAL} after the one before).
     */
    static final Duration QUIET_WAIT_MAX = Duration.ofSeconds(1);
    private static final Logger log = LoggerFactory.getLogger(LostEvents.class);

    private final Runnable afterLoss;
    private final Duration quietWaitMax;
    private final AtomicLong total = new AtomicLong();
    private final AtomicLong unreported = new AtomicLong();
    private final AtomicBoolean reportPending = new AtomicBoolean();
    private volatile PoolSerials.Gap lastGap;
    private volatile long nextReportNanos = System.nanoTime();
    /** When the pending report may no longer wait for a pause; set when it is scheduled. */
    private volatile long reportDeadlineNanos;
    /** When the protocol loop last took an event (the spool's last append); set by {@link #start}. */
    private volatile LongSupplier lastEventNanos = () -> System.nanoTime() - GATHER.toNanos();
    private volatile ScheduledExecutorService reporter;
    private final Runnable reportTask = BackgroundThreads.surviving("reporting lost events", log, this::report);
    private boolean lowered;

    /** @param afterLoss what to do once a loss is reported: a snapshot and a metrics record, on the reporter thread */
    LostEvents(Runnable afterLoss) {
        this(afterLoss, QUIET_WAIT_MAX);
    }

    LostEvents(Runnable afterLoss, Duration quietWaitMax) {
        this.afterLoss = Objects.requireNonNull(afterLoss, "afterLoss");
        this.quietWaitMax = Objects.requireNonNull(quietWaitMax, "quietWaitMax");
    }

    /** @param lastEventNanos when the protocol loop last took an event ({@link System#nanoTime}) */
    synchronized void start(LongSupplier lastEventNanos) {
        this.lastEventNanos = Objects.requireNonNull(lastEventNanos, "lastEventNanos");
        if (reporter == null) {
            reporter = BackgroundThreads.scheduler(THREAD);
        }
    }

    /** On the protocol loop: counts the gap and has it reported; never blocks. */
    void seen(PoolSerials.Gap gap) {
        total.addAndGet(gap.lost());
        unreported.addAndGet(gap.lost());
        lastGap = gap;
        ScheduledExecutorService thread = reporter;
        if (thread != null && reportPending.compareAndSet(false, true)) {
            long now = System.nanoTime();
            long delay = Math.max(GATHER.toNanos(), nextReportNanos - now);
            reportDeadlineNanos = now + delay + quietWaitMax.toNanos();
            schedule(thread, delay);
        }
    }

    private void schedule(ScheduledExecutorService thread, long delayNanos) {
        try {
            thread.schedule(reportTask, delayNanos, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException closing) {
            reportPending.set(false);
        }
    }

    private void report() {
        if (!lowered) {
            lowered = true;
            BackgroundThreads.lower(THREAD);
        }
        long now = System.nanoTime();
        long pauseAt = lastEventNanos.getAsLong() + GATHER.toNanos();
        ScheduledExecutorService thread = reporter;
        if (pauseAt - now > 0 && reportDeadlineNanos - now > 0 && thread != null) {
            schedule(thread, Math.min(pauseAt, reportDeadlineNanos) - now); // the burst goes on: not yet
            return;
        }
        nextReportNanos = now + MIN_INTERVAL.toNanos();
        reportPending.set(false);
        long lost = unreported.getAndSet(0);
        PoolSerials.Gap gap = lastGap;
        if (lost == 0 || gap == null) {
            return;
        }
        log.warn("supervisord discarded {} event(s) of pool {} before the listener could read them (last gap:"
                + " poolserial {} to {}; {} lost since the listener started): its event buffer overflowed (raise"
                + " buffer_size in [eventlistener:{}]) or the listener was not reading; taking a snapshot now",
                lost, gap.pool(), gap.first(), gap.received() - 1, total.get(), gap.pool());
        afterLoss.run();
    }

    /** Events lost since the listener started. */
    long total() {
        return total.get();
    }

    @Override
    public synchronized void close() {
        if (reporter != null) {
            BackgroundThreads.stopWithoutInterrupt(reporter, Duration.ofSeconds(1));
            reporter = null;
        }
    }
}
