package io.supervisorkafka.streams.supervisor;

import io.supervisorkafka.schemas.MetricPoint;
import io.supervisorkafka.schemas.ProcessCounts;
import io.supervisorkafka.schemas.ProcessStatus;
import io.supervisorkafka.streams.common.TagSpec;
import io.supervisorkafka.streams.supervisor.SupervisordMetricsInput.CountsChanged;
import io.supervisorkafka.streams.supervisor.SupervisordMetricsInput.InstanceStateChanged;
import io.supervisorkafka.streams.supervisor.SupervisordMetricsInput.ProcessChanged;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Publishes the metric points of {@link SupervisorCatalog} (key server id): on every change, and again
 * for every process and server on a wall-clock punctuation, so that gauges stay fresh and uptime keeps moving while
 * nothing happens (uptime then computed against the wall clock).
 */
public final class SupervisordMetricsEmitter
        implements Processor<String, SupervisordMetricsInput, String, MetricPoint> {

    private final Duration punctuateInterval;
    private ProcessorContext<String, MetricPoint> context;
    private KeyValueStore<String, ProcessStatus> statuses;
    private KeyValueStore<String, SupervisordConnectivity> servers;

    public SupervisordMetricsEmitter(Duration punctuateInterval) {
        this.punctuateInterval = punctuateInterval;
    }

    @Override
    public void init(ProcessorContext<String, MetricPoint> context) {
        this.context = context;
        this.statuses = context.getStateStore(ProcessStatusDeriver.STORE);
        this.servers = context.getStateStore(SupervisordConnectivityChecker.STORE);
        context.schedule(punctuateInterval, PunctuationType.WALL_CLOCK_TIME, this::emitAll);
    }

    @Override
    public void process(Record<String, SupervisordMetricsInput> record) {
        SupervisordMetricsInput input = record.value();
        long now = context.currentSystemTimeMs();
        if (input instanceof ProcessChanged changed) {
            ProcessStatus status = changed.status();
            emit(uptime(status, status.uptime(), status.updatedAt()), record.timestamp());
        } else if (input instanceof CountsChanged changed) {
            ProcessCounts counts = changed.counts();
            counts(changed.server(), counts, counts == null ? now : counts.updatedAt())
                    .forEach(point -> emit(point, record.timestamp()));
        } else if (input instanceof InstanceStateChanged changed) {
            emit(instanceState(changed.server(), changed.stateCode(), changed.observedAt()), record.timestamp());
        }
    }

    private void emitAll(long now) {
        Map<String, List<ProcessStatus>> byServer = new LinkedHashMap<>();
        try (KeyValueIterator<String, ProcessStatus> all = statuses.all()) {
            all.forEachRemaining(entry -> {
                if (entry.value != null) {
                    byServer.computeIfAbsent(entry.value.server(), server -> new ArrayList<>()).add(entry.value);
                }
            });
        }
        byServer.forEach((server, processes) -> {
            for (ProcessStatus status : processes) {
                long uptime = ProcessStatusMerge.uptimeSeconds(status.processState(), status.startedAt(), now);
                emit(uptime(status, uptime, now), now);
            }
            counts(server, ProcessCountsDeriver.countsOf(server, processes.iterator(), now), now)
                    .forEach(point -> emit(point, now));
        });
        try (KeyValueIterator<String, SupervisordConnectivity> all = servers.all()) {
            all.forEachRemaining(entry -> {
                if (entry.value != null && entry.value.stateCode() != null) {
                    emit(instanceState(entry.value.server(), entry.value.stateCode(), now), now);
                }
            });
        }
    }

    private void emit(MetricPoint point, long recordTimestamp) {
        context.forward(new Record<>(point.tags().get(TagSpec.SERVER.key()), point, recordTimestamp));
    }

    static MetricPoint uptime(ProcessStatus status, long uptimeSeconds, long at) {
        return SupervisorCatalog.PROCESS_UPTIME.point(uptimeSeconds, at, Map.of(TagSpec.SERVER.key(), status.server(),
                SupervisorCatalog.GROUP.key(), status.group(), SupervisorCatalog.PROCESS.key(), status.name()));
    }

    /** up, down and unknown, all three always, zeros included: a gauge that stops being sent is not a zero. */
    static List<MetricPoint> counts(String server, ProcessCounts counts, long at) {
        return List.of(
                count(server, "up", counts == null ? 0 : counts.up(), at),
                count(server, "down", counts == null ? 0 : counts.down(), at),
                count(server, "unknown", counts == null ? 0 : counts.unknown(), at));
    }

    static MetricPoint instanceState(String server, int stateCode, long at) {
        return SupervisorCatalog.INSTANCE_STATE.point(stateCode, at, Map.of(TagSpec.SERVER.key(), server));
    }

    private static MetricPoint count(String server, String status, int value, long at) {
        return SupervisorCatalog.PROCESS_COUNT.point(value, at, Map.of(TagSpec.SERVER.key(), server,
                SupervisorCatalog.STATUS.key(), status));
    }
}
