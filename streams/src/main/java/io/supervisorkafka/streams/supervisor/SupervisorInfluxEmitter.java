package io.supervisorkafka.streams.supervisor;

import io.supervisorkafka.schemas.ProcessStatus;
import io.supervisorkafka.schemas.SupervisorSnapshot;
import io.supervisorkafka.streams.common.TagSpec;
import io.supervisorkafka.streams.influx.InfluxCatalog;
import io.supervisorkafka.streams.supervisor.SupervisorInput.ExitExplained;
import io.supervisorkafka.streams.supervisor.SupervisorInput.ProcessStateObserved;
import io.supervisorkafka.streams.supervisor.SupervisorInput.SnapshotTaken;
import io.supervisorkafka.streams.supervisor.SupervisorInput.SupervisorStateObserved;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Writes Telegraf's {@code supervisor_processes} and {@code supervisor_instance} lines ({@link InfluxCatalog}; key
 * server id, one line per record) from the supervisord inputs, reading the merged status of {@link
 * ProcessStatusDeriver#STORE}:
 *
 * <ul>
 *   <li>an event, or an exit record, of a process: that process's line, at the time its status was observed (an exit
 *       record thereby completes the point of its exit event with {@code exitCode});</li>
 *   <li>a successful snapshot: every process of the server the snapshot is the latest news of, at the snapshot's time,
 *       and supervisord's state, as Telegraf's input writes at each gather (a failed snapshot writes nothing, as a
 *       failed gather does);</li>
 *   <li>a SUPERVISOR_STATE_CHANGE event: supervisord's state (RUNNING 1, STOPPING -1).</li>
 * </ul>
 *
 * <p>It reads the store after {@link ProcessStatusDeriver} applied the same input: it is the last child of the
 * inputs' merge node, and Kafka Streams hands a record to the children of a node one after the other in the order
 * they were added, each with all its descendants. {@code SupervisorInfluxTopologyTest} pins that.
 */
public final class SupervisorInfluxEmitter implements Processor<String, SupervisorInput, String, String> {

    private ProcessorContext<String, String> context;
    private KeyValueStore<String, ProcessStatus> statuses;

    @Override
    public void init(ProcessorContext<String, String> context) {
        this.context = context;
        this.statuses = context.getStateStore(ProcessStatusDeriver.STORE);
    }

    @Override
    public void process(Record<String, SupervisorInput> record) {
        SupervisorInput input = record.value();
        if (input instanceof ProcessStateObserved observed) {
            processLine(record, ProcessStatus.key(observed.server(), observed.group(), observed.name()));
        } else if (input instanceof ExitExplained explained) {
            processLine(record, ProcessStatus.key(explained.server(), explained.exit().group(),
                    explained.exit().name()));
        } else if (input instanceof SupervisorStateObserved observed) {
            emit(record, observed.server(), instanceLine(observed.server(), observed.running() ? 1 : -1,
                    observed.observedAt()));
        } else if (input instanceof SnapshotTaken taken && taken.snapshot().ok()) {
            onSnapshot(record, taken.server(), taken.snapshot());
        }
    }

    private void processLine(Record<String, SupervisorInput> record, String key) {
        ProcessStatus status = statuses.get(key);
        if (status != null) {
            emit(record, status.server(), processLine(status, status.observedAt()));
        }
    }

    private void onSnapshot(Record<String, SupervisorInput> record, String server, SupervisorSnapshot snapshot) {
        long at = snapshot.observedAt();
        try (KeyValueIterator<String, ProcessStatus> processes =
                     statuses.prefixScan(ProcessStatus.serverPrefix(server), new StringSerializer())) {
            processes.forEachRemaining(entry -> {
                // A process observed after the snapshot already had its line from that newer event. (The server
                // check: the prefix of server "a" also covers the keys of a server "a/b".)
                if (entry.value != null && entry.value.server().equals(server) && entry.value.observedAt() <= at) {
                    emit(record, server, processLine(entry.value, at));
                }
            });
        }
        if (snapshot.supervisor() != null && snapshot.supervisor().state() != null) {
            emit(record, server, instanceLine(server, snapshot.supervisor().stateCode(), at));
        }
    }

    private void emit(Record<String, SupervisorInput> record, String server, String line) {
        context.forward(record.withKey(server).withValue(line));
    }

    /** A {@code supervisor_processes} line of {@code status} at {@code at} (epoch ms). */
    static String processLine(ProcessStatus status, long at) {
        var line = InfluxCatalog.SUPERVISOR_PROCESSES.line()
                .tag(InfluxCatalog.GROUP, status.group())
                .tag(InfluxCatalog.HOST, status.server())
                .tag(InfluxCatalog.PROCESS, status.name())
                .tag(TagSpec.SERVER, status.server())
                .field(InfluxCatalog.EXIT_CODE, status.exitStatus() == null ? 0 : status.exitStatus())
                .field(InfluxCatalog.PID, status.pid() == null ? 0 : status.pid())
                .field(InfluxCatalog.PROCESS_STATE, status.stateCode());
        if (status.startedAt() != null) {
            // Telegraf's now - start, in every state; never negative when the clocks of the start and of now differ.
            line.field(InfluxCatalog.UPTIME, Math.max(0, (at - status.startedAt()) / 1000));
        }
        return line.timestampMillis(at).toString();
    }

    /** A {@code supervisor_instance} line. */
    static String instanceLine(String server, int stateCode, long at) {
        return InfluxCatalog.SUPERVISOR_INSTANCE.line()
                .tag(InfluxCatalog.HOST, server)
                .tag(TagSpec.SERVER, server)
                .field(InfluxCatalog.INSTANCE_STATE, stateCode)
                .timestampMillis(at).toString();
    }
}
