package io.supervisorkafka.listener.kafka;

import io.supervisorkafka.listener.BackgroundThreads;
import io.supervisorkafka.listener.spool.Spool;
import io.supervisorkafka.listener.spool.SpoolEntry;
import io.supervisorkafka.listener.spool.SpoolPosition;
import io.supervisorkafka.listener.spool.SpoolReader;
import io.supervisorkafka.schemas.cli.KafkaRefusal;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ships spool records to Kafka, in spool order, on its own thread.
 *
 * <p>The producer is created on this thread (so the listener is READY long before kafka-clients is even loaded), and
 * is idempotent with {@code acks=all}: within one producer session Kafka neither loses nor duplicates nor reorders
 * records. Sends are asynchronous; the checkpoint advances over the contiguous prefix of records Kafka acknowledged,
 * at most every commit interval. When a send fails (the broker was unreachable for longer than the producer's
 * {@code delivery.timeout.ms}, authorization, ...), the producer is discarded and, after a backoff, shipping starts
 * again from the checkpoint with a new one: records after the checkpoint that did reach Kafka are sent again, which is
 * acceptable (the Streams side deduplicates by event id), and nothing after the checkpoint is lost.
 *
 * <p>When Kafka refuses the listener's credentials or an ACL it needs, retrying is still right (the spool keeps every
 * record until an operator fixes the password or grants the ACL, and then they are shipped), but a warning per retry
 * would bury everything else: the refusal is said in one line naming the principal and the ACL, at most once a minute
 * while it lasts, and counted ({@link #authenticationFailures()}, {@link #authorizationFailures()}).
 *
 * <p>A record Kafka can never take (larger than {@code max.request.size} or than the topic allows) or that cannot be
 * converted is logged and skipped, so that it does not block everything behind it.
 */
public final class SpoolShipper implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SpoolShipper.class);

    /**
     * @param commitInterval     the most time between two checkpoint saves while records are acknowledged
     * @param maxInFlight        the most records sent but not yet acknowledged
     * @param minBackoff         wait after the first failure before starting again from the checkpoint
     * @param maxBackoff         the longest wait between attempts (doubling from minBackoff)
     * @param bulkQuiet          while every record not yet sent is bulk ({@link Spool#appendBulk}: a process's
     *                           output, REMOTE_COMMUNICATION, ticks), a burst is over after this long without an
     *                           append. The broker appends each batch shipped in the middle of a burst, and on a
     *                           host that runs the broker too (or any busy host) that is CPU supervisord needs to keep
     *                           handing out events: at its default buffer_size=10 it discards them after a pause of
     *                           a few milliseconds
     * @param bulkHold           the most a burst of bulk records holds shipping back; a record that is not bulk ends
     *                           the hold at once, and so does a spool more than half full
     */
    public record Settings(Duration commitInterval, int maxInFlight, Duration minBackoff, Duration maxBackoff,
                           Duration bulkQuiet, Duration bulkHold) {
        public static final Settings DEFAULTS = new Settings(Duration.ofMillis(200), 1000, Duration.ofSeconds(1),
                Duration.ofSeconds(30), Duration.ofMillis(100), Duration.ofSeconds(5));
    }

    /**
     * How long an idle shipper parks when nothing is left to do: an append and {@link #close} wake it up earlier, so
     * this only bounds a missed wake-up. On a quiet host each wake-up is CPU spent on nothing.
     */
    private static final Duration IDLE_WAIT = Duration.ofSeconds(10);
    /** The most often a refusal by Kafka that lasts is said again on stderr. */
    static final Duration REFUSAL_LOG_INTERVAL = Duration.ofMinutes(1);
    /**
     * After waking up, let more records and acknowledgements gather: one wake-up per batch rather than one per event
     * keeps this thread off the CPU that supervisord and the protocol loop need in a burst. A lone event waits this
     * long; while the protocol loop keeps appending (a burst), the shipper waits for a pause this long, at most
     * {@link #BURST_HOLD_NANOS}.
     */
    private static final long BATCH_LINGER_MILLIS = 2;
    /**
     * The most a burst holds shipping back. Measured in a burst of 2,000 events at supervisord's buffer_size=10
     * with the broker on the same 2-core machine: shipping in batches of up to this age instead of every 2 ms cut the
     * broker's and the producer's CPU by about two thirds, CPU the protocol loop needs to keep pace.
     */
    private static final long BURST_HOLD_NANOS = Duration.ofMillis(50).toNanos();

    private final Spool spool;
    private final Supplier<Producer<byte[], byte[]>> producerFactory;
    private final Function<SpoolEntry, OutgoingRecord> mapper;
    private final Settings settings;
    private final Thread thread;
    private final Object acknowledgements = new Object();
    private final AtomicLong shipped = new AtomicLong();
    private final AtomicLong skipped = new AtomicLong();
    private final AtomicLong failedAttempts = new AtomicLong();
    private final AtomicLong authenticationFailures = new AtomicLong();
    private final AtomicLong authorizationFailures = new AtomicLong();
    private final KafkaRefusal.Access access;
    private String lastRefusal;
    private long lastRefusalLoggedAt;
    private volatile boolean stopNow;
    private volatile long drainDeadlineNanos;
    private volatile boolean draining;
    private volatile boolean caughtUp;
    private long ackCount;
    /** Whether the shipper is parked for a record or an acknowledgement: only then does an acknowledgement unpark it. */
    private volatile boolean awaitingRecordOrAcknowledgement;

    public SpoolShipper(Spool spool, Supplier<Producer<byte[], byte[]>> producerFactory,
                        Function<SpoolEntry, OutgoingRecord> mapper, Settings settings) {
        this(spool, producerFactory, mapper, settings, "the listener's principal");
    }

    /** @param principal whom Kafka knows the producer as ({@link KafkaRefusal#principal}), for refusals */
    public SpoolShipper(Spool spool, Supplier<Producer<byte[], byte[]>> producerFactory,
                        Function<SpoolEntry, OutgoingRecord> mapper, Settings settings, String principal) {
        // The listener only writes; with Write on a topic, Kafka 2.8+ brokers need no IdempotentWrite (KIP-679).
        this.access = new KafkaRefusal.Access(Objects.requireNonNull(principal, "principal"), topic -> "Write", null,
                null, "IdempotentWrite");
        this.spool = Objects.requireNonNull(spool, "spool");
        this.producerFactory = Objects.requireNonNull(producerFactory, "producerFactory");
        this.mapper = Objects.requireNonNull(mapper, "mapper");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.thread = new Thread(this::run, "spool-shipper");
        // Daemon: a shipper stuck in a producer call must never keep the JVM from exiting; the spool keeps the data.
        this.thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    /** Records Kafka acknowledged since start. */
    public long shipped() {
        return shipped.get();
    }

    /** Records skipped because Kafka can never take them. */
    public long skipped() {
        return skipped.get();
    }

    /** Rounds that ended in a failure and were retried from the checkpoint. */
    public long failedAttempts() {
        return failedAttempts.get();
    }

    /** Rounds that ended because Kafka refused the credentials (SASL, TLS). */
    public long authenticationFailures() {
        return authenticationFailures.get();
    }

    /** Rounds that ended because Kafka denied an operation (a missing ACL). */
    public long authorizationFailures() {
        return authorizationFailures.get();
    }

    /** Whether the last look at the spool found nothing to send, nothing in flight and the checkpoint saved. */
    public boolean caughtUp() {
        return caughtUp;
    }

    private void run() {
        Duration backoff = settings.minBackoff();
        while (!shouldStop()) {
            Producer<byte[], byte[]> producer = null;
            boolean failed = false;
            try {
                producer = producerFactory.get();
                // Kafka's network thread exists now: nice it with the rest of the background, the JIT compiler
                // included. Not idle-class: a thread there gets next to no CPU while the host is busy, and the compiler
                // takes locks and joins safepoints the protocol loop waits for (with two CPU hogs the loop then stopped
                // for whole bursts). The shipper and the network thread neither: an event would wait for a spare CPU
                // before it left (kill -9 -> CRITICAL p99 265 ms).
                BackgroundThreads.lower("C1 CompilerThre", "C2 CompilerThre", "spool-shipper", "kafka-producer",
                        "spool-fsync", "snapshot-collec", "supervisord-wak", "supervisord-log", "supervisord-exi",
                        "FileSystemWatch", "gunicorn-collec", "statsd-receive", "statsd-flush");
                shipUntilStopped(producer);
                return;
            } catch (ShipmentFailed e) {
                failed = true;
                failedAttempts.incrementAndGet();
                if (!refused(e.getCause())) {
                    log.warn("sending to Kafka failed: {}; retrying from the spool checkpoint (record {}) in {} ms",
                            describe(e.getCause()), spool.checkpoint().seq(), backoff.toMillis());
                }
            } catch (InterruptException e) {
                Thread.interrupted();
                failed = true;
            } catch (KafkaException | IOException e) {
                failed = true;
                failedAttempts.incrementAndGet();
                if (!refused(e)) {
                    log.error("cannot ship the spool to Kafka: {}; retrying in {} ms", describe(e), backoff.toMillis());
                }
            } catch (RuntimeException e) {
                failed = true;
                failedAttempts.incrementAndGet();
                log.error("cannot ship the spool to Kafka; retrying in {} ms", backoff.toMillis(), e);
            } finally {
                closeProducer(producer, failed);
            }
            sleep(backoff);
            backoff = backoff.multipliedBy(2).compareTo(settings.maxBackoff()) > 0
                    ? settings.maxBackoff() : backoff.multipliedBy(2);
        }
    }

    /** Thrown inside a round when Kafka refused or timed out a send: the round ends and restarts from the checkpoint. */
    private static final class ShipmentFailed extends Exception {
        ShipmentFailed(Throwable cause) {
            super(cause);
        }
    }

    private static final class InFlight {
        final SpoolPosition next;
        volatile boolean done;

        InFlight(SpoolPosition next) {
            this.next = next;
        }
    }

    private void shipUntilStopped(Producer<byte[], byte[]> producer) throws ShipmentFailed, IOException {
        ArrayDeque<InFlight> inFlight = new ArrayDeque<>();
        AtomicReference<Exception> failure = new AtomicReference<>();
        SpoolPosition uncommitted = null;
        long lastCommit = System.nanoTime();
        try (SpoolReader reader = spool.reader(spool.checkpoint())) {
            while (true) {
                while (!inFlight.isEmpty() && inFlight.peekFirst().done) {
                    uncommitted = inFlight.pollFirst().next;
                }
                Exception failed = failure.get();
                // At most one checkpoint save (an fsync) per commit interval, however events trickle in.
                if (uncommitted != null && (failed != null
                        || System.nanoTime() - lastCommit >= settings.commitInterval().toNanos())) {
                    spool.commit(uncommitted);
                    uncommitted = null;
                    lastCommit = System.nanoTime();
                }
                if (failed != null) {
                    // Keep what Kafka did acknowledge (committed just above); the rest is sent again.
                    throw new ShipmentFailed(failed);
                }
                if (shouldStop()) {
                    commitOnExit(uncommitted);
                    return;
                }
                if (inFlight.size() >= settings.maxInFlight()) {
                    awaitAcknowledgement(Duration.ofMillis(50));
                    continue;
                }
                SpoolReader.Entry entry = reader.next();
                if (entry == null) {
                    caughtUp = inFlight.isEmpty() && uncommitted == null;
                    if (caughtUp && draining) {
                        commitOnExit(uncommitted);
                        return;
                    }
                    if (inFlight.isEmpty()) {
                        long seq = reader.position().seq();
                        awaitRecord(seq, uncommitted == null ? IDLE_WAIT
                                : Duration.ofNanos(Math.max(0, lastCommit + settings.commitInterval().toNanos()
                                - System.nanoTime())));
                        if (spool.hasRecord(seq)) {
                            lingerForBatch(seq);
                        }
                    } else {
                        // A record appended while others are in flight goes out without waiting for their
                        // acknowledgement: an exit's record right behind its event waited a broker round trip.
                        long seq = reader.position().seq();
                        awaitRecordOrAcknowledgement(seq, settings.commitInterval(), inFlight.peekFirst(), failure);
                        if (spool.hasRecord(seq)) {
                            lingerForBatch(seq);
                        }
                    }
                    continue;
                }
                caughtUp = false;
                InFlight sent = new InFlight(entry.next());
                inFlight.addLast(sent);
                OutgoingRecord record;
                try {
                    record = mapper.apply(entry.decode());
                } catch (RuntimeException e) {
                    log.error("spool record {} cannot become a Kafka record and is skipped: {}", entry.seq(),
                            e.toString());
                    skipped.incrementAndGet();
                    sent.done = true;
                    continue;
                }
                send(producer, record, entry.seq(), sent, failure);
            }
        }
    }

    private void commitOnExit(SpoolPosition uncommitted) {
        if (uncommitted == null) {
            return;
        }
        // Stopping after an interrupt: clear it, or the checkpoint file's channel would close at once.
        Thread.interrupted();
        try {
            spool.commit(uncommitted);
        } catch (IOException e) {
            // Those records are sent again on the next start: a duplicate, not a loss.
            log.warn("cannot save the spool checkpoint on exit: {}", e.toString());
        }
    }

    private void send(Producer<byte[], byte[]> producer, OutgoingRecord record, long seq, InFlight sent,
                      AtomicReference<Exception> failure) throws ShipmentFailed {
        try {
            producer.send(new ProducerRecord<>(record.topic(), null, record.timestamp(), record.key(), record.value()),
                    (metadata, exception) -> {
                        if (exception == null) {
                            shipped.incrementAndGet();
                            sent.done = true;
                        } else if (exception instanceof RecordTooLargeException) {
                            log.error("spool record {} ({} bytes for {}) is too large for Kafka and is skipped: {}",
                                    seq, record.value().length, record.topic(), exception.getMessage());
                            skipped.incrementAndGet();
                            sent.done = true;
                        } else {
                            failure.compareAndSet(null, exception);
                        }
                        synchronized (acknowledgements) {
                            ackCount++;
                            acknowledgements.notifyAll();
                        }
                        if (awaitingRecordOrAcknowledgement) {
                            LockSupport.unpark(thread);
                        }
                    });
        } catch (InterruptException e) {
            throw e;
        } catch (KafkaException e) {
            throw new ShipmentFailed(e);
        }
    }

    private void awaitAcknowledgement(Duration timeout) {
        synchronized (acknowledgements) {
            long seen = ackCount;
            long deadline = System.nanoTime() + timeout.toNanos();
            while (ackCount == seen && !shouldStop()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(acknowledgements, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** Waits for the batch that begins with record {@code nextUnsent} to gather: see {@link #BATCH_LINGER_MILLIS}. */
    private void lingerForBatch(long nextUnsent) {
        long start = System.nanoTime();
        long pause = TimeUnit.MILLISECONDS.toNanos(BATCH_LINGER_MILLIS);
        try {
            while (!shouldStop() && !draining) {
                if (spool.hasRecord(nextUnsent) && spool.lastPromptSeq() < nextUnsent && !spool.halfFull()) {
                    // Bulk records to send and nothing else: until the burst pauses, the hold ends or a record that
                    // is not bulk comes (which wakes this thread; the burst's own appends do not). With nothing to
                    // send at all, there is no burst to hold: the checkpoint and caughtUp() must not wait for one.
                    long until = Math.min(spool.lastAppendNanos() + settings.bulkQuiet().toNanos(),
                            start + settings.bulkHold().toNanos());
                    long left = until - System.nanoTime();
                    if (left <= 0) {
                        return;
                    }
                    if (!spool.awaitPromptRecord(nextUnsent, Duration.ofNanos(left))) {
                        return; // closed: the next read says so
                    }
                    continue;
                }
                Thread.sleep(BATCH_LINGER_MILLIS);
                long now = System.nanoTime();
                if (now - spool.lastAppendNanos() >= pause || now - start >= BURST_HOLD_NANOS) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Parks until record {@code seq} is appended, a record in flight is acknowledged (or fails), or {@code timeout};
     * not at all when {@code oldest}, the record in flight whose acknowledgement lets the checkpoint move, already is.
     */
    private void awaitRecordOrAcknowledgement(long seq, Duration timeout, InFlight oldest,
                                              AtomicReference<Exception> failure) {
        // Set before the look: an acknowledgement after it unparks this thread.
        awaitingRecordOrAcknowledgement = true;
        try {
            if (!oldest.done && failure.get() == null) {
                awaitRecord(seq, timeout);
            }
        } finally {
            awaitingRecordOrAcknowledgement = false;
        }
    }

    private void awaitRecord(long seq, Duration timeout) {
        try {
            spool.awaitRecord(seq, timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private boolean shouldStop() {
        return stopNow || Thread.currentThread().isInterrupted()
                || (draining && System.nanoTime() - drainDeadlineNanos >= 0);
    }

    private void sleep(Duration backoff) {
        long deadline = System.nanoTime() + backoff.toNanos();
        while (!shouldStop()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return;
            }
            // Short naps so that close() is noticed quickly; this thread is idle anyway.
            try {
                Thread.sleep(Math.min(100, Math.max(1, TimeUnit.NANOSECONDS.toMillis(left))));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void closeProducer(Producer<byte[], byte[]> producer, boolean failed) {
        if (producer == null) {
            return;
        }
        try {
            // After a failure nothing in flight matters: it is resent from the checkpoint.
            producer.close(failed || stopNow ? Duration.ZERO : Duration.ofSeconds(1));
        } catch (RuntimeException e) {
            log.debug("closing the Kafka producer: {}", e.toString());
        }
    }

    /**
     * Counts a refusal by Kafka and says it in one line, again only when it changed or a minute passed; false when
     * {@code error} is no refusal.
     */
    private boolean refused(Throwable error) {
        Optional<KafkaRefusal.Refusal> refusal = KafkaRefusal.explain(error, access);
        if (refusal.isEmpty()) {
            return false;
        }
        (refusal.get().kind() == KafkaRefusal.Kind.AUTHENTICATION ? authenticationFailures : authorizationFailures)
                .incrementAndGet();
        long now = System.nanoTime();
        String message = refusal.get().message();
        if (!message.equals(lastRefusal) || now - lastRefusalLoggedAt >= REFUSAL_LOG_INTERVAL.toNanos()) {
            lastRefusal = message;
            lastRefusalLoggedAt = now;
            log.error("{}; the records stay in the spool (from record {}) and are shipped once Kafka accepts them"
                    + " (retrying meanwhile, said again every {} s while it lasts)", message,
                    spool.checkpoint().seq(), REFUSAL_LOG_INTERVAL.toSeconds());
        }
        return true;
    }

    private static String describe(Throwable e) {
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }

    /**
     * Stops the shipper: keeps shipping until the spool is drained or {@code grace} has passed, then stops; whatever
     * is left stays in the spool for the next start.
     */
    public void close(Duration grace) {
        if (!thread.isAlive()) {
            return;
        }
        drainDeadlineNanos = System.nanoTime() + grace.toNanos();
        draining = true;
        synchronized (acknowledgements) {
            acknowledgements.notifyAll();
        }
        LockSupport.unpark(thread); // parked in the spool: idle, or holding a burst of bulk records back
        try {
            // join(0) would wait forever: wait at least a millisecond.
            thread.join(Math.max(1, grace.toMillis()));
            if (thread.isAlive()) {
                // Probably blocked in the producer (metadata for an unreachable broker): interrupt it.
                stopNow = true;
                thread.interrupt();
                thread.join(2000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            log.warn("the spool shipper did not stop in time; unshipped records stay in the spool");
        }
    }

    @Override
    public void close() {
        close(Duration.ZERO);
    }
}
