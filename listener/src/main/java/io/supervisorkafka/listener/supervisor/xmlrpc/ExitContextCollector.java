package io.supervisorkafka.listener.supervisor.xmlrpc;

import io.supervisorkafka.listener.BackgroundThreads;
import io.supervisorkafka.listener.http.HttpExchangeException;
import io.supervisorkafka.listener.supervisor.exits.OutputTail;
import io.supervisorkafka.listener.supervisor.exits.SupervisordLog;
import io.supervisorkafka.listener.supervisor.protocol.KeyValueTokens;
import io.supervisorkafka.schemas.ProcessExit;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.apache.xmlrpc.XmlRpcException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Why a process left its run: for each PROCESS_STATE_EXITED, BACKOFF, FATAL and STOPPED event, a {@link ProcessExit}
 * with what supervisord knows only outside its events, fetched on a thread of its own ({@value #THREAD}, niced), never
 * on the protocol loop.
 *
 * <p>The protocol loop only {@link #offer offers} a notice to a bounded queue; when the queue is full the notice is
 * dropped and counted ({@link #dropped()}), never waited for. The thread takes what has queued within
 * {@link #LINGER} of the first notice (a burst of exits) and fetches its context with one deadline (the XML-RPC
 * timeout) and as few calls as it can:
 * <ul>
 * <li>one {@code system.multicall}: {@code supervisor.readLog(-16384, 0)} (supervisord's main log holds the only
 * always-present record of the exit status or signal: see {@link SupervisordLog}) and {@code getProcessInfo} of
 * each process (where its output logs are; the exit status when nothing else has it);</li>
 * <li>the tail of each process's output: read from its log file when the listener can (it runs on the same host,
 * normally as the same user), else {@code tailProcessStderrLog}/{@code tailProcessStdoutLog}.</li>
 * </ul>
 * supervisord decodes a log window strictly as UTF-8 and answers HTTP 500 when the window begins inside a character:
 * the call is repeated with the window one to three bytes longer. Whatever cannot be fetched leaves the record with
 * what is known and {@code error} set ({@link #failed()}).
 *
 * <p>When the listener can read supervisord's main log itself (it is supervisord's child, normally as the same user:
 * {@link SupervisordWaker.Parent}) and knows where the process's output logs are (from an earlier
 * {@code getProcessInfo} or a snapshot's {@code getAllProcessInfo}), an exit is described from those files without
 * asking supervisord at all. supervisord writes the exit line before it sends the event, but it answers XML-RPC only
 * after it has respawned an autorestarted process: right after a kill -9 the multicall took 63-306 ms, nearly all of it
 * waiting for the answer, longer than the Streams app waits for the record to word its CRITICAL.
 * An exit the files cannot explain (no line for its run, an output log not readable, a process not yet known) and
 * every exit after it in the batch, to keep their order, go through XML-RPC as above.
 */
public final class ExitContextCollector implements AutoCloseable {
    /** Thread name; its first 15 characters are what {@code BackgroundThreads.lower} matches. */
    static final String THREAD = "exit-context";
    /** Notices waiting beyond this many are dropped: the thread is far behind a burst. */
    static final int QUEUE_CAPACITY = 256;
    /** How long the thread waits after a first notice for others of the same burst, to fetch them together. */
    static final Duration LINGER = Duration.ofMillis(5);
    /** The most notices fetched together. */
    static final int MAX_BATCH = 64;
    /** How much of supervisord's main log is read: the exit lines are written just before the event is sent. */
    static final int LOG_WINDOW_BYTES = 16 * 1024;
    private static final String EXITED_TOO_QUICKLY = "Exited too quickly";
    private static final Set<String> STATES = Set.of("STOPPED", "STARTING", "RUNNING", "BACKOFF", "STOPPING",
            "EXITED", "FATAL", "UNKNOWN");
    private static final Logger log = LoggerFactory.getLogger(ExitContextCollector.class);
    /** Queued by close() to end the thread's wait. */
    private static final Notice STOP = new Notice("", "", -1, "STOP", new byte[0], 0);

    /**
     * An event the protocol loop handed over: an exit, or a start (whose time gives a run's length when the log does
     * not).
     */
    record Notice(String server, String instance, long serial, String toState, byte[] payload, long observedAt) {
        boolean starting() {
            return toState.equals("STARTING");
        }
    }

    private final SupervisorSourceConfig config;
    private final Consumer<ProcessExit> sink;
    private final Clock clock;
    private final SupervisorRpcClient rpc;
    private final BlockingQueue<Notice> queue = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
    /** supervisord's main log, read directly when it can be; null: always through XML-RPC. */
    private final Path mainLog;
    /** Where each process's output logs are, as supervisord last said (written by the snapshot thread too). */
    private final Map<String, OutputLogs> outputLogs = new ConcurrentHashMap<>();
    private final AtomicLong succeeded = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    /** When each process last started, as the listener saw its STARTING event: the thread's own. */
    private final Map<String, Long> startedAt = new HashMap<>();
    /** The notices being handled: the thread's own. */
    private final List<Notice> batch = new ArrayList<>();
    private final Runnable publishBatch = BackgroundThreads.surviving("exit context", log, () -> publish(batch));
    private ScheduledExecutorService thread;
    private volatile boolean closing;
    private volatile boolean lastFailed;

    /** @param sink receives every record (the source spools it); called on the collector's thread */
    public ExitContextCollector(SupervisorSourceConfig config, Consumer<ProcessExit> sink, Clock clock) {
        this(config, sink, clock, null);
    }

    /**
     * @param mainLog supervisord's main log, read directly while it is readable; null: every exit through XML-RPC
     */
    public ExitContextCollector(SupervisorSourceConfig config, Consumer<ProcessExit> sink, Clock clock,
                                Path mainLog) {
        this.config = Objects.requireNonNull(config, "config");
        this.mainLog = mainLog;
        this.sink = Objects.requireNonNull(sink, "sink");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.rpc = config.endpoint() == null ? null : new SupervisorRpcClient(config.endpoint(), config.credentials(),
                config.rpcTimeout().toMillis(), null, "exit context deadline", true);
    }

    /** Whether the protocol loop should hand this event over: the exits and the starts of processes. */
    public static String stateOf(String eventName) {
        if (eventName == null || !eventName.startsWith("PROCESS_STATE_")) {
            return null;
        }
        String state = eventName.substring("PROCESS_STATE_".length());
        return switch (state) {
            case "EXITED", "BACKOFF", "FATAL", "STOPPED", "STARTING" -> state;
            default -> null;
        };
    }

    /**
     * Learns where processes' output logs are from a {@code getAllProcessInfo} answer (its entries, as parsed), so
     * that their exits can be described from files. Called by the snapshot thread.
     */
    public void knownProcesses(Object[] processInfos) {
        for (Object info : processInfos) {
            if (info instanceof Map<?, ?> map) {
                learnOutputLogs(map);
            }
        }
    }

    private void learnOutputLogs(Map<?, ?> info) {
        if (info.get("group") instanceof String group && info.get("name") instanceof String name) {
            outputLogs.put(group + ":" + name, OutputLogs.of(info));
        }
    }

    /** The paths getProcessInfo gave for a process's output; empty when it has no such log. */
    private record OutputLogs(String stderr, String stdout) {
        static OutputLogs of(Map<?, ?> info) {
            return new OutputLogs(path(info.get("stderr_logfile")), path(info.get("stdout_logfile")));
        }

        private static String path(Object logfile) {
            return logfile instanceof String path ? path : "";
        }

        String of(String stream) {
            return stream.equals("stderr") ? stderr : stdout;
        }
    }

    public synchronized void start() {
        if (thread == null) {
            thread = BackgroundThreads.scheduler(THREAD);
            thread.execute(this::run);
        }
    }

    /**
     * On the protocol loop: queues the event of a process that exited or started ({@code toState} from
     * {@link #stateOf}). Never blocks; a full queue drops an exit and counts it.
     */
    public void offer(String server, String instance, long serial, String toState, byte[] payload,
                      long observedAt) {
        if (!queue.offer(new Notice(server, instance, serial, toState, payload, observedAt))
                && !toState.equals("STARTING")) {
            dropped.incrementAndGet();
        }
    }

    private void run() {
        BackgroundThreads.lower(THREAD);
        while (!closing) {
            try {
                Notice first = queue.take();
                if (first == STOP) {
                    return;
                }
                batch.add(first);
                long lingerEnd = System.nanoTime() + LINGER.toNanos();
                for (long left = LINGER.toNanos(); left > 0 && batch.size() < MAX_BATCH;
                     left = lingerEnd - System.nanoTime()) {
                    Notice next = queue.poll(left, TimeUnit.NANOSECONDS);
                    if (next == null) {
                        break;
                    }
                    batch.add(next);
                }
                queue.drainTo(batch, MAX_BATCH - batch.size());
                batch.remove(STOP); // close() will be seen by the loop
                publishBatch.run();
            } catch (InterruptedException e) {
                return;
            } finally {
                batch.clear();
            }
        }
    }

    /** Fetches the context of the exits among the notices and publishes a record for each, in order. */
    void publish(List<Notice> notices) {
        List<Exit> exits = new ArrayList<>();
        for (Notice notice : notices) {
            Map<String, String> fields = fields(notice.payload());
            String group = fields.getOrDefault("groupname", "");
            String name = fields.getOrDefault("processname", "");
            String key = group + ":" + name;
            if (notice.starting()) {
                startedAt.put(key, notice.observedAt());
            } else {
                exits.add(new Exit(notice, fields, group, name, startedAt.get(key)));
            }
        }
        List<Exit> throughXmlRpc = describeFromFiles(exits);
        if (throughXmlRpc.isEmpty()) {
            return;
        }
        long deadline = System.nanoTime() + config.rpcTimeout().toNanos();
        Fetched fetched = fetch(throughXmlRpc, deadline);
        Map<String, Tail> tails = new HashMap<>();
        for (Exit exit : throughXmlRpc) {
            ProcessExit record = describe(exit, fetched, tails, deadline, false);
            emit(exit, record);
        }
    }

    /**
     * Publishes the records of the exits the files explain, in order, up to the first one they do not; returns that
     * one and those after it, for XML-RPC.
     */
    private List<Exit> describeFromFiles(List<Exit> exits) {
        if (exits.isEmpty() || mainLog == null) {
            return exits;
        }
        List<SupervisordLog.Line> lines;
        try {
            lines = SupervisordLog.readTail(mainLog, LOG_WINDOW_BYTES);
        } catch (IOException | RuntimeException e) {
            return exits; // rotated, gone, or not readable: supervisord serves it
        }
        // Only where the output logs are comes from what supervisord said before: its state now is not known.
        Fetched onDisk = new Fetched(lines, null, Map.of(), Map.of());
        Map<String, Tail> tails = new HashMap<>();
        for (int i = 0; i < exits.size(); i++) {
            Exit exit = exits.get(i);
            ProcessExit record = describe(exit, onDisk, tails, 0, true);
            if (record == null) {
                return exits.subList(i, exits.size());
            }
            emit(exit, record);
        }
        return List.of();
    }

    private void emit(Exit exit, ProcessExit record) {
        (record.error() == null ? succeeded : failed).incrementAndGet();
        if (record.error() != null && !lastFailed) {
            lastFailed = true;
            log.warn("exit context of {} incomplete (published with its error; further failures are logged at"
                    + " debug): {}", exit.key(), record.error());
        } else if (record.error() != null) {
            log.debug("exit context of {} incomplete: {}", exit.key(), record.error());
        } else {
            lastFailed = false;
        }
        sink.accept(record);
    }

    private static Map<String, String> fields(byte[] payload) {
        String text = new String(payload, StandardCharsets.UTF_8);
        int newline = text.indexOf('\n');
        return KeyValueTokens.parse(newline < 0 ? text : text.substring(0, newline));
    }

    /** An exit event, its payload's fields, and when the listener saw the process start. */
    private record Exit(Notice notice, Map<String, String> fields, String group, String name, Long startedAt) {
        String key() {
            return group + ":" + name;
        }

        long pid() {
            return number(fields.get("pid"));
        }

        boolean stopped() {
            return notice.toState().equals("STOPPED");
        }
    }

    /**
     * What one multicall brought: supervisord's log lines (null when they could not be read, with {@code logError}),
     * and each process's info (or why not).
     */
    private record Fetched(List<SupervisordLog.Line> lines, String logError, Map<String, Map<?, ?>> infos,
                           Map<String, String> infoErrors) {
        static Fetched failed(String error) {
            return new Fetched(null, error, Map.of(), Map.of());
        }
    }

    private Fetched fetch(List<Exit> exits, long deadline) {
        if (rpc == null) {
            return Fetched.failed("no supervisord XML-RPC endpoint (supervisor URL): exit status, signal and output"
                    + " unknown");
        }
        List<String> keys = new ArrayList<>(new LinkedHashSet<>(exits.stream().map(Exit::key).toList()));
        Object[] calls = new Object[1 + keys.size()];
        for (int i = 0; i < keys.size(); i++) {
            calls[1 + i] = call("supervisor.getProcessInfo", keys.get(i));
        }
        Object answer = null;
        for (int longer = 0; answer == null; longer++) {
            calls[0] = call("supervisor.readLog", -(LOG_WINDOW_BYTES + longer), 0);
            try {
                answer = rpc.call("system.multicall", deadline, (Object) calls);
            } catch (XmlRpcException e) {
                if (!cutCharacter(e) || longer == 3) {
                    return Fetched.failed(describe(e));
                }
            }
        }
        if (!(answer instanceof Object[] results) || results.length != calls.length) {
            return Fetched.failed("system.multicall: unexpected answer");
        }
        List<SupervisordLog.Line> lines = null;
        String logError = null;
        Object logged = single(results[0]);
        if (logged instanceof String text) {
            lines = SupervisordLog.parse(text);
        } else {
            logError = "supervisor.readLog: " + faultText(results[0]);
        }
        Map<String, Map<?, ?>> infos = new HashMap<>();
        Map<String, String> infoErrors = new HashMap<>();
        for (int i = 0; i < keys.size(); i++) {
            Object info = single(results[1 + i]);
            if (info instanceof Map<?, ?> map) {
                infos.put(keys.get(i), map);
                learnOutputLogs(map);
            } else {
                infoErrors.put(keys.get(i), "supervisor.getProcessInfo: " + faultText(results[1 + i]));
            }
        }
        return new Fetched(lines, logError, infos, infoErrors);
    }

    private static Map<String, Object> call(String method, Object... params) {
        Map<String, Object> call = new LinkedHashMap<>();
        call.put("methodName", method);
        call.put("params", params);
        return call;
    }

    /**
     * A multicall result's value, or null for a fault struct. supervisord 4.2.5 returns each value as it is, not in
     * the one-element array that its docstring and the multicall convention describe; both are taken.
     */
    private static Object single(Object result) {
        Object value = result instanceof Object[] values && values.length == 1 ? values[0] : result;
        boolean fault = value instanceof Map<?, ?> map && map.containsKey("faultCode") && map.containsKey("faultString");
        return fault ? null : value;
    }

    private static String faultText(Object result) {
        Object value = result instanceof Object[] values && values.length == 1 ? values[0] : result;
        if (value instanceof Map<?, ?> fault && fault.get("faultString") != null) {
            return fault.get("faultString") + " (fault " + fault.get("faultCode") + ")";
        }
        return "unexpected answer";
    }

    /**
     * The record of an exit from what was fetched; {@code filesOnly}: from the files only ({@link #describeFromFiles}),
     * and null when they do not explain it.
     */
    private ProcessExit describe(Exit exit, Fetched fetched, Map<String, Tail> tails, long deadline,
                                 boolean filesOnly) {
        List<String> problems = new ArrayList<>();
        Map<?, ?> info = fetched.infos().get(exit.key());
        String toState = exit.notice().toState();
        SupervisordLog.Run run = null;
        if (fetched.lines() == null) {
            problems.add(fetched.logError());
        } else if (endWasLogged(exit, info)) {
            run = SupervisordLog.find(fetched.lines(), exit.name(), exit.stopped(), exit.pid(),
                    toState.equals("FATAL"));
            if (run == null && filesOnly) {
                return null;
            }
            if (run == null) {
                problems.add("supervisord's log (its last " + LOG_WINDOW_BYTES + " bytes) has no "
                        + (exit.stopped() ? "stopped:" : "exited:") + " line for " + exit.name()
                        + (exit.pid() > 0 ? " (pid " + exit.pid() + ")" : "") + " (loglevel above info? log rotated?)");
            }
        }
        Integer exitStatus = run == null ? null : run.ended().exitStatus();
        String signal = run == null ? null : signalName(run.ended().signal());
        if (run == null && info != null && staysEnded(exit, info)) {
            // The state of the run that ended, kept until the next start: its status, or -1 for a signal.
            long status = number(info.get("exitstatus"));
            exitStatus = status >= 0 ? (int) status : null;
        }
        Boolean expected = run == null ? null : run.ended().expected();
        if (toState.equals("EXITED") && exit.fields().containsKey("expected")) {
            expected = "1".equals(exit.fields().get("expected"));
        }
        long pid = exit.pid() > 0 ? exit.pid() : run == null ? 0 : run.pid();
        Double runSeconds = run == null ? null : run.runSeconds();
        if (runSeconds == null && exit.startedAt() != null && exit.notice().observedAt() >= exit.startedAt()) {
            runSeconds = (exit.notice().observedAt() - exit.startedAt()) / 1000.0;
        }
        Tail tail = null;
        if (config.exitTailBytes() > 0) {
            OutputLogs logs = filesOnly ? outputLogs.get(exit.key())
                    : info == null ? null : OutputLogs.of(info);
            if (logs == null) {
                if (filesOnly) {
                    return null;
                }
                String infoError = fetched.infoErrors().get(exit.key());
                if (infoError != null) {
                    problems.add(infoError);
                }
            } else {
                tail = tails.computeIfAbsent(exit.key(), key -> tail(key, logs, deadline, filesOnly));
                if (tail == NOT_ON_DISK) {
                    return null;
                }
                if (tail.error() != null) {
                    problems.add(tail.error());
                }
            }
        }
        String fromState = exit.fields().getOrDefault("from_state", "UNKNOWN");
        return new ProcessExit(exit.notice().server(), exit.notice().instance(), exit.notice().serial(), exit.group(),
                exit.name(), STATES.contains(fromState) ? fromState : "UNKNOWN", toState, expected,
                pid > 0 ? pid : null, exitStatus, signal, runSeconds,
                tail == null || tail.text() == null ? null : tail.text(),
                tail == null || tail.text() == null ? null : tail.stream(),
                problems.isEmpty() ? null : String.join("; ", problems), exit.notice().observedAt(), clock.millis());
    }

    /**
     * Whether supervisord logged how this run ended. Not for a stop while in BACKOFF (no process ran: pid 0), nor for
     * a start that failed before a process existed (BACKOFF/FATAL with a spawn error such as {@code can't find
     * command}: supervisord logs {@code spawnerr:}, which does not name the process).
     */
    private static boolean endWasLogged(Exit exit, Map<?, ?> info) {
        if (exit.stopped() && exit.pid() <= 0) {
            return false;
        }
        if (info == null || exit.notice().toState().equals("EXITED") || exit.stopped()) {
            return true;
        }
        Object spawnErr = info.get("spawnerr");
        return !(spawnErr instanceof String text) || text.isEmpty() || text.startsWith(EXITED_TOO_QUICKLY);
    }

    /**
     * Whether getProcessInfo still shows the run that ended: supervisord resets the exit status at the next start,
     * which an autorestart does in the same turn of its loop as sending the event, so it is usable only while the
     * process stays EXITED or STOPPED after a run.
     */
    private static boolean staysEnded(Exit exit, Map<?, ?> info) {
        String toState = exit.notice().toState();
        String fromState = exit.fields().get("from_state");
        return (toState.equals("EXITED") || toState.equals("STOPPED")) && toState.equals(info.get("statename"))
                && ("RUNNING".equals(fromState) || "STOPPING".equals(fromState));
    }

    /** A signal as the schema has it; {@code signal 34}, which Python had no name for, is left out. */
    private static String signalName(String signal) {
        return signal != null && signal.startsWith("SIG") ? signal : null;
    }

    /** An output tail, where it came from, or why there is none. */
    private record Tail(String text, String stream, String error) {
    }

    /** From the files only, a log that cannot be read there: supervisord has to be asked. */
    private static final Tail NOT_ON_DISK = new Tail(null, null, "not on disk");

    /**
     * The tail of stderr, or of stdout when stderr has no log (redirected into stdout, or NONE) or nothing in it:
     * from the log file when it is readable, else through XML-RPC ({@code filesOnly}: {@link #NOT_ON_DISK} instead).
     */
    private Tail tail(String key, OutputLogs logs, long deadline, boolean filesOnly) {
        String error = null;
        for (String stream : List.of("stderr", "stdout")) {
            String path = logs.of(stream);
            if (path.isEmpty()) {
                continue;
            }
            String text = null;
            Path file = Path.of(path);
            if (file.isAbsolute() && Files.isReadable(file)) {
                try {
                    text = OutputTail.ofFile(file, config.exitTailBytes());
                } catch (IOException | RuntimeException e) {
                    text = null; // rotated or gone meanwhile: ask supervisord
                }
            }
            if (text == null && filesOnly) {
                return NOT_ON_DISK;
            }
            if (text == null) {
                try {
                    text = tailThroughXmlRpc(key, stream, deadline);
                } catch (XmlRpcException | RuntimeException e) {
                    error = "tail of " + stream + ": " + describe(e);
                    continue;
                }
            }
            text = OutputTail.limit(text, config.exitTailBytes());
            if (!text.isBlank()) {
                return new Tail(text, stream, null);
            }
        }
        return new Tail(null, null, error);
    }

    private String tailThroughXmlRpc(String key, String stream, long deadline) throws XmlRpcException {
        String method = stream.equals("stderr") ? "supervisor.tailProcessStderrLog"
                : "supervisor.tailProcessStdoutLog";
        for (int longer = 0; ; longer++) {
            try {
                Object answer = rpc.call(method, deadline, key, 0, config.exitTailBytes() + longer);
                if (answer instanceof Object[] values && values.length == 3 && values[0] instanceof String text) {
                    return OutputTail.ofXmlRpc(text, Boolean.TRUE.equals(values[2]));
                }
                throw new IllegalStateException("unexpected " + method + " answer");
            } catch (XmlRpcException e) {
                if (!cutCharacter(e) || longer == 3) {
                    throw e;
                }
            }
        }
    }

    /** supervisord's HTTP 500: the window it decoded began inside a UTF-8 character (or the bytes are not UTF-8). */
    private static boolean cutCharacter(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof HttpExchangeException.Status status && status.code() == 500) {
                return true;
            }
        }
        return false;
    }

    private String describe(Exception e) {
        return SupervisorRpcClient.describe(e, config.credentials());
    }

    private static long number(Object value) {
        if (value instanceof Number n) {
            return n.longValue();
        }
        if (value instanceof String text) {
            try {
                return Long.parseLong(text.trim());
            } catch (NumberFormatException e) {
                return -1;
            }
        }
        return -1;
    }

    /** Records with their context complete. */
    public long succeeded() {
        return succeeded.get();
    }

    /** Records published with {@code error}: some of the context could not be fetched. */
    public long failed() {
        return failed.get();
    }

    /** Exits whose record was dropped because the queue was full. */
    public long dropped() {
        return dropped.get();
    }

    @Override
    public synchronized void close() {
        if (thread == null) {
            return;
        }
        closing = true;
        // A full queue needs no STOP: the thread is busy and sees closing when its batch is done.
        queue.offer(STOP);
        // A fetch under way ends by its own deadline and is published (the spool takes it while it is open); what is
        // still queued is not fetched.
        BackgroundThreads.stopWithoutInterrupt(thread, Duration.ofSeconds(1));
        thread = null;
    }
}
