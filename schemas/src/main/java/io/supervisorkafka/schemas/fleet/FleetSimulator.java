package io.supervisorkafka.schemas.fleet;

import io.supervisorkafka.schemas.JsonSerde;
import io.supervisorkafka.schemas.ProcessExit;
import io.supervisorkafka.schemas.ProcessState;
import io.supervisorkafka.schemas.ProcessStatus;
import io.supervisorkafka.schemas.SupervisorEvent;
import io.supervisorkafka.schemas.SupervisorSnapshot;
import io.supervisorkafka.schemas.SupervisorSnapshot.ProcessInfo;
import io.supervisorkafka.schemas.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.TreeMap;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * What N listeners would publish, without supervisord: for each simulated host an XML-RPC snapshot every interval (the
 * hosts spread over it, as listeners started at different times are), and PROCESS_STATE events with the listener's
 * exit records for crashes (RUNNING, EXITED, then STARTING and RUNNING again after {@link #STARTSECS}), restarts
 * (STOPPING, STOPPED, STARTING, RUNNING) and flapping programs (a crash every {@link Settings#flapEvery}). Records are
 * the project's own types with the listener's keys (the server id) and timestamps ({@code observedAt}).
 *
 * <p>Deterministic: the same settings and seed, advanced to the same times, give the same records. It keeps the truth
 * it simulated ({@link #truth()}), the state of every process, so that a test or a benchmark can compare what the
 * Streams app derived with it. Time is the caller's: {@link #advanceTo} takes epoch milliseconds, so a test can run
 * an hour in a moment and the {@code simulate} command runs it on the wall clock.
 */
public final class FleetSimulator {
    /** supervisord's {@code startsecs} of every simulated program: STARTING lasts this long. */
    public static final Duration STARTSECS = Duration.ofSeconds(1);
    /** The event listener pool the simulated listeners belong to, as in the drop-in entry. */
    public static final String POOL = "supervisor-kafka";
    private static final Duration STOP_TIME = Duration.ofMillis(200);
    private static final JsonSerde<SupervisorEvent> EVENTS = JsonSerde.of(SupervisorEvent.class);
    private static final JsonSerde<SupervisorSnapshot> SNAPSHOTS = JsonSerde.of(SupervisorSnapshot.class);
    private static final JsonSerde<ProcessExit> EXITS = JsonSerde.of(ProcessExit.class);

    /**
     * @param hosts              simulated supervisord hosts, named {@code <hostPrefix>-00001} ...
     * @param processesPerHost   programs on each host, {@code proc-0001} ...
     * @param snapshotInterval   how often each host publishes a snapshot (the listener's default: 30 s)
     * @param crashesPerSecond   across the fleet: a RUNNING process killed, which supervisord restarts
     * @param restartsPerSecond  across the fleet: a RUNNING process restarted by an operator
     * @param flappingProcesses  how many processes (the first of the first hosts) crash every {@code flapEvery}
     * @param flapEvery          the flapping processes' rhythm
     * @param seed               for repeatable runs
     */
    public record Settings(String hostPrefix, int hosts, int processesPerHost, Duration snapshotInterval,
                           double crashesPerSecond, double restartsPerSecond, int flappingProcesses,
                           Duration flapEvery, long seed) {
        public Settings {
            if (hosts < 1 || processesPerHost < 1) {
                throw new IllegalArgumentException("hosts and processes per host must be at least 1");
            }
            if (snapshotInterval.isNegative() || snapshotInterval.isZero()) {
                throw new IllegalArgumentException("the snapshot interval must be positive");
            }
            if (crashesPerSecond < 0 || restartsPerSecond < 0) {
                throw new IllegalArgumentException("rates must not be negative");
            }
            if (flappingProcesses < 0 || flappingProcesses > (long) hosts * processesPerHost) {
                throw new IllegalArgumentException("flapping processes must be between 0 and the fleet's processes");
            }
            if (flappingProcesses > 0 && flapEvery.compareTo(STARTSECS.plus(STARTSECS)) < 0) {
                throw new IllegalArgumentException("flapping needs at least " + STARTSECS.plus(STARTSECS).toMillis()
                        + " ms between crashes (a crash and the restart after startsecs)");
            }
        }

        /** A fleet with the listener's snapshot interval, no faults, seed 1. */
        public static Settings quiet(int hosts, int processesPerHost) {
            return new Settings("sim", hosts, processesPerHost, Duration.ofSeconds(30), 0, 0, 0,
                    Duration.ofSeconds(10), 1);
        }
    }

    /** One record for Kafka: its topic, key (the server id), value (JSON) and timestamp. */
    public record SimulatedRecord(String topic, String key, byte[] value, long timestamp) {
        /** This record as the listener would produce it, into {@code toTopic} (its own topic, or a copy's input). */
        public ProducerRecord<byte[], byte[]> toProducerRecord(String toTopic) {
            return new ProducerRecord<>(toTopic, null, timestamp, key.getBytes(StandardCharsets.UTF_8), value);
        }
    }

    private final Settings settings;
    private final Random random;
    private final List<Host> hosts = new ArrayList<>();
    private final List<Process> all = new ArrayList<>();
    private final PriorityQueue<Due> due = new PriorityQueue<>();
    private long now;
    private long sequence;
    private double crashCredit;
    private double restartCredit;

    public FleetSimulator(Settings settings, long startMillis) {
        this.settings = settings;
        this.random = new Random(settings.seed());
        this.now = startMillis;
        for (int h = 0; h < settings.hosts(); h++) {
            Host host = new Host(String.format("%s-%05d", settings.hostPrefix(), h + 1),
                    (10_000 + h) + "-" + (startMillis - 86_400_000L));
            hosts.add(host);
            for (int p = 0; p < settings.processesPerHost(); p++) {
                Process process = new Process(host, String.format("proc-%04d", p + 1));
                process.state = ProcessState.RUNNING;
                process.pid = nextPid(host);
                process.startedAt = startMillis - 1000L * (60 + random.nextInt(86_400));
                host.processes.add(process);
                all.add(process);
            }
            // Spread over the interval, as listeners started at different times; the first round at once.
            long offset = settings.snapshotInterval().toMillis() * h / settings.hosts();
            schedule(startMillis + offset, () -> snapshot(host));
        }
        for (int f = 0; f < settings.flappingProcesses(); f++) {
            Process process = all.get(f);
            process.flapping = true;
            schedule(startMillis + settings.flapEvery().toMillis(), () -> flap(process));
        }
    }

    /** The settings it runs with. */
    public Settings settings() {
        return settings;
    }

    /** Every record due up to {@code untilMillis}, in time order; the simulated clock moves there. */
    public List<SimulatedRecord> advanceTo(long untilMillis) {
        List<SimulatedRecord> out = new ArrayList<>();
        double seconds = Math.max(0, untilMillis - now) / 1000.0;
        crashCredit += settings.crashesPerSecond() * seconds;
        restartCredit += settings.restartsPerSecond() * seconds;
        long span = Math.max(0, untilMillis - now);
        while (crashCredit >= 1) {
            crashCredit--;
            long at = now + (span == 0 ? 0 : (long) (random.nextDouble() * span));
            schedule(at, () -> crashSomeone());
        }
        while (restartCredit >= 1) {
            restartCredit--;
            long at = now + (span == 0 ? 0 : (long) (random.nextDouble() * span));
            schedule(at, () -> restartSomeone());
        }
        while (!due.isEmpty() && due.peek().at <= untilMillis) {
            Due next = due.poll();
            now = Math.max(now, next.at);
            out.addAll(next.action.run());
        }
        now = Math.max(now, untilMillis);
        return out;
    }

    /** A snapshot of every host now, all at once (what a benchmark's round of snapshots is). */
    public List<SimulatedRecord> snapshotRound() {
        List<SimulatedRecord> out = new ArrayList<>(hosts.size());
        for (Host host : hosts) {
            out.add(snapshotRecord(host));
        }
        return out;
    }

    /** The simulated state of every process, by the process-status key ({@code server/group:name}). */
    public Map<String, ProcessState> truth() {
        Map<String, ProcessState> truth = new TreeMap<>();
        for (Process process : all) {
            truth.put(ProcessStatus.key(process.host.server, process.name, process.name), process.state);
        }
        return truth;
    }

    /** How many processes of each host are in each state, by server id and state name. */
    public Map<String, Map<String, Integer>> countsByState() {
        Map<String, Map<String, Integer>> counts = new TreeMap<>();
        for (Process process : all) {
            counts.computeIfAbsent(process.host.server, s -> new TreeMap<>())
                    .merge(process.state.name(), 1, Integer::sum);
        }
        return counts;
    }

    /** Whether every process has settled: none is between states (STARTING, STOPPING, or about to restart). */
    public boolean settled() {
        return all.stream().allMatch(p -> p.state == ProcessState.RUNNING && p.pendingTransitions == 0);
    }

    /** The hosts' server ids, in order. */
    public List<String> servers() {
        return hosts.stream().map(h -> h.server).toList();
    }

    /** Stops scheduling new crashes, restarts and flaps: what is under way finishes, then the fleet settles. */
    public void stopChanges() {
        for (Process process : all) {
            process.flapping = false;
        }
        crashCredit = Double.NEGATIVE_INFINITY;
        restartCredit = Double.NEGATIVE_INFINITY;
    }

    // ------------------------------------------------------------------------------------------------ the model

    private List<SimulatedRecord> snapshot(Host host) {
        schedule(now + settings.snapshotInterval().toMillis(), () -> snapshot(host));
        return List.of(snapshotRecord(host));
    }

    private SimulatedRecord snapshotRecord(Host host) {
        List<ProcessInfo> infos = new ArrayList<>(host.processes.size());
        long nowSeconds = now / 1000;
        for (Process p : host.processes) {
            boolean up = p.state.hasUptime() || p.state == ProcessState.STARTING;
            String description = p.state == ProcessState.RUNNING
                    ? "pid " + p.pid + ", uptime " + uptime(nowSeconds - p.startedAt / 1000) : "";
            infos.add(new ProcessInfo(p.name, p.name, p.state.name(), p.state.code(), up ? p.pid : 0,
                    p.startedAt / 1000, p.stoppedAt / 1000, nowSeconds, p.exitStatus, "", description));
        }
        SupervisorSnapshot snapshot = new SupervisorSnapshot(host.server, host.server, "unix:///run/supervisor.sock",
                now, 3, null, new SupervisorSnapshot.SupervisorInfo("RUNNING", 1, host.server, "4.2.5",
                (long) host.supervisordPid), infos);
        return new SimulatedRecord(Topics.SNAPSHOTS, host.server, SNAPSHOTS.serialize(Topics.SNAPSHOTS, snapshot),
                now);
    }

    private List<SimulatedRecord> crashSomeone() {
        Process victim = pickRunning();
        return victim == null ? List.of() : crash(victim);
    }

    private List<SimulatedRecord> restartSomeone() {
        Process process = pickRunning();
        if (process == null) {
            return List.of();
        }
        List<SimulatedRecord> out = new ArrayList<>(event(process, ProcessState.STOPPING, null));
        process.pendingTransitions++;
        schedule(now + STOP_TIME.toMillis(), () -> {
            List<SimulatedRecord> stopped = new ArrayList<>();
            // Ended by supervisorctl's SIGTERM: supervisord reports exit status -1 for a signal.
            process.exitStatus = -1;
            process.stoppedAt = now;
            stopped.addAll(event(process, ProcessState.STOPPED, null));
            stopped.addAll(exitRecord(process, ProcessState.STOPPING, ProcessState.STOPPED, null, null, "SIGTERM"));
            stopped.addAll(start(process));
            process.pendingTransitions--;
            return stopped;
        });
        return out;
    }

    private List<SimulatedRecord> flap(Process process) {
        if (!process.flapping) {
            return List.of();
        }
        schedule(now + settings.flapEvery().toMillis(), () -> flap(process));
        return process.state == ProcessState.RUNNING ? crash(process) : List.of();
    }

    /** kill -9: EXITED (not expected), then supervisord's autorestart. */
    private List<SimulatedRecord> crash(Process process) {
        ProcessState from = process.state;
        process.exitStatus = -1;
        process.stoppedAt = now;
        List<SimulatedRecord> out = new ArrayList<>(event(process, ProcessState.EXITED, Boolean.FALSE));
        out.addAll(exitRecord(process, from, ProcessState.EXITED, Boolean.FALSE, null, "SIGKILL"));
        out.addAll(start(process));
        return out;
    }

    /** Spawned now (STARTING, a new pid), RUNNING after startsecs. */
    private List<SimulatedRecord> start(Process process) {
        process.pid = nextPid(process.host);
        process.startedAt = now;
        List<SimulatedRecord> out = new ArrayList<>(event(process, ProcessState.STARTING, null));
        process.pendingTransitions++;
        schedule(now + STARTSECS.toMillis(), () -> {
            process.pendingTransitions--;
            return event(process, ProcessState.RUNNING, null);
        });
        return out;
    }

    private Process pickRunning() {
        for (int attempt = 0; attempt < 16; attempt++) {
            Process candidate = all.get(random.nextInt(all.size()));
            if (candidate.state == ProcessState.RUNNING && candidate.pendingTransitions == 0) {
                return candidate;
            }
        }
        return null; // a fleet mostly between states: skip this one
    }

    private List<SimulatedRecord> event(Process process, ProcessState to, Boolean expected) {
        Host host = process.host;
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("processname", process.name);
        fields.put("groupname", process.name);
        fields.put("from_state", process.state.name());
        if (to == ProcessState.RUNNING || to == ProcessState.EXITED || to == ProcessState.STOPPING) {
            fields.put("pid", Long.toString(process.pid));
        }
        if (expected != null) {
            fields.put("expected", expected ? "1" : "0");
        }
        if (to == ProcessState.STARTING || to == ProcessState.BACKOFF) {
            fields.put("tries", "0");
        }
        process.state = to;
        process.lastSerial = host.serial;
        SupervisorEvent event = new SupervisorEvent(host.server, host.server, host.instance, host.serial++, POOL,
                host.poolSerial++, "PROCESS_STATE_" + to.name(), "3.0", fields, null, now);
        return List.of(new SimulatedRecord(Topics.EVENTS, host.server, EVENTS.serialize(Topics.EVENTS, event), now));
    }

    private List<SimulatedRecord> exitRecord(Process process, ProcessState from, ProcessState to, Boolean expected,
                                             Integer exitStatus, String signal) {
        Host host = process.host;
        double runSeconds = Math.max(0, now - process.startedAt) / 1000.0;
        ProcessExit exit = new ProcessExit(host.server, host.instance, process.lastSerial, process.name,
                process.name, from.name(), to.name(), expected, process.pid, exitStatus,
                exitStatus == null ? signal : null, runSeconds, null, null, null, now, now + 5);
        return List.of(new SimulatedRecord(Topics.PROCESS_EXITS, host.server,
                EXITS.serialize(Topics.PROCESS_EXITS, exit), now + 5));
    }

    private void schedule(long at, Action action) {
        due.add(new Due(at, sequence++, action));
    }

    private long nextPid(Host host) {
        host.nextPid = host.nextPid >= 4_000_000 ? 300 : host.nextPid + 1;
        return host.nextPid;
    }

    private static String uptime(long seconds) {
        long s = Math.max(0, seconds);
        return String.format("%d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60);
    }

    private interface Action {
        List<SimulatedRecord> run();
    }

    private record Due(long at, long sequence, Action action) implements Comparable<Due> {
        @Override
        public int compareTo(Due other) {
            int byTime = Long.compare(at, other.at);
            return byTime != 0 ? byTime : Long.compare(sequence, other.sequence);
        }
    }

    private static final class Host {
        final String server;
        final String instance;
        final int supervisordPid;
        final List<Process> processes = new ArrayList<>();
        long serial;
        long poolSerial;
        long nextPid = 1000;

        Host(String server, String instance) {
            this.server = server;
            this.instance = instance;
            this.supervisordPid = Integer.parseInt(instance.substring(0, instance.indexOf('-')));
        }
    }

    private static final class Process {
        final Host host;
        final String name;
        ProcessState state;
        long pid;
        long startedAt;
        long stoppedAt;
        int exitStatus;
        long lastSerial;
        int pendingTransitions;
        boolean flapping;

        Process(Host host, String name) {
            this.host = host;
            this.name = name;
        }
    }
}
