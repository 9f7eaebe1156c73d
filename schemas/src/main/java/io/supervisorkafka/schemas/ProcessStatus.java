package io.supervisorkafka.schemas;

/**
 * The current status of one supervised process (topic {@link Topics#PROCESS_STATUS}, compacted, key
 * {@code server/group:name}; a null value is the tombstone of a process that is gone).
 *
 * @param state      supervisord's statename, e.g. RUNNING
 * @param stateCode  supervisord's numeric state
 * @param pid        the process id, or null when not running
 * @param startedAt  when supervisord last started the process, epoch ms, or null when unknown
 * @param uptime     seconds since {@code startedAt} at {@code updatedAt} while RUNNING, BACKOFF or STOPPING, else 0
 * @param exitStatus the last exit status (-1 when a signal ended the run, as supervisord reports it), known from the
 *                   listener's exit record ({@link Topics#PROCESS_EXITS}) or from snapshots; null when unknown
 * @param spawnErr   the last spawn error, or null
 * @param check      OK, CRITICAL or UNKNOWN, from the state
 * @param since      when the process entered {@code state}, epoch ms (as observed)
 * @param source     "event" or "snapshot": what established the state
 * @param observedAt when that event or snapshot was observed, epoch ms; merges compare it
 * @param updatedAt  when this record was derived, epoch ms
 * @param lastExit   why the last run ended, from the listener's exit record: kept while the process is started and
 *                   runs again, dropped at its next exit until that exit's record arrives; null when unknown
 */
public record ProcessStatus(
        String server,
        String group,
        String name,
        String state,
        int stateCode,
        Long pid,
        Long startedAt,
        long uptime,
        Integer exitStatus,
        String spawnErr,
        String description,
        CheckStatus check,
        long since,
        String source,
        long observedAt,
        long updatedAt,
        LastExit lastExit) {

    public static final String SOURCE_EVENT = "event";
    public static final String SOURCE_SNAPSHOT = "snapshot";

    /** A status without what the last exit record said. */
    public ProcessStatus(String server, String group, String name, String state, int stateCode, Long pid,
                         Long startedAt, long uptime, Integer exitStatus, String spawnErr, String description,
                         CheckStatus check, long since, String source, long observedAt, long updatedAt) {
        this(server, group, name, state, stateCode, pid, startedAt, uptime, exitStatus, spawnErr, description, check,
                since, source, observedAt, updatedAt, null);
    }

    /**
     * Why a run ended, as the listener's {@link ProcessExit} told it.
     *
     * @param state        the state the exit led to: EXITED, BACKOFF, FATAL or STOPPED
     * @param expected     for EXITED: whether the exit code was one of the program's {@code exitcodes}; else null
     * @param exitStatus   the exit status, or null when a signal ended the run or it is unknown
     * @param signal       the signal that ended the run ({@code SIGKILL}), or null
     * @param runSeconds   how long the run lasted, or null when unknown
     * @param output       the last non-blank line the run wrote to stderr (stdout when stderr is redirected), or null
     * @param outputStream {@code stderr} or {@code stdout}: where {@code output} comes from; null without it
     * @param error        why part of the context could not be fetched, or null
     * @param observedAt   when the listener read the exit event, epoch ms
     */
    public record LastExit(String state, Boolean expected, Integer exitStatus, String signal, Double runSeconds,
                           String output, String outputStream, String error, long observedAt) {

        /** What the listener's exit record says of the run, reduced to its last line of output. */
        public static LastExit of(ProcessExit exit) {
            String line = exit.lastOutputLine();
            return new LastExit(exit.toState(), exit.expected(), exit.exitStatus(), exit.signal(), exit.runSeconds(),
                    line, line == null ? null : exit.outputStream(), exit.error(), exit.observedAt());
        }

        /** Whether it says how the run ended: an exit status or a signal. */
        public boolean hasCause() {
            return exitStatus != null || signal != null;
        }
    }

    /** The record key: {@code server/group:name}. */
    public String key() {
        return key(server, group, name);
    }

    public static String key(String server, String group, String name) {
        return server + "/" + group + ":" + name;
    }

    /** The key prefix of every process of a server; keys sort so that a range scan finds them. */
    public static String serverPrefix(String server) {
        return server + "/";
    }

    public ProcessState processState() {
        return ProcessState.ofName(state);
    }
}
