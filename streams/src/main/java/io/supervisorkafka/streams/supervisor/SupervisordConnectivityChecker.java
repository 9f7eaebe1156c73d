package io.supervisorkafka.streams.supervisor;

import io.supervisorkafka.schemas.ServiceCheck;
import io.supervisorkafka.schemas.SupervisorSnapshot;
import io.supervisorkafka.streams.common.CanConnectCheck;
import io.supervisorkafka.streams.common.CanConnectCheck.Observation;
import io.supervisorkafka.streams.common.CanConnectCheck.Verdict;
import io.supervisorkafka.streams.common.JsonStores;
import io.supervisorkafka.streams.supervisor.SupervisorInput.SnapshotTaken;
import io.supervisorkafka.streams.supervisor.SupervisorInput.SupervisorStateObserved;
import io.supervisorkafka.streams.supervisor.SupervisordConnectivityUpdate.CanConnectChanged;
import io.supervisorkafka.streams.supervisor.SupervisordConnectivityUpdate.SupervisorStateChanged;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;

/**
 * Derives {@code supervisord.can_connect} per server from its snapshots, by the rules of {@link CanConnectCheck}: OK
 * when one succeeded, CRITICAL with the error when it failed, UNKNOWN when none has arrived within the staleness
 * limit. Emitted on first sight and on change only. Also keeps supervisord's own
 * state, from snapshots and from SUPERVISOR_STATE_CHANGE events, and forwards its changes for the metrics.
 */
public final class SupervisordConnectivityChecker
        implements Processor<String, SupervisorInput, String, SupervisordConnectivityUpdate> {

    public static final String STORE = "supervisor-connectivity";

    private final Duration punctuateInterval;
    private final CanConnectCheck<SupervisordConnectivity> canConnect;
    private ProcessorContext<String, SupervisordConnectivityUpdate> context;
    private KeyValueStore<String, SupervisordConnectivity> servers;

    public SupervisordConnectivityChecker(Duration punctuateInterval, Duration staleAfter) {
        this.punctuateInterval = punctuateInterval;
        this.canConnect = new CanConnectCheck<>(SupervisorCatalog.CAN_CONNECT.name(), "supervisord",
                "snapshot of supervisord", staleAfter);
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
                current = new SupervisordConnectivity(observed.server(), null, 0, null, null, null, 0, 0, null, null,
                        0);
            }
            String state = observed.running() ? "RUNNING" : "SHUTDOWN";
            updateSupervisorState(record, current, state, observed.running() ? 1 : -1, observed.observedAt());
        }
    }

    private void onSnapshot(Record<String, SupervisorInput> record, String server, SupervisorSnapshot snapshot) {
        SupervisordConnectivity current = servers.get(server);
        SupervisorSnapshot.SupervisorInfo supervisor = snapshot.supervisor();
        String version = supervisor != null && supervisor.version() != null ? supervisor.version()
                : current == null ? null : current.version();
        String detail = detail(version, supervisor == null ? null : supervisor.state());
        Optional<Verdict> verdict = canConnect.observe(current, new Observation(server, snapshot.observedAt(),
                snapshot.endpoint(), snapshot.error(), detail));
        if (verdict.isEmpty()) {
            return; // an older snapshot processed late says nothing about now
        }
        SupervisordConnectivity next = new SupervisordConnectivity(server, verdict.get().status(),
                verdict.get().since(), snapshot.endpoint(), snapshot.error(), version, snapshot.observedAt(),
                context.currentSystemTimeMs(), current == null ? null : current.state(),
                current == null ? null : current.stateCode(), current == null ? 0 : current.stateAt());
        boolean stateChanged = false;
        if (snapshot.ok() && supervisor != null && supervisor.state() != null
                && isNewerState(next, snapshot.observedAt())) {
            stateChanged = !Objects.equals(next.stateCode(), supervisor.stateCode());
            next = next.withSupervisorState(supervisor.state(), supervisor.stateCode(), snapshot.observedAt());
        }
        // One write a snapshot: the store's changelog gets a record per server and snapshot, fleet-wide.
        servers.put(server, next);
        if (verdict.get().check() != null) {
            forward(verdict.get().check(), record.timestamp());
        }
        if (stateChanged) {
            forwardStateChanged(record, next);
        }
    }

    /** E.g. {@code supervisord 4.2.5, state RUNNING}; null when neither is known. */
    private static String detail(String version, String supervisorState) {
        if (version == null && supervisorState == null) {
            return null;
        }
        StringBuilder detail = new StringBuilder();
        if (version != null) {
            detail.append("supervisord ").append(version);
        }
        if (supervisorState != null) {
            detail.append(version != null ? ", " : "").append("state ").append(supervisorState);
        }
        return detail.toString();
    }

    private void updateSupervisorState(Record<String, SupervisorInput> record, SupervisordConnectivity current,
                                       String state, int stateCode, long observedAt) {
        if (!isNewerState(current, observedAt)) {
            return;
        }
        boolean changed = !Objects.equals(current.stateCode(), stateCode);
        SupervisordConnectivity next = current.withSupervisorState(state, stateCode, observedAt);
        servers.put(current.server(), next);
        if (changed) {
            forwardStateChanged(record, next);
        }
    }

    private static boolean isNewerState(SupervisordConnectivity current, long observedAt) {
        return current.stateCode() == null || observedAt >= current.stateAt();
    }

    private void forwardStateChanged(Record<String, SupervisorInput> record, SupervisordConnectivity next) {
        context.forward(record.withKey(next.server()).withValue(new SupervisorStateChanged(next.server(),
                next.state(), next.stateCode(), next.stateAt())));
    }

    private void markStaleServers(long now) {
        canConnect.markStale(servers, now, check -> forward(check, now));
    }

    private void forward(ServiceCheck check, long recordTimestamp) {
        context.forward(new Record<>(check.key(), new CanConnectChanged(check), recordTimestamp));
    }
}
