package io.supervisorkafka.listener;

import io.supervisorkafka.listener.kafka.RecordMapper;
import io.supervisorkafka.listener.kafka.SpoolShipper;
import io.supervisorkafka.listener.spool.Spool;
import io.supervisorkafka.listener.spool.SpoolEntry;
import io.supervisorkafka.listener.spool.SpoolFsync;
import io.supervisorkafka.listener.spool.SpoolOwner;
import io.supervisorkafka.listener.supervisor.protocol.EventListenerProtocol;
import io.supervisorkafka.listener.supervisor.protocol.PoolSerials;
import io.supervisorkafka.listener.supervisor.protocol.ProtocolException;
import io.supervisorkafka.listener.supervisor.protocol.ReceivedEvent;
import io.supervisorkafka.schemas.ListenerMetrics;
import io.supervisorkafka.schemas.Topics;
import io.supervisorkafka.schemas.cli.KafkaRefusal;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.Producer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The listener: the supervisord protocol loop on the calling thread, and beside it the spool's fsync thread, the
 * Kafka shipper, the listener's own metrics and the {@link Source sources} (supervisord's XML-RPC snapshots, gunicorn,
 * docker), which publish through the spool.
 *
 * <p>The hot path of one event is: read header and payload from stdin, append the raw event to the spool (one
 * {@code write()}, no fsync, no network), answer {@code RESULT 2\nOK} and {@code READY}. Everything that can wait
 * (JSON, Kafka, fsync, XML-RPC) happens on the other threads.
 */
public final class Listener implements AutoCloseable {
    /** stdin closed: supervisord is stopping. */
    public static final int EXIT_OK = 0;
    /** The spool cannot be opened or written, or stdout is gone: supervisord should restart the listener. */
    public static final int EXIT_FAILURE = 1;
    /** The input broke the protocol beyond resynchronisation: supervisord should restart the listener. */
    public static final int EXIT_PROTOCOL_ERROR = 3;

    private static final int CONTINUE = -1;

    /** Counters of the protocol loop and the shipper, for logs and tests (the sources' are in {@link #metrics()}). */
    public record Stats(long acknowledged, long malformed, long oversized, long shipped, long skipped,
                        Spool.Stats spool) {
    }

    private final ListenerConfig config;
    private final String instance;
    private final Clock clock;
    private final Supplier<Producer<byte[], byte[]>> producerFactory;
    private final ServerIdentity identity;
    private final AtomicLong acknowledged = new AtomicLong();
    private final AtomicLong malformed = new AtomicLong();
    private final AtomicLong oversized = new AtomicLong();
    /** The sources' counters, published in the listener's metrics record. */
    private final SourceCounters sourceCounters = new SourceCounters();
    private final Object lifecycle = new Object();

    private Logger log;
    private Spool spool;
    private SpoolFsync fsync;
    private SpoolShipper shipper;
    /** The sources started (or tried), in start order. */
    private final List<Source> sources = new ArrayList<>();
    /** The sources that follow events, told of each one on the protocol loop (which alone reads this list). */
    private final List<EventFollower> followers = new ArrayList<>();
    private MetricsPublisher metrics;
    /** Gap detection in the pool's serials: the protocol loop's (the fsync thread only syncs its file). */
    private volatile PoolSerials poolSerials;
    private boolean poolChecked;
    private final LostEvents lostEvents = new LostEvents(this::afterLostEvents);
    private long startedAt;
    private boolean closed;

    /**
     * @param instance        the supervisord instance written into events ({@link ServerIdentity#supervisordInstance()})
     * @param producerFactory creates the Kafka producer, on the shipper thread
     */
    public Listener(ListenerConfig config, String instance, Clock clock,
                    Supplier<Producer<byte[], byte[]>> producerFactory) {
        this.config = Objects.requireNonNull(config, "config");
        this.instance = Objects.requireNonNull(instance, "instance");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.producerFactory = Objects.requireNonNull(producerFactory, "producerFactory");
        this.identity = new ServerIdentity(config.serverId(), config.serverIdFromIdentification());
    }

    /** A listener producing with {@code KafkaProducer} to the configured cluster, for the supervisord that runs us. */
    public static Listener create(ListenerConfig config) {
        Map<String, Object> properties = config.producerProperties();
        return new Listener(config, ServerIdentity.supervisordInstance(), Clock.systemUTC(),
                () -> new org.apache.kafka.clients.producer.KafkaProducer<>(properties));
    }

    /**
     * Speaks the eventlistener protocol on {@code in}/{@code out} until stdin ends or the protocol breaks. Writes
     * READY first, before the spool is opened or anything else is loaded, then starts the background threads.
     * Returns the exit code; {@link #close()} stops the background threads.
     */
    public int run(InputStream in, OutputStream out) {
        EventListenerProtocol protocol = new EventListenerProtocol(in, out);
        try {
            protocol.ready();
        } catch (IOException e) {
            logger().error("cannot write to stdout (the supervisord pipe): {}", e.toString());
            return EXIT_FAILURE;
        }
        int started = start();
        if (started != CONTINUE) {
            return started;
        }
        ProtocolWarmUp.startInBackground(config.serverId(), instance);
        try {
            while (true) {
                int exit = handleNextEvent(protocol);
                if (exit != CONTINUE) {
                    return exit;
                }
            }
        } finally {
            closePoolSerials();
        }
    }

    /**
     * Runs the spool, the shipper and the sources without supervisord's eventlistener protocol (the docker plugin,
     * which runs in its own container with no supervisord): until {@link #close()}, which a SIGTERM's shutdown hook
     * calls. Returns the exit code.
     */
    public int runWithoutEventListener() {
        int started = start();
        if (started != CONTINUE) {
            return started;
        }
        synchronized (lifecycle) {
            while (!closed) {
                try {
                    lifecycle.wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return EXIT_OK;
                }
            }
        }
        return EXIT_OK;
    }

    /** Logs the configuration's notices and starts the services: CONTINUE, or the exit code. */
    private int start() {
        logger();
        config.notices().forEach(log::warn);
        try {
            return startServices() ? CONTINUE : EXIT_OK;
        } catch (IOException | RuntimeException e) {
            log.error("cannot start: {}", e.toString());
            return EXIT_FAILURE;
        }
    }

    private int handleNextEvent(EventListenerProtocol protocol) {
        ReceivedEvent event;
        try {
            event = protocol.read();
        } catch (ProtocolException e) {
            if (e.kind() == ProtocolException.Kind.TRUNCATED_AT_EOF) {
                log.error("{}; that event was not acknowledged, supervisord sends it again to the next listener",
                        e.getMessage());
                return EXIT_OK;
            }
            log.error("eventlistener protocol broken: {}; exiting so that supervisord restarts the listener on a fresh"
                    + " pipe (the event was not acknowledged)", e.getMessage());
            return EXIT_PROTOCOL_ERROR;
        } catch (IOException e) {
            if (isClosed()) {
                return EXIT_OK;
            }
            log.error("cannot read stdin (the supervisord pipe): {}", e.toString());
            return EXIT_FAILURE;
        }
        if (event == null) {
            log.info("stdin closed: supervisord is stopping the listener");
            return EXIT_OK;
        }
        long observedAt = clock.millis();
        int exit = store(event, observedAt);
        if (exit != CONTINUE) {
            return exit;
        }
        try {
            protocol.acknowledgeAndReady();
            return CONTINUE;
        } catch (IOException e) {
            log.error("cannot write to stdout (the supervisord pipe): {}", e.toString());
            return EXIT_FAILURE;
        }
    }

    /**
     * Appends the event to the spool, or decides it cannot be published; CONTINUE means: acknowledge it. Makes no
     * object for an event as supervisord writes it (see {@link ReceivedEvent}).
     */
    private int store(ReceivedEvent event, long observedAt) {
        if (event.payloadDiscarded()) {
            oversized.incrementAndGet();
            log.error("event payload of {} code points is longer than the {} kept; acknowledged but not published:"
                    + " [{}]", event.payloadCodePoints(), EventListenerProtocol.DEFAULT_MAX_PAYLOAD_CODE_POINTS,
                    event.headerText());
            return CONTINUE;
        }
        List<String> problems = event.problems();
        if (!problems.isEmpty()) {
            // The payload was read, so the stream is in step; refusing the event would only make supervisord resend
            // it forever.
            malformed.incrementAndGet();
            log.error("event header has {}; acknowledged but not published: [{}]", String.join(", ", problems),
                    event.headerText());
            return CONTINUE;
        }
        String serverId = identity.serverIdForEvent(event.server());
        try {
            spool.appendEvent(observedAt, serverId, instance, event.headerBytes(), event.headerLength(),
                    event.payloadBytes(), event.payloadLength(), event.bulk());
            acknowledged.incrementAndGet();
            checkPoolSerial(event.pool(), event.poolSerial());
            for (EventFollower follower : followers) {
                follower.stored(event, serverId, instance, observedAt);
            }
            return CONTINUE;
        } catch (Spool.TooLargeException e) {
            oversized.incrementAndGet();
            log.error("event does not fit the spool ({}); acknowledged but not published: [{}]", e.getMessage(),
                    event.headerText());
            return CONTINUE;
        } catch (Spool.ClosedException e) {
            return EXIT_OK; // stopping: the event is not acknowledged and will be sent again
        } catch (IOException e) {
            log.error("cannot append the event to the spool: {}; not acknowledging it, exiting so that supervisord"
                    + " restarts the listener and sends it again", e.toString());
            return EXIT_FAILURE;
        }
    }

    /**
     * Finds the events supervisord discarded before this one (a gap in the pool's serials) and remembers this one's
     * serial, before it is acknowledged. The report of a gap happens on the {@link LostEvents} thread.
     */
    private void checkPoolSerial(String pool, long poolSerial) {
        if (poolSerials == null) {
            return;
        }
        if (!poolChecked) {
            poolChecked = true;
            if (config.processName() != null && !config.processName().equals(pool)) {
                // numprocs > 1: each process of the pool sees only some of its serials.
                log.info("this listener ({}) is one of several processes of pool {}: gaps in the pool's serials are"
                        + " not counted", config.processName(), pool);
                closePoolSerials();
                return;
            }
        }
        PoolSerials.Gap gap = poolSerials.observe(instance, pool, poolSerial);
        if (gap != null) {
            lostEvents.seen(gap);
        }
        poolSerials.persist(instance, pool, poolSerial);
    }

    private void closePoolSerials() {
        PoolSerials serials = poolSerials;
        poolSerials = null;
        if (serials != null) {
            serials.close();
        }
    }

    /** The listener's own gap detection: from the spool directory's record of the last serial when it can be read. */
    private PoolSerials openPoolSerials() {
        try {
            return PoolSerials.open(config.spool().dir().resolve(PoolSerials.FILE_NAME));
        } catch (IOException e) {
            log.warn("cannot read or create {} in the spool directory ({}): gaps in supervisord's event serials are"
                    + " counted, but not across restarts of the listener", PoolSerials.FILE_NAME, e.toString());
            return PoolSerials.inMemory();
        }
    }

    /** After a gap, on the LostEvents thread: a fresh look from every source and a metrics record now. */
    private void afterLostEvents() {
        List<Source> started;
        MetricsPublisher publisher;
        synchronized (lifecycle) {
            if (closed) {
                return;
            }
            started = List.copyOf(sources);
            publisher = metrics;
        }
        started.forEach(Source::eventsLost);
        if (publisher != null) {
            publisher.publishNow();
        }
    }

    /** Opens the spool and starts the background threads; false if the listener was closed meanwhile. */
    private boolean startServices() throws IOException {
        synchronized (lifecycle) {
            if (closed) {
                return false;
            }
            startedAt = clock.millis();
            spool = Spool.open(config.spool(), SpoolOwner.of(config.serverId(), config.serverIdFromIdentification(),
                    Objects.toString(config.producerProperties().get("bootstrap.servers"), null)));
            sourceCounters.register("spool.set_aside_records", spool::setAsideRecords);
            fsync = new SpoolFsync(spool, config.spool().fsyncInterval(),
                    BackgroundThreads.surviving("spool fsync", logger(), this::syncSpool)).start();
            shipper = new SpoolShipper(spool, producerFactory, RecordMapper::toRecord,
                    SpoolShipper.Settings.DEFAULTS, KafkaRefusal.principal(config.producerProperties()));
            shipper.start();
            sourceCounters.register("kafka.authentication_failures", shipper::authenticationFailures);
            sourceCounters.register("kafka.authorization_failures", shipper::authorizationFailures);
            if (!config.withoutEventListener()) {
                poolSerials = openPoolSerials();
                lostEvents.start(spool::lastAppendNanos);
            }
            RecordSink sink = this::spoolReady;
            for (Source source : Sources.of(config, identity, clock)) {
                sources.add(source); // closed even if its start fails half-way
                source.start(sink, sourceCounters);
                if (source instanceof EventFollower follower) {
                    followers.add(follower);
                }
            }
            metrics = new MetricsPublisher(config.metricsInterval(), this::metrics, record -> sink.publishJson(
                    Topics.LISTENER_METRICS, record.server(), record.observedAt(), ListenerMetrics.class, record));
            metrics.start();
            Spool.Stats stats = spool.stats();
            log.info("listening as server id {}{}; spool {} ({} records not yet in Kafka); snapshots {}",
                    config.serverIdFromIdentification() ? "(until supervisord's identification is known) " : "",
                    identity.current(), config.spool().dir(), stats.unshipped(),
                    config.supervisor().snapshotsEnabled() ? "every " + config.supervisor().snapshotInterval()
                            .toMillis() + " ms from " + config.supervisor().endpoint().display() : "off");
            return true;
        }
    }

    private void spoolReady(String topic, String server, long timestamp, byte[] value) {
        try {
            spool.offer(new SpoolEntry.ReadyRecord(topic, server.getBytes(StandardCharsets.UTF_8), value, timestamp));
        } catch (Spool.FullException e) {
            log.warn("{}: {} record refused (policy block; counted as refusedRecords in {})", e.getMessage(), topic,
                    Topics.LISTENER_METRICS);
        } catch (Spool.ClosedException e) {
            // stopping
        } catch (IOException e) {
            log.error("cannot append a {} record to the spool: {}", topic, e.toString());
        }
    }

    private void syncSpool() {
        PoolSerials serials = poolSerials;
        if (serials != null) {
            serials.sync();
        }
        try {
            spool.sync();
        } catch (IOException | RuntimeException e) {
            log.warn("spool fsync failed: {}", e.toString());
        }
    }

    private boolean isClosed() {
        synchronized (lifecycle) {
            return closed;
        }
    }

    private Logger logger() {
        // Created after READY: slf4j initialisation is not on the way to the first READY.
        if (log == null) {
            log = LoggerFactory.getLogger(Listener.class);
        }
        return log;
    }

    /** Counters so far. */
    public Stats stats() {
        synchronized (lifecycle) {
            return new Stats(acknowledged.get(), malformed.get(), oversized.get(),
                    shipper == null ? 0 : shipper.shipped(), shipper == null ? 0 : shipper.skipped(),
                    spool == null ? null : spool.stats());
        }
    }

    /** The listener's own metrics record: {@link #stats()} and the sources' counters, read now. */
    ListenerMetrics metrics() {
        Stats stats = stats();
        Spool.Stats spooled = stats.spool();
        return new ListenerMetrics(identity.current(), instance, startedAt, clock.millis(), stats.acknowledged(),
                stats.malformed(), stats.oversized(), stats.shipped(), stats.skipped(),
                new ListenerMetrics.Spool(config.spool().fullPolicy().optionValue(), spooled.bytes(),
                        config.spool().maxBytes(), spooled.unshipped(), spooled.droppedRecords(),
                        spooled.refusedRecords()), sourceCounters.read(), lostEvents.total());
    }

    /** Whether the shipper has sent everything in the spool and Kafka acknowledged it. */
    public boolean caughtUp() {
        synchronized (lifecycle) {
            return shipper != null && shipper.caughtUp();
        }
    }

    /**
     * Stops the sources (in the reverse order of their start), publishes the last metrics record, lets the shipper
     * drain the spool for up to the shutdown grace, fsyncs and closes the spool. Safe to call twice and from a
     * shutdown hook while {@link #run} is still reading.
     */
    @Override
    public void close() {
        synchronized (lifecycle) {
            if (closed) {
                return;
            }
            closed = true;
            lifecycle.notifyAll();
        }
        lostEvents.close();
        for (int i = sources.size() - 1; i >= 0; i--) {
            sources.get(i).close();
        }
        if (metrics != null) {
            metrics.close(); // the last record, before the shipper drains
        }
        if (shipper != null) {
            shipper.close(config.shutdownGrace());
        }
        if (fsync != null) {
            fsync.close();
        }
        if (spool != null) {
            try {
                spool.close();
            } catch (IOException e) {
                logger().error("cannot close the spool cleanly: {}", e.toString());
            }
            Stats stats = stats();
            logger().info("stopped: {} events acknowledged, {} records shipped, {} skipped, {} malformed, {}"
                    + " oversized; {} records left in the spool for the next start; {} dropped when the spool was"
                    + " full (drop-oldest), {} refused (block)", stats.acknowledged(), stats.shipped(), stats.skipped(),
                    stats.malformed(), stats.oversized(), stats.spool().unshipped(), stats.spool().droppedRecords(),
                    stats.spool().refusedRecords());
        }
    }
}
