package io.supervisorkafka.streams.supervisor;

import io.supervisorkafka.schemas.CheckStatus;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@link ProcessFlappingDetector} keeps per watched process (store {@value ProcessFlappingDetector#STORE}, JSON):
 * the recent restarts and unexpected exits, the last check's status, and what the last exit record said.
 *
 * @param restarts        when supervisord restarted the process by itself (STARTING from EXITED or BACKOFF), epoch
 *                        ms, oldest first, within the window
 * @param unexpectedExits when it exited unexpectedly (EXITED not expected, or BACKOFF: too quickly), epoch ms
 * @param lastAt          when the latest of either happened, epoch ms (0 before any): the quiet time counts from
 *                        there, also once it fell out of the window
 * @param status          the status of the last {@code supervisord.process.flapping} check, or null before the first
 * @param since           when that status began, epoch ms
 * @param lastExitStatus  the exit status the last exit record gave, or null
 * @param lastExitSignal  the signal it gave, or null
 * @param lastOutput      the last output line it gave, or null
 * @param lastExitAt      when that exit was observed, epoch ms (0 before any record)
 */
public record ProcessFlapping(String server, String group, String name, List<Long> restarts,
                              List<Long> unexpectedExits, long lastAt, CheckStatus status, long since,
                              Integer lastExitStatus, String lastExitSignal, String lastOutput, long lastExitAt) {

    public ProcessFlapping {
        restarts = List.copyOf(restarts);
        unexpectedExits = List.copyOf(unexpectedExits);
    }

    static ProcessFlapping first(String server, String group, String name) {
        return new ProcessFlapping(server, group, name, List.of(), List.of(), 0, null, 0, null, null, null, 0);
    }

    /** The restarts and unexpected exits after {@code from}, at most {@code limit} of each, with one more of each. */
    ProcessFlapping occurred(boolean restart, boolean unexpectedExit, long at, long from, int limit) {
        return new ProcessFlapping(server, group, name, after(restarts, restart, at, from, limit),
                after(unexpectedExits, unexpectedExit, at, from, limit),
                restart || unexpectedExit ? Math.max(lastAt, at) : lastAt, status, since, lastExitStatus,
                lastExitSignal, lastOutput, lastExitAt);
    }

    /** Only the restarts and unexpected exits after {@code from}. */
    ProcessFlapping after(long from) {
        return occurred(false, false, 0, from, Integer.MAX_VALUE);
    }

    ProcessFlapping withStatus(CheckStatus newStatus, long newSince) {
        return new ProcessFlapping(server, group, name, restarts, unexpectedExits, lastAt, newStatus, newSince,
                lastExitStatus, lastExitSignal, lastOutput, lastExitAt);
    }

    ProcessFlapping withLastExit(Integer exitStatus, String signal, String output, long at) {
        return new ProcessFlapping(server, group, name, restarts, unexpectedExits, lastAt, status, since, exitStatus,
                signal, output, at);
    }

    /** The restarts after {@code from}. */
    int restartsAfter(long from) {
        return (int) restarts.stream().filter(at -> at > from).count();
    }

    /** Whether a restart or an unexpected exit is still within the window. */
    boolean inWindow() {
        return !restarts.isEmpty() || !unexpectedExits.isEmpty();
    }

    private static List<Long> after(List<Long> times, boolean add, long at, long from, int limit) {
        List<Long> kept = new ArrayList<>(times.stream().filter(time -> time > from).toList());
        if (add) {
            kept.add(at);
        }
        return kept.size() <= limit ? kept : kept.subList(kept.size() - limit, kept.size());
    }
}
