package io.supervisorkafka.listener.supervisor.xmlrpc;

import io.supervisorkafka.listener.BackgroundThreads;
import io.supervisorkafka.listener.ServerIdentity;
import io.supervisorkafka.schemas.SupervisorSnapshot.ProcessInfo;
import io.supervisorkafka.schemas.SupervisorSnapshot.SupervisorInfo;
import io.supervisorkafka.schemas.SupervisorSnapshot;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.apache.xmlrpc.XmlRpcException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes XML-RPC snapshots of supervisord on its own thread, at start and every snapshot interval: getState,
 * getIdentification, getSupervisorVersion, getPID and getAllProcessInfo, one {@link SupervisorSnapshot} per attempt.
 * A failed attempt is published too, with {@code error} set and no process list, so that the Streams side can raise
 * {@code supervisord.can_connect}.
 *
 * <p>All calls of one snapshot share one deadline ({@link SupervisorSourceConfig#rpcTimeout()} after the first call
 * was sent), so a stalled supervisord delays a snapshot by at most that much.
 */
public final class SnapshotCollector implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SnapshotCollector.class);

    /** supervisord's own states and their codes (supervisor/states.py): any other answer is not supervisord's. */
    private static final Map<String, Integer> SUPERVISOR_STATES = Map.of("FATAL", 2, "RUNNING", 1, "RESTARTING", 0,
            "SHUTDOWN", -1);

    private final SupervisorSourceConfig config;
    private final ServerIdentity identity;
    private final Consumer<SupervisorSnapshot> sink;
    private final Clock clock;
    private final SupervisorRpcClient rpc;
    private final AtomicLong succeeded = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicBoolean extraPending = new AtomicBoolean();
    /** Told every getAllProcessInfo answer's entries, as parsed (the exit context learns the output logs' paths). */
    private volatile Consumer<Object[]> processInfos = infos -> { };
    private ScheduledExecutorService scheduler;
    private volatile boolean lastFailed;
    private volatile boolean closing;

    /**
     * @param sink receives every snapshot, successful or not (the listener spools it); called on the collector thread
     */
    public SnapshotCollector(SupervisorSourceConfig config, ServerIdentity identity, Consumer<SupervisorSnapshot> sink,
                             Clock clock) {
        this(config, identity, sink, clock, null);
    }

    /** With this XML-RPC client (tests: one that answers without a socket); null: a client of the endpoint. */
    SnapshotCollector(SupervisorSourceConfig config, ServerIdentity identity, Consumer<SupervisorSnapshot> sink,
                      Clock clock, SupervisorRpcClient rpc) {
        this.config = Objects.requireNonNull(config, "config");
        this.identity = Objects.requireNonNull(identity, "identity");
        this.sink = Objects.requireNonNull(sink, "sink");
        this.clock = Objects.requireNonNull(clock, "clock");
        if (config.endpoint() == null) {
            throw new IllegalArgumentException("no supervisor endpoint to take snapshots from");
        }
        this.rpc = rpc != null ? rpc
                : new SupervisorRpcClient(config.endpoint(), config.credentials(), config.rpcTimeout().toMillis());
    }

    /** Hands every getAllProcessInfo answer's entries to {@code listener} too, on the collector thread. */
    void alsoTell(Consumer<Object[]> listener) {
        processInfos = Objects.requireNonNull(listener, "listener");
    }

    /** Takes snapshots now and then every interval, until {@link #close()}. */
    public synchronized void start() {
        if (scheduler != null) {
            return;
        }
        scheduler = BackgroundThreads.scheduler("snapshot-collector");
        scheduler.scheduleAtFixedRate(BackgroundThreads.surviving("supervisord snapshot", log,
                this::collectAndPublish), 0, config.snapshotInterval().toMillis(),
                TimeUnit.MILLISECONDS);
    }

    /**
     * Takes a snapshot now, on the collector thread, besides the periodic ones; a request while one is waiting adds
     * nothing. Returns at once.
     */
    public synchronized void requestNow() {
        if (scheduler == null || !extraPending.compareAndSet(false, true)) {
            return;
        }
        try {
            scheduler.execute(BackgroundThreads.surviving("supervisord snapshot", log, () -> {
                extraPending.set(false);
                collectAndPublish();
            }));
        } catch (RejectedExecutionException closing) {
            extraPending.set(false);
        }
    }

    /** collect() records every failure in the snapshot; anything else thrown is left to BackgroundThreads.surviving. */
    private void collectAndPublish() {
        SupervisorSnapshot snapshot = collect();
        if (closing) {
            // Interrupted by close(): an "interrupted" failure says nothing about supervisord.
            return;
        }
        sink.accept(snapshot);
    }

    /** Takes one snapshot (or records the failed attempt) and returns it. */
    public SupervisorSnapshot collect() {
        long observedAt = clock.millis();
        long started = System.nanoTime();
        long deadline = started + config.rpcTimeout().toNanos();
        String endpoint = config.endpoint().display();
        try {
            return query(observedAt, started, deadline);
        } catch (XmlRpcException | RuntimeException e) {
            long durationMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            String error = describe(e);
            failed.incrementAndGet();
            if (!lastFailed) {
                log.warn("supervisord snapshot failed (published with its error; repeated failures are logged at"
                        + " debug): {}", error);
                lastFailed = true;
            } else {
                log.debug("supervisord snapshot failed: {}", error);
            }
            return new SupervisorSnapshot(identity.serverIdForSnapshot(null), identity.identification().orElse(null),
                    endpoint, observedAt, durationMs, error, null, List.of());
        }
    }

    /**
     * The calls of one snapshot and their mapping. An answer that is not what supervisord sends fails with an
     * XmlRpcException (the transport, the parser, a fault) or an {@link IllegalStateException} (the mapping); any other
     * exception is a bug, which {@link #collect()} still records as a failed snapshot.
     */
    SupervisorSnapshot query(long observedAt, long started, long deadline) throws XmlRpcException {
        Map<?, ?> state = (Map<?, ?>) expect(call("supervisor.getState", deadline), Map.class, "getState");
        String identification = (String) expect(call("supervisor.getIdentification", deadline), String.class,
                "getIdentification");
        String version = (String) expect(call("supervisor.getSupervisorVersion", deadline), String.class,
                "getSupervisorVersion");
        Object pid = expect(call("supervisor.getPID", deadline), Integer.class, "getPID");
        Object[] infos = (Object[]) expect(call("supervisor.getAllProcessInfo", deadline), Object[].class,
                "getAllProcessInfo");
        processInfos.accept(infos);
        List<ProcessInfo> processes = new ArrayList<>(infos.length);
        for (Object info : infos) {
            processes.add(processInfo((Map<?, ?>) expect(info, Map.class, "getAllProcessInfo entry")));
        }
        String stateName = string(state, "statename");
        int stateCode = integer(state, "statecode");
        if (!Integer.valueOf(stateCode).equals(SUPERVISOR_STATES.get(stateName))) {
            throw new IllegalStateException("answer has an unknown supervisord state " + stateName + " ("
                    + stateCode + ")");
        }
        SupervisorInfo supervisor = new SupervisorInfo(stateName, stateCode, identification, version,
                ((Integer) pid).longValue());
        long durationMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        succeeded.incrementAndGet();
        if (lastFailed) {
            log.info("supervisord at {} answers again", config.endpoint().display());
            lastFailed = false;
        }
        return new SupervisorSnapshot(identity.serverIdForSnapshot(identification), identification,
                config.endpoint().display(), observedAt, durationMs, null, supervisor, processes);
    }

    private Object call(String method, long deadline) throws XmlRpcException {
        return rpc.call(method, deadline);
    }

    private static ProcessInfo processInfo(Map<?, ?> info) {
        String spawnErr = optionalString(info, "spawnerr");
        long pid = number(info, "pid");
        if (pid < 0) {
            throw new IllegalStateException("answer has a negative pid");
        }
        return new ProcessInfo(string(info, "group"), string(info, "name"), string(info, "statename"),
                integer(info, "state"), pid, number(info, "start"), number(info, "stop"),
                number(info, "now"), integer(info, "exitstatus"),
                spawnErr == null || spawnErr.isEmpty() ? null : spawnErr, optionalString(info, "description"));
    }

    private static Object expect(Object value, Class<?> type, String what) {
        if (!type.isInstance(value)) {
            throw new IllegalStateException("unexpected " + what + " answer: "
                    + (value == null ? "nothing" : value.getClass().getSimpleName()));
        }
        return value;
    }

    private static String string(Map<?, ?> map, String key) {
        Object value = map.get(key);
        if (!(value instanceof String s)) {
            throw new IllegalStateException("answer lacks the string '" + key + "'");
        }
        return s;
    }

    private static String optionalString(Map<?, ?> map, String key) {
        Object value = map.get(key);
        if (value != null && !(value instanceof String)) {
            throw new IllegalStateException("answer has a non-string '" + key + "'");
        }
        return (String) value;
    }

    private static int integer(Map<?, ?> map, String key) {
        Object value = map.get(key);
        if (!(value instanceof Number n)) {
            throw new IllegalStateException("answer lacks the number '" + key + "'");
        }
        return n.intValue();
    }

    private static long number(Map<?, ?> map, String key) {
        Object value = map.get(key);
        if (!(value instanceof Number n)) {
            throw new IllegalStateException("answer lacks the number '" + key + "'");
        }
        return n.longValue();
    }

    /** The error text of a failed snapshot: what failed and why, never credentials. */
    private String describe(Exception e) {
        return SupervisorRpcClient.describe(e, config.credentials());
    }

    public long succeeded() {
        return succeeded.get();
    }

    public long failed() {
        return failed.get();
    }

    @Override
    public synchronized void close() {
        if (scheduler == null) {
            return;
        }
        closing = true;
        // A snapshot in progress ends by its own deadline and is not published (closing is set): a stalled supervisord
        // does not hold up the shutdown.
        BackgroundThreads.stopWithoutInterrupt(scheduler, Duration.ofSeconds(1));
        scheduler = null;
    }
}
