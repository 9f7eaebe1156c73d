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
 * @param exitStatus the last exit status, known from snapshots; null when unknown
 * @param spawnErr   the last spawn error, or null
 * @param check      OK, CRITICAL or UNKNOWN, from the state
 * @param since      when the process entered {@code state}, epoch ms (as observed)
 * @param source     "event" or "snapshot": what established the state
 * @param observedAt when that event or snapshot was observed, epoch ms; merges compare it
 * @param updatedAt  when this record was derived, epoch ms
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
        long updatedAt) {

    public static final String SOURCE_EVENT = "event";
    public static final String SOURCE_SNAPSHOT = "snapshot";

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
