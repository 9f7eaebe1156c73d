package io.supervisorkafka.streams.supervisor;

import io.supervisorkafka.schemas.CheckStatus;
import io.supervisorkafka.streams.common.CanConnectCheck;

/**
 * What {@link SupervisordConnectivityChecker} keeps per server (store {@value SupervisordConnectivityChecker#STORE},
 * JSON): the {@code supervisord.can_connect} state and supervisord's own state.
 *
 * @param status         the last {@code supervisord.can_connect} status emitted; null until a first snapshot
 * @param since          when that status began, epoch ms
 * @param lastSnapshotAt observedAt of the newest snapshot, epoch ms
 * @param lastArrivalAt  wall-clock time the newest snapshot was processed: staleness is judged on arrival, so a
 *                       backlog being caught up does not raise false alarms
 * @param stateCode      supervisord's state code (1 RUNNING, 0 RESTARTING, -1 SHUTDOWN, 2 FATAL); null when unknown
 * @param stateAt        when that state was observed, epoch ms
 */
public record SupervisordConnectivity(String server, CheckStatus status, long since, String endpoint, String error,
                                      String version, long lastSnapshotAt, long lastArrivalAt, String state,
                                      Integer stateCode, long stateAt)
        implements CanConnectCheck.State<SupervisordConnectivity> {

    @Override
    public long lastObservedAt() {
        return lastSnapshotAt;
    }

    @Override
    public SupervisordConnectivity withStatus(CheckStatus newStatus, long newSince) {
        return new SupervisordConnectivity(server, newStatus, newSince, endpoint, error, version, lastSnapshotAt,
                lastArrivalAt, state, stateCode, stateAt);
    }

    SupervisordConnectivity withSupervisorState(String newState, int newStateCode, long observedAt) {
        return new SupervisordConnectivity(server, status, since, endpoint, error, version, lastSnapshotAt,
                lastArrivalAt, newState, newStateCode, observedAt);
    }
}
