package io.supervisorkafka.testkit;

import io.supervisorkafka.schemas.CheckStatus;
import io.supervisorkafka.schemas.ProcessCounts;
import io.supervisorkafka.schemas.ProcessState;
import io.supervisorkafka.schemas.ProcessStatus;
import io.supervisorkafka.schemas.ServiceCheck;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the Streams app derived from a simulated fleet, put in the shapes of the simulator's truth
 * ({@code FleetSimulator.truth()} and {@code countsByState()}), and the alerting feed read as chains: the comparisons a
 * test of the topology alone and a test of the running app under faults make alike.
 */
public final class FleetComparison {
    private FleetComparison() {
    }

    /** The derived state of every process from the latest status of each, by the process-status key. */
    public static Map<String, ProcessState> states(Map<String, ProcessStatus> latestStatusByKey) {
        Map<String, ProcessState> states = new TreeMap<>();
        latestStatusByKey.forEach((key, status) -> states.put(key, ProcessState.ofName(status.state())));
        return states;
    }

    /** Each server's latest counts by state, the states counted 0 left out (the simulator has no entry for them). */
    public static Map<String, Map<String, Integer>> nonZeroCounts(Map<String, ProcessCounts> latestCountsByServer) {
        Map<String, Map<String, Integer>> counts = new TreeMap<>();
        latestCountsByServer.forEach((server, serverCounts) -> {
            Map<String, Integer> nonZero = new TreeMap<>();
            serverCounts.byState().forEach((state, n) -> {
                if (n != 0) {
                    nonZero.put(state, n);
                }
            });
            counts.put(server, nonZero);
        });
        return counts;
    }

    /**
     * The alerting feed read record by record, in each key's order: every check's records must form one chain, the
     * first saying it has no previous status and each later one that its previous status is the one of the record
     * before it. A lost record shows as a break, and so does a repeated one (its previous is not the status of the copy
     * before it).
     */
    public static final class CheckChains {
        private final Map<String, CheckStatus> last = new HashMap<>();
        private final List<String> breaks = new ArrayList<>();
        private int links;

        /** The next record of {@code key}'s feed. */
        public void add(String key, ServiceCheck check) {
            boolean first = !last.containsKey(key);
            CheckStatus before = last.put(key, check.status());
            if (first) {
                if (check.previous() != null) {
                    breaks.add(key + ": the first record says its previous status was " + check.previous()
                            + " (" + check.message() + ")");
                }
                return;
            }
            links++;
            if (check.previous() != before) {
                breaks.add(key + ": a record after " + before + " says its previous status was " + check.previous()
                        + " (" + check.message() + ")");
            }
        }

        /** Where a chain breaks, one line each; empty when every feed is one chain. */
        public List<String> breaks() {
            return List.copyOf(breaks);
        }

        /** How many records followed another of their check: the transitions the chains hold. */
        public int links() {
            return links;
        }

        /** How many checks have records. */
        public int checks() {
            return last.size();
        }
    }
}
