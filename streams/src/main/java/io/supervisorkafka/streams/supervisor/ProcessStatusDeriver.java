package io.supervisorkafka.streams.supervisor;

import io.supervisorkafka.schemas.ProcessExit;
import io.supervisorkafka.schemas.ProcessState;
import io.supervisorkafka.schemas.ProcessStatus;
import io.supervisorkafka.schemas.SupervisorSnapshot;
import io.supervisorkafka.schemas.SupervisorSnapshot.ProcessInfo;
import io.supervisorkafka.streams.common.JsonStores;
import io.supervisorkafka.streams.supervisor.SupervisorInput.ExitExplained;
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
 * Keeps the current status of every process in the {@value #STORE} store (key {@code server/group:name}) from events,
 * snapshots and the listener's exit records, by the rules of {@link ProcessStatusMerge}, and forwards each change that
 * a reader would notice as a {@link ProcessStatusChange} keyed by the process key. A process that is gone is deleted
 * and forwarded with a null status.
 *
 * <p>An exit record explains one exit event (same event id): applied when it arrives if that event is the process's
 * latest exit (or the BACKOFF a FATAL follows), kept until its event comes when it arrives first (both share a
 * timestamp, so either may be processed first), ignored when a newer exit happened since. The {@value #EXITS_STORE}
 * store pairs them, and {@value #EXIT_SERVERS_STORE} remembers which servers' listeners publish exit records: only
 * their exits are worth waiting for ({@link ProcessStatusChange#awaitedExit()}).
 *
 * <p>The changes of one input are forwarded once it is applied, the last marked {@link
 * ProcessStatusChange#lastOfInput()}, so that summing processors forward once per input.
 */
public final class ProcessStatusDeriver implements Processor<String, SupervisorInput, String, ProcessStatusChange> {

    public static final String STORE = "process-status";
    /** Per process key: its latest exit event and record, {@link ExitTracking}. */
    public static final String EXITS_STORE = "process-exit-records";
    /** Per server: when its listener's latest exit record was observed. */
    public static final String EXIT_SERVERS_STORE = "exit-record-servers";

    private ProcessorContext<String, ProcessStatusChange> context;
    private KeyValueStore<String, ProcessStatus> statuses;
    private KeyValueStore<String, ExitTracking> exits;
    private KeyValueStore<String, Long> exitServers;
    /** The changes the current input made, forwarded when it is applied. */
    private final List<Record<String, ProcessStatusChange>> pending = new ArrayList<>();

    public static StoreBuilder<KeyValueStore<String, ProcessStatus>> storeBuilder() {
        return JsonStores.persistent(STORE, ProcessStatus.class);
    }

    public static StoreBuilder<KeyValueStore<String, ExitTracking>> exitsStoreBuilder() {
        return JsonStores.persistent(EXITS_STORE, ExitTracking.class);
    }

    public static StoreBuilder<KeyValueStore<String, Long>> exitServersStoreBuilder() {
        return JsonStores.persistent(EXIT_SERVERS_STORE, Long.class);
    }

    @Override
    public void init(ProcessorContext<String, ProcessStatusChange> context) {
        this.context = context;
        this.statuses = context.getStateStore(STORE);
        this.exits = context.getStateStore(EXITS_STORE);
        this.exitServers = context.getStateStore(EXIT_SERVERS_STORE);
    }

    @Override
    public void process(Record<String, SupervisorInput> record) {
        SupervisorInput input = record.value();
        long now = context.currentSystemTimeMs();
        if (input instanceof ProcessStateObserved event) {
            applyEvent(record, event, now);
        } else if (input instanceof ExitExplained explained) {
            applyExit(record, explained, now);
        } else if (input instanceof GroupRemoved removal) {
            String groupPrefix = ProcessStatus.key(removal.server(), removal.group(), "");
            removeAll(record, removal.server(), groupPrefix, status -> ProcessStatusMerge.removedWith(status, removal));
        } else if (input instanceof SnapshotTaken taken && taken.snapshot().ok()) {
            applySnapshot(record, taken.server(), taken.snapshot(), now);
        }
        // Failed snapshots and supervisord state changes say nothing about the processes.
        for (int i = 0; i < pending.size(); i++) {
            Record<String, ProcessStatusChange> change = pending.get(i);
            context.forward(change.withValue(change.value().withLastOfInput(i == pending.size() - 1)));
        }
        pending.clear();
    }

    private void applyEvent(Record<String, SupervisorInput> record, ProcessStateObserved event, long now) {
        String key = ProcessStatus.key(event.server(), event.group(), event.name());
        ProcessStatus before = statuses.get(key);
        ProcessStatus after = ProcessStatusMerge.applyEvent(before, event, now);
        ProcessExit exit = null;
        String awaited = null;
        if (event.isExit()) {
            ExitTracking tracking = exits.get(key);
            ProcessExit early = tracking == null ? null : tracking.early();
            if (early != null && ExitTracking.explains(early, event.eventId(), event.pid(), event.state().name())) {
                exit = early;
                after = ProcessStatusMerge.applyExit(after, early, now);
            } else if (event.eventId() != null && exitServers.get(event.server()) != null) {
                awaited = event.eventId();
            }
            // A record of a later exit stays for its event.
            ProcessExit stillEarly = exit == null && early != null && early.observedAt() > event.observedAt() ? early
                    : null;
            String backoffId = event.state() == ProcessState.FATAL && tracking != null && !tracking.explained()
                    && ProcessState.BACKOFF.name().equals(tracking.state()) ? tracking.eventId() : null;
            exits.put(key, new ExitTracking(event.eventId(), event.pid(), event.state().name(), event.observedAt(),
                    exit != null, stillEarly, backoffId));
        }
        store(record, key, before, after, event.exitExpected(), exit, awaited);
    }

    private void applyExit(Record<String, SupervisorInput> record, ExitExplained explained, long now) {
        ProcessExit exit = explained.exit();
        exitServers.put(explained.server(), exit.observedAt());
        String key = ProcessStatus.key(explained.server(), exit.group(), exit.name());
        ExitTracking tracking = exits.get(key);
        if (tracking != null && tracking.explainedBy(exit)) {
            if (tracking.explained()) {
                return; // a redelivery
            }
            exits.put(key, new ExitTracking(tracking.eventId(), tracking.pid(), tracking.state(),
                    tracking.observedAt(), true, null, tracking.backoffId()));
            explain(record, key, exit, now);
        } else if (tracking != null && tracking.explainsBackoffBy(exit)) {
            exits.put(key, new ExitTracking(tracking.eventId(), tracking.pid(), tracking.state(),
                    tracking.observedAt(), tracking.explained(), tracking.early(), null));
            explain(record, key, exit, now);
        } else if (tracking == null || exit.observedAt() >= tracking.observedAt()) {
            // Before its event: kept for it. (A record older than the latest exit explains an exit superseded since.)
            exits.put(key, tracking == null ? new ExitTracking(null, null, null, 0, false, exit, null)
                    : new ExitTracking(tracking.eventId(), tracking.pid(), tracking.state(), tracking.observedAt(),
                    tracking.explained(), exit, tracking.backoffId()));
        }
    }

    private void explain(Record<String, SupervisorInput> record, String key, ProcessExit exit, long now) {
        ProcessStatus before = statuses.get(key);
        if (before != null) {
            store(record, key, before, ProcessStatusMerge.applyExit(before, exit, now), null, exit, null);
        }
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
                    ProcessStatusMerge.applySnapshotProcess(before, server, info, snapshot.observedAt(), now), null,
                    null, null);
        }
        removeAll(record, server, ProcessStatus.serverPrefix(server),
                status -> !listed.contains(status.key()) && ProcessStatusMerge.goneFrom(status, snapshot.observedAt()));
    }

    private void store(Record<String, SupervisorInput> record, String key, ProcessStatus before, ProcessStatus after,
                       Boolean exitExpected, ProcessExit exit, String awaitedExit) {
        if (after.equals(before)) {
            return;
        }
        // Saved even when nothing a reader sees changed: observedAt moves on, and later merges compare with it.
        statuses.put(key, after);
        if (!ProcessStatusMerge.sameStatus(before, after)) {
            pending.add(record.withKey(key).withValue(new ProcessStatusChange(after.server(), before, after,
                    exitExpected, exit, awaitedExit, false)));
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
            exits.delete(entry.key);
            pending.add(record.withKey(entry.key)
                    .withValue(new ProcessStatusChange(server, entry.value, null, null, null, null, false)));
        }
    }
}
