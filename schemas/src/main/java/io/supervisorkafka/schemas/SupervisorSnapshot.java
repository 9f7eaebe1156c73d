package io.supervisorkafka.schemas;

import java.util.List;

/**
 * One XML-RPC snapshot of a supervisord (topic {@link Topics#SNAPSHOTS}): what events do not carry. A failed attempt
 * is published too, with {@code error} set and no supervisor or processes, so the Streams side can raise
 * {@code supervisord.can_connect}.
 *
 * @param server         the server id (record key)
 * @param identification supervisord's identification string, when known
 * @param endpoint       the XML-RPC endpoint asked, without credentials
 * @param observedAt     when the listener sent the first call, epoch ms: an event observed later wins over this
 *                       snapshot
 * @param durationMs     how long the calls took
 * @param error          null on success; what failed otherwise
 * @param supervisor     getState, getIdentification and getSupervisorVersion; null on failure
 * @param processes      getAllProcessInfo; empty on failure
 */
public record SupervisorSnapshot(
        String server,
        String identification,
        String endpoint,
        long observedAt,
        long durationMs,
        String error,
        SupervisorInfo supervisor,
        List<ProcessInfo> processes) {

    public SupervisorSnapshot {
        processes = processes == null ? List.of() : List.copyOf(processes);
    }

    public boolean ok() {
        return error == null;
    }

    /**
     * @param state     getState statename: RUNNING, RESTARTING, SHUTDOWN, FATAL
     * @param stateCode getState statecode: 1, 0, -1, 2
     */
    public record SupervisorInfo(String state, int stateCode, String identification, String version,
                                 Long pid) {
    }

    /**
     * One entry of getAllProcessInfo, with supervisord's own field meanings; {@code start}, {@code stop} and
     * {@code now} are epoch seconds as supervisord reports them.
     */
    public record ProcessInfo(String group, String name, String state, int stateCode, long pid, long start,
                              long stop, long now, int exitStatus, String spawnErr, String description) {
    }
}
