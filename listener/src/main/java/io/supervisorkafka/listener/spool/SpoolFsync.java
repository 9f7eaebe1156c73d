package io.supervisorkafka.listener.spool;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

/**
 * The spool's fsync thread ({@code spool-fsync}): forces what was appended within one fsync interval of the first
 * append after the last force, and sleeps while nothing was.
 *
 * <p>It replaces a task scheduled every interval, which woke 5 times a second on a quiet host to find nothing to
 * force: each wake-up of a thread costs tens of microseconds of CPU in a VM (QuietHostBenchmark). The bound is the
 * same: a record is forced at most one interval (and the force) after it was appended.
 */
public final class SpoolFsync implements AutoCloseable {
    /**
     * The longest sleep without an append. Only a safety net: whatever dirties the spool wakes the thread. It also
     * bounds how long {@code alsoSync}'s own writes (the pool serials, written right after each append) may wait
     * when they came after the force that followed their append.
     */
    static final Duration IDLE_WAIT = Duration.ofSeconds(10);

    private final Spool spool;
    private final long intervalNanos;
    private final Runnable sync;
    private final Thread thread;
    private volatile boolean stopping;

    /**
     * @param sync forces the spool and whatever else the caller keeps beside it (called on this thread; it must not
     *             throw)
     */
    public SpoolFsync(Spool spool, Duration interval, Runnable sync) {
        this.spool = spool;
        this.intervalNanos = interval.toNanos();
        this.sync = sync;
        this.thread = new Thread(this::run, "spool-fsync");
        this.thread.setDaemon(true);
    }

    public SpoolFsync start() {
        thread.start();
        return this;
    }

    private void run() {
        while (!stopping) {
            spool.awaitUnsynced(IDLE_WAIT);
            if (stopping) {
                return;
            }
            // Let the appends of the next interval join this force, as the fixed schedule did.
            long deadline = System.nanoTime() + intervalNanos;
            for (long left = intervalNanos; left > 0 && !stopping; left = deadline - System.nanoTime()) {
                LockSupport.parkNanos(this, left);
            }
            sync.run();
        }
    }

    /**
     * Stops the thread without interrupting it (an interrupt during a force would close the spool's channel under
     * it) and waits for a force under way, up to {@code wait}. The spool's own close forces the rest.
     */
    @Override
    public void close() {
        close(Duration.ofSeconds(10));
    }

    void close(Duration wait) {
        stopping = true;
        LockSupport.unpark(thread);
        try {
            thread.join(wait.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
