package io.supervisorkafka.streams.supervisor;

import io.supervisorkafka.schemas.CheckStatus;
import io.supervisorkafka.schemas.ServiceCheck;
import io.supervisorkafka.schemas.SupervisorSnapshot;
import io.supervisorkafka.streams.common.JsonStores;
import io.supervisorkafka.streams.common.StaleEntries;
import io.supervisorkafka.streams.supervisor.SupervisorInput.SnapshotTaken;
import io.supervisorkafka.streams.supervisor.SupervisorInput.SupervisorStateObserved;
import io.supervisorkafka.streams.supervisor.SupervisordConnectivityUpdate.CanConnectChanged;
import io.supervisorkafka.streams.supervisor.SupervisordConnectivityUpdate.SupervisorStateChanged;
import java.time.Duration;
import java.util.Objects;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;

/**
 * Derives {@code supervisord.can_connect} per server from its snapshots: OK when one succeeded, CRITICAL with the error
 * when it failed, UNKNOWN when none has arrived within the staleness limit (checked by a wall-clock punctuation, since
 * silence produces no record to react to). Emitted on first sight and on change only. Also keeps supervisord's own
 * state, from snapshots and from SUPERVISOR_STATE_CHANGE events, and forwards its changes for the metrics.
 */
public final class SupervisordConnectivityChecker implements Processor<String, SupervisorInput, String, SupervisordConnectivityUpdate> {

    public static final String STORE = "supervisor-connectivity";

    private final Duration punctuateInterval;
    private final Duration staleAfter;
    private ProcessorContext<String, SupervisordConnectivityUpdate> context;
    private KeyValueStore<String, SupervisordConnectivity> servers;

    public SupervisordConnectivityChecker(Duration punctuateInterval, Duration staleAfter) {
        this.punctuateInterval = punctuateInterval;
        this.staleAfter = staleAfter;
    }

    public static StoreBuilder<KeyValueStore<String, SupervisordConnectivity>> storeBuilder() {
        return JsonStores.persistent(STORE, SupervisordConnectivity.class);
    }

    @Override
    public void init(ProcessorContext<String, SupervisordConnectivityUpdate> context) {
        this.context = context;
        this.servers = context.getStateStore(STORE);
        context.schedule(punctuateInterval, PunctuationType.WALL_CLOCK_TIME, this::markStaleServers);
    }

    @Override
    public void process(Record<String, SupervisorInput> record) {
        if (record.value() instanceof SnapshotTaken taken) {
            onSnapshot(record, taken.server(), taken.snapshot());
        } else if (record.value() instanceof SupervisorStateObserved observed) {
            SupervisordConnectivity current = servers.get(observed.server());
            if (current == null) {
                current = new SupervisordConnectivity(observed.server(), null, 0, null, null, null, 0, 0, null, null, 0);
            }
            String state = observed.running() ? "RUNNING" : "SHUTDOWN";
            updateSupervisorState(record, current, state, observed.running() ? 1 : -1, observed.observedAt());
        }
    }

    private void onSnapshot(Record<String, SupervisorInput> record, String server, SupervisorSnapshot snapshot) {
        SupervisordConnectivity current = servers.get(server);
        if (current != null && snapshot.observedAt() < current.lastSnapshotAt()) {
            return; // an older snapshot processed late says nothing about now
        }
        CheckStatus status = snapshot.ok() ? CheckStatus.OK : CheckStatus.CRITICAL;
        boolean changed = current == null || current.status() != status;
        long since = changed ? snapshot.observedAt() : current.since();
        SupervisorSnapshot.SupervisorInfo supervisor = snapshot.supervisor();
        String version = supervisor != null && supervisor.version() != null ? supervisor.version()
                : current == null ? null : current.version();
        SupervisordConnectivity next = new SupervisordConnectivity(server, status, since, snapshot.endpoint(), snapshot.error(),
                version, snapshot.observedAt(), context.currentSystemTimeMs(),
                current == null ? null : current.state(), current == null ? null : current.stateCode(),
                current == null ? 0 : current.stateAt());
        servers.put(server, next);
        if (changed) {
            String message = snapshot.ok()
                    ? CheckMessages.reachable(server, snapshot.endpoint(), since, version,
                    supervisor == null ? null : supervisor.state())
                    : CheckMessages.unreachable(CheckMessages.SUPERVISORD, server, snapshot.endpoint(), since,
                    snapshot.error());
            forwardCheck(server, status, current == null ? null : current.status(), message, snapshot.observedAt(),
                    record.timestamp());
        }
        if (snapshot.ok() && supervisor != null && supervisor.state() != null) {
            updateSupervisorState(record, next, supervisor.state(), supervisor.stateCode(), snapshot.observedAt());
        }
    }

    private void updateSupervisorState(Record<String, SupervisorInput> record, SupervisordConnectivity current,
                                       String state, int stateCode, long observedAt) {
        if (current.stateCode() != null && observedAt < current.stateAt()) {
            return;
        }
        boolean changed = !Objects.equals(current.stateCode(), stateCode);
        servers.put(current.server(), current.withSupervisorState(state, stateCode, observedAt));
        if (changed) {
            context.forward(record.withKey(current.server())
                    .withValue(new SupervisorStateChanged(current.server(), state, stateCode, observedAt)));
        }
    }

    private void markStaleServers(long now) {
        for (SupervisordConnectivity server : StaleEntries.of(servers, server -> server.status() != null
                && server.status() != CheckStatus.UNKNOWN && now - server.lastArrivalAt() > staleAfter.toMillis())) {
            servers.put(server.server(), server.withStatus(CheckStatus.UNKNOWN, now));
            forwardCheck(server.server(), CheckStatus.UNKNOWN, server.status(), CheckMessages.stale(
                    "snapshot of supervisord", server.server(), server.lastSnapshotAt(), staleAfter), now, now);
        }
    }

    private void forwardCheck(String server, CheckStatus status, CheckStatus previous, String message, long at,
                              long recordTimestamp) {
        ServiceCheck check = new ServiceCheck(ServiceCheck.CAN_CONNECT, server, null, null, status, previous, message,
                at);
        context.forward(new Record<>(check.key(), new CanConnectChanged(check), recordTimestamp));
    }
}
