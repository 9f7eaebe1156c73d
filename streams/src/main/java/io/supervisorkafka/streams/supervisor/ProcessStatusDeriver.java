package io.supervisorkafka.streams.supervisor;

import io.supervisorkafka.schemas.ProcessStatus;
import io.supervisorkafka.schemas.SupervisorSnapshot;
import io.supervisorkafka.schemas.SupervisorSnapshot.ProcessInfo;
import io.supervisorkafka.streams.common.JsonStores;
import io.supervisorkafka.streams.supervisor.SupervisorInput.GroupRemoved;
import io.supervisorkafka.streams.supervisor.SupervisorInput.ProcessStateObserved;
import io.supervisorkafka.streams.supervisor.SupervisorInput.SnapshotTaken;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;

/**
 * Keeps the current status of every process in the {@value #STORE} store (key {@code server/group:name}) from events
 * and snapshots, by the rules of {@link ProcessStatusMerge}, and forwards each change that a reader would notice as a
 * {@link ProcessStatusChange} keyed by the process key. A process that is gone is deleted and forwarded with a null
 * status.
 */
public final class ProcessStatusDeriver implements Processor<String, SupervisorInput, String, ProcessStatusChange> {

    public static final String STORE = "process-status";

    private ProcessorContext<String, ProcessStatusChange> context;
    private KeyValueStore<String, ProcessStatus> statuses;

    public static StoreBuilder<KeyValueStore<String, ProcessStatus>> storeBuilder() {
        return JsonStores.persistent(STORE, ProcessStatus.class);
    }

    @Override
    public void init(ProcessorContext<String, ProcessStatusChange> context) {
        this.context = context;
        this.statuses = context.getStateStore(STORE);
    }

    @Override
    public void process(Record<String, SupervisorInput> record) {
        SupervisorInput input = record.value();
        long now = context.currentSystemTimeMs();
        if (input instanceof ProcessStateObserved event) {
            String key = ProcessStatus.key(event.server(), event.group(), event.name());
            ProcessStatus before = statuses.get(key);
            store(record, key, before, ProcessStatusMerge.applyEvent(before, event, now), event.exitExpected());
        } else if (input instanceof GroupRemoved removal) {
            String groupPrefix = ProcessStatus.key(removal.server(), removal.group(), "");
            removeAll(record, removal.server(), groupPrefix, status -> ProcessStatusMerge.removedWith(status, removal));
        } else if (input instanceof SnapshotTaken taken && taken.snapshot().ok()) {
            applySnapshot(record, taken.server(), taken.snapshot(), now);
        }
        // Failed snapshots and supervisord state changes say nothing about the processes.
    }

    private void applySnapshot(Record<String, SupervisorInput> record, String server, SupervisorSnapshot snapshot,
                               long now) {
        Set<String> listed = new HashSet<>();
        for (ProcessInfo info : snapshot.processes()) {
            if (info == null || info.group() == null || info.name() == null) {
                continue;
            }
            String key = ProcessStatus.key(server, info.group(), info.name());
            listed.add(key);
            ProcessStatus before = statuses.get(key);
            store(record, key, before,
                    ProcessStatusMerge.applySnapshotProcess(before, server, info, snapshot.observedAt(), now), null);
        }
        removeAll(record, server, ProcessStatus.serverPrefix(server),
                status -> !listed.contains(status.key()) && ProcessStatusMerge.goneFrom(status, snapshot.observedAt()));
    }

    private void store(Record<String, SupervisorInput> record, String key, ProcessStatus before, ProcessStatus after,
                       Boolean exitExpected) {
        if (after.equals(before)) {
            return;
        }
        // Saved even when nothing a reader sees changed: observedAt moves on, and later merges compare with it.
        statuses.put(key, after);
        if (!ProcessStatusMerge.sameStatus(before, after)) {
            context.forward(record.withKey(key).withValue(new ProcessStatusChange(after.server(), before, after,
                    exitExpected)));
        }
    }

    private void removeAll(Record<String, SupervisorInput> record, String server, String keyPrefix,
                           Predicate<ProcessStatus> gone) {
        List<KeyValue<String, ProcessStatus>> removed = new ArrayList<>();
        try (KeyValueIterator<String, ProcessStatus> candidates =
                     statuses.prefixScan(keyPrefix, new StringSerializer())) {
            candidates.forEachRemaining(entry -> {
                if (entry.value != null && gone.test(entry.value)) {
                    removed.add(entry);
                }
            });
        }
        for (KeyValue<String, ProcessStatus> entry : removed) {
            statuses.delete(entry.key);
            context.forward(record.withKey(entry.key)
                    .withValue(new ProcessStatusChange(server, entry.value, null, null)));
        }
    }
}
