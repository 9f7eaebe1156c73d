package io.supervisorkafka.schemas;

import java.util.Map;

/**
 * How many processes of a server are up, down and unknown (topic {@link Topics#PROCESS_COUNTS}, compacted, key
 * server id).
 *
 * @param up      processes whose check is OK
 * @param down    processes whose check is CRITICAL
 * @param unknown processes whose check is UNKNOWN
 * @param byState count per statename, every state present, zeros included
 */
public record ProcessCounts(String server, int up, int down, int unknown, int total, Map<String, Integer> byState,
                            long updatedAt) {

    public ProcessCounts {
        byState = byState == null ? Map.of() : Map.copyOf(byState);
    }

    /** The same counts, ignoring when they were derived. */
    public boolean sameCountsAs(ProcessCounts other) {
        return other != null && up == other.up && down == other.down && unknown == other.unknown
                && total == other.total && byState.equals(other.byState);
    }
}
