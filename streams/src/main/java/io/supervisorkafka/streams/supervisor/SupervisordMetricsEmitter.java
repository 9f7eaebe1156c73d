package io.supervisorkafka.streams.supervisor;

import io.supervisorkafka.schemas.MetricPoint;
import io.supervisorkafka.schemas.ProcessCounts;
import io.supervisorkafka.schemas.ProcessStatus;
import io.supervisorkafka.streams.common.TagSpec;
import io.supervisorkafka.streams.supervisor.SupervisordMetricsInput.CountsChanged;
import io.supervisorkafka.streams.supervisor.SupervisordMetricsInput.InstanceStateChanged;
import io.supervisorkafka.streams.supervisor.SupervisordMetricsInput.ProcessChanged;
import io.supervisorkafka.streams.supervisor.SupervisordMetricsInput.RestartsChanged;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Publishes the metric points of {@link SupervisorCatalog} (key server id): on every change, and again
 * for every process and server on a wall-clock punctuation, so that gauges stay fresh and uptime keeps moving while
 * nothing happens (uptime then computed against the wall clock; the processes spread over the interval, see {@link
 * #emitStep}); restarts only while there were any lately. Only watched processes ({@link WatchRules}) have
 * points, and the counts are of them, by their check status after the server's {@code status_mapping_override}.
 */
public final class SupervisordMetricsEmitter
        implements Processor<String, SupervisordMetricsInput, String, MetricPoint> {

    /** A re-emission cycle is spread over about this many steps of its interval. */
    static final int STEPS_PER_CYCLE = 60;
    private static final long MIN_STEP_MILLIS = 10;
    /**
     * Below this many processes a cycle takes one step. Small: at 500, a task of 3,300 processes sent its cycle in 7
     * steps, all tasks at once, and the exits behind those bursts waited up to 0.9 s (FleetBenchmark 1000x10).
     */
    static final int MIN_PROCESSES_PER_STEP = 50;

    private final Duration punctuateInterval;
    private final Duration flappingWindow;
    private final WatchRules watch;
    private ProcessorContext<String, MetricPoint> context;
    private KeyValueStore<String, ProcessStatus> statuses;
    private KeyValueStore<String, SupervisordConnectivity> servers;
    private KeyValueStore<String, ProcessFlapping> flapping;
    /** Where the current re-emission cycle goes on from (a process key), or null between cycles. */
    private String cursor;
    private long nextCycleAt;
    private long lastCycleProcesses;
    private long cycleProcesses;

    public SupervisordMetricsEmitter(Duration punctuateInterval, Duration flappingWindow, WatchRules watch) {
        this.punctuateInterval = punctuateInterval;
        this.flappingWindow = flappingWindow;
        this.watch = watch;
    }

    @Override
    public void init(ProcessorContext<String, MetricPoint> context) {
        this.context = context;
        this.statuses = context.getStateStore(ProcessStatusDeriver.STORE);
        this.servers = context.getStateStore(SupervisordConnectivityChecker.STORE);
        this.flapping = context.getStateStore(ProcessFlappingDetector.STORE);
        this.nextCycleAt = context.currentSystemTimeMs();
        context.schedule(Duration.ofMillis(Math.max(MIN_STEP_MILLIS, punctuateInterval.toMillis() / STEPS_PER_CYCLE)),
                PunctuationType.WALL_CLOCK_TIME, this::emitStep);
    }

    @Override
    public void process(Record<String, SupervisordMetricsInput> record) {
        SupervisordMetricsInput input = record.value();
        long now = context.currentSystemTimeMs();
        if (input instanceof ProcessChanged changed) {
            ProcessStatus status = changed.status();
            if (watch.watches(status.server(), status.group(), status.name())) {
                emit(uptime(status, status.uptime(), status.updatedAt()), record.timestamp());
            }
        } else if (input instanceof CountsChanged changed) {
            ProcessCounts counts = changed.counts();
            long at = counts == null ? now : counts.updatedAt();
            WatchRules.Rule rule = watch.forServer(changed.server());
            if (counts != null && rule != WatchRules.Rule.EVERYTHING) {
                counts = watchedCounts(changed.server(), rule, at);
            }
            counts(changed.server(), counts, at).forEach(point -> emit(point, record.timestamp()));
        } else if (input instanceof InstanceStateChanged changed) {
            emit(instanceState(changed.server(), changed.stateCode(), changed.observedAt()), record.timestamp());
        } else if (input instanceof RestartsChanged changed
                && watch.watches(changed.server(), changed.group(), changed.name())) {
            emit(restarts(changed.server(), changed.group(), changed.name(), changed.restarts(), changed.at()),
                    record.timestamp());
        }
    }

    /** The counts of a server's watched processes, by their status under the rule. */
    private ProcessCounts watchedCounts(String server, WatchRules.Rule rule, long at) {
        List<ProcessStatus> watched = new ArrayList<>();
        try (KeyValueIterator<String, ProcessStatus> processes =
                     statuses.prefixScan(ProcessStatus.serverPrefix(server), new StringSerializer())) {
            processes.forEachRemaining(entry -> {
                if (entry.value != null && rule.watches(entry.value.group(), entry.value.name())) {
                    watched.add(entry.value);
                }
            });
        }
        return ProcessCountsDeriver.countsOf(server, watched.iterator(), at, rule::checkStatus);
    }

    /**
     * One step of the re-emission: a cycle starts at most once per {@code punctuateInterval} and goes through the
     * processes in key order (a server's processes are adjacent), a share of them per step and whole servers at a
     * time, so that a cycle is spread over about the interval instead of holding the stream thread for all processes
     * at once: at 40,000 processes the single pass took about 3 s, and every exit that arrived meanwhile waited for
     * it (FleetBenchmark: exit -> CRITICAL p99 3.4 s with p50 70 ms).
     */
    private void emitStep(long now) {
        if (cursor == null) {
            if (now < nextCycleAt) {
                return;
            }
            nextCycleAt = now + punctuateInterval.toMillis();
            cursor = "";
            emitInstanceStates(now);
            emitRecentRestarts(now);
        }
        long expected = now >= nextCycleAt ? overdueCycleProcesses() : lastCycleProcesses;
        int budget = Math.max(MIN_PROCESSES_PER_STEP, (int) Math.ceil((double) expected / STEPS_PER_CYCLE));
        int emitted = 0;
        String server = null;
        List<ProcessStatus> processes = new ArrayList<>();
        try (KeyValueIterator<String, ProcessStatus> next = statuses.range(cursor, null)) {
            while (next.hasNext()) {
                KeyValue<String, ProcessStatus> entry = next.next();
                if (entry.value == null) {
                    continue;
                }
                if (!entry.value.server().equals(server)) {
                    if (server != null) {
                        emitServer(server, processes, now);
                        if (emitted >= budget) {
                            cursor = entry.key; // the next server's first process: the next step starts there
                            return;
                        }
                    }
                    server = entry.value.server();
                    processes.clear();
                }
                processes.add(entry.value);
                emitted++;
                cycleProcesses++;
            }
        }
        if (server != null) {
            emitServer(server, processes, now);
        }
        cursor = null;
        lastCycleProcesses = cycleProcesses;
        cycleProcesses = 0;
    }

    /**
     * What a cycle still running when the next should begin is sized by: the store's estimate when it is above the last
     * cycle's count. Sized by the last cycle alone, a store filled by a fleet's first snapshots after the cycle began
     * was re-emitted at the pace of an empty one, 50 processes a step: at 100,000 processes a cycle took minutes, and
     * FleetBenchmark read 0.25 points a process every 15 s instead of 1.39. Only then: RocksDB's estimate counts a key
     * once per write until compaction merges them, and every snapshot rewrites its processes, so on time it would
     * make steps several times larger than planned.
     */
    private long overdueCycleProcesses() {
        long estimate = statuses.approximateNumEntries();
        return estimate == Long.MAX_VALUE ? lastCycleProcesses : Math.max(lastCycleProcesses, estimate);
    }

    /** The uptime of each of a server's watched processes, and their counts. */
    private void emitServer(String server, List<ProcessStatus> processes, long now) {
        WatchRules.Rule rule = watch.forServer(server);
        List<ProcessStatus> watched = processes.stream()
                .filter(status -> rule.watches(status.group(), status.name())).toList();
        for (ProcessStatus status : watched) {
            long uptime = ProcessStatusMerge.uptimeSeconds(status.processState(), status.startedAt(), now);
            emit(uptime(status, uptime, now), now);
        }
        counts(server, ProcessCountsDeriver.countsOf(server, watched.iterator(), now, rule::checkStatus), now)
                .forEach(point -> emit(point, now));
    }

    private void emitInstanceStates(long now) {
        try (KeyValueIterator<String, SupervisordConnectivity> all = servers.all()) {
            all.forEachRemaining(entry -> {
                if (entry.value != null && entry.value.stateCode() != null) {
                    emit(instanceState(entry.value.server(), entry.value.stateCode(), now), now);
                }
            });
        }
    }

    /**
     * The restarts of the watched processes that restarted within the window, or had until lately (so that the fall
     * to 0 is sent too). A process that never restarted has no restarts series: re-sending a 0 for every process every
     * interval was half of the points the punctuation wrote.
     */
    private void emitRecentRestarts(long now) {
        long recent = now - flappingWindow.toMillis() - 2 * punctuateInterval.toMillis();
        try (KeyValueIterator<String, ProcessFlapping> all = flapping.all()) {
            all.forEachRemaining(entry -> {
                ProcessFlapping restarted = entry.value;
                if (restarted != null && restarted.restarts().stream().anyMatch(at -> at > recent)
                        && watch.watches(restarted.server(), restarted.group(), restarted.name())
                        && statuses.get(entry.key) != null) {
                    emit(restarts(restarted.server(), restarted.group(), restarted.name(),
                            restarted.restartsAfter(now - flappingWindow.toMillis()), now), now);
                }
            });
        }
    }

    private void emit(MetricPoint point, long recordTimestamp) {
        context.forward(new Record<>(point.tags().get(TagSpec.SERVER.key()), point, recordTimestamp));
    }

    static MetricPoint uptime(ProcessStatus status, long uptimeSeconds, long at) {
        return SupervisorCatalog.PROCESS_UPTIME.point(uptimeSeconds, at,
                processTags(status.server(), status.group(), status.name()));
    }

    static MetricPoint restarts(String server, String group, String name, int restarts, long at) {
        return SupervisorCatalog.PROCESS_RESTARTS.point(restarts, at, processTags(server, group, name));
    }

    private static Map<String, String> processTags(String server, String group, String name) {
        return Map.of(TagSpec.SERVER.key(), server, SupervisorCatalog.SUPERVISORD_SERVER.key(), server,
                SupervisorCatalog.GROUP.key(), group, SupervisorCatalog.PROCESS.key(), name);
    }

    private static Map<String, String> serverTags(String server) {
        return Map.of(TagSpec.SERVER.key(), server, SupervisorCatalog.SUPERVISORD_SERVER.key(), server);
    }

    /** up, down and unknown, all three always, zeros included: a gauge that stops being sent is not a zero. */
    static List<MetricPoint> counts(String server, ProcessCounts counts, long at) {
        return List.of(
                count(server, "up", counts == null ? 0 : counts.up(), at),
                count(server, "down", counts == null ? 0 : counts.down(), at),
                count(server, "unknown", counts == null ? 0 : counts.unknown(), at));
    }

    static MetricPoint instanceState(String server, int stateCode, long at) {
        return SupervisorCatalog.INSTANCE_STATE.point(stateCode, at, serverTags(server));
    }

    private static MetricPoint count(String server, String status, int value, long at) {
        return SupervisorCatalog.PROCESS_COUNT.point(value, at, Map.of(TagSpec.SERVER.key(), server,
                SupervisorCatalog.SUPERVISORD_SERVER.key(), server, SupervisorCatalog.STATUS.key(), status));
    }
}
