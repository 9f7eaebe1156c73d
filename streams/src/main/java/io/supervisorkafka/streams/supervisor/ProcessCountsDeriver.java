package io.supervisorkafka.streams.supervisor;

import io.supervisorkafka.schemas.CheckStatus;
import io.supervisorkafka.schemas.ProcessCounts;
import io.supervisorkafka.schemas.ProcessState;
import io.supervisorkafka.schemas.ProcessStatus;
import io.supervisorkafka.streams.common.JsonStores;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;

/**
 * Keeps every server's {@link ProcessCounts} in the {@value #STORE} store, moved by each status change from the
 * state before to the state after, and forwards them (key server id) once per input, after its last change, when
 * they differ from what the input found; a tombstone when the server has no process left.
 *
 * <p>Why adjust rather than recount: a recount scans (and deserializes) all of a server's processes at every change,
 * so a snapshot of a new host with P processes cost P² reads; the changes arrive in the order the status store took
 * them, each with the status it replaced, so the tally stays equal to a recount. Why once per input: a new host's
 * snapshot changes all its processes at once, and readers want the counts it ends with, not P intermediate ones.
 */
public final class ProcessCountsDeriver implements Processor<String, ProcessStatusChange, String, ProcessCounts> {

    /** The counts per server, as last forwarded once an input's changes are all applied. */
    public static final String STORE = "process-counts";

    private ProcessorContext<String, ProcessCounts> context;
    private KeyValueStore<String, ProcessCounts> counts;
    /**
     * Per server the current input changed so far: the counts before its first change, and the tally since. Both live
     * only while one input's changes are forwarded (in one call of the status deriver), and the store is written once
     * per server and input.
     */
    private final Map<String, ProcessCounts> beforeInput = new HashMap<>();
    private final Map<String, ProcessCounts> tallies = new HashMap<>();

    public static StoreBuilder<KeyValueStore<String, ProcessCounts>> storeBuilder() {
        return JsonStores.persistent(STORE, ProcessCounts.class);
    }

    @Override
    public void init(ProcessorContext<String, ProcessCounts> context) {
        this.context = context;
        this.counts = context.getStateStore(STORE);
    }

    @Override
    public void process(Record<String, ProcessStatusChange> record) {
        ProcessStatusChange change = record.value();
        String server = change.server();
        ProcessState before = change.before() == null ? null : change.before().processState();
        ProcessState after = change.after() == null ? null : change.after().processState();
        if (before != after) {
            ProcessCounts current = tallies.containsKey(server) ? tallies.get(server) : counts.get(server);
            if (!beforeInput.containsKey(server)) {
                beforeInput.put(server, current); // null for a server new to the store
            }
            tallies.put(server, moved(server, current, before, after, context.currentSystemTimeMs()));
        }
        if (change.lastOfInput()) {
            tallies.forEach((changed, now) -> store(record, changed, beforeInput.get(changed), now));
            tallies.clear();
            beforeInput.clear();
        }
    }

    private void store(Record<String, ProcessStatusChange> record, String server, ProcessCounts before,
                       ProcessCounts now) {
        if (now.total() == 0) {
            if (before != null) {
                counts.delete(server);
                context.forward(record.withKey(server).withValue(null));
            }
        } else if (!now.sameCountsAs(before)) {
            counts.put(server, now);
            context.forward(record.withKey(server).withValue(now));
        }
    }

    /** {@code counts} with one process moved from state {@code from} to {@code to}; null means none. */
    static ProcessCounts moved(String server, ProcessCounts counts, ProcessState from, ProcessState to, long at) {
        Map<String, Integer> byState = zeroByState();
        int[] byCheck = new int[3];
        if (counts != null) {
            byState.putAll(counts.byState());
            byCheck = new int[] {counts.up(), counts.down(), counts.unknown()};
        }
        if (from != null) {
            byState.merge(from.name(), -1, Integer::sum);
            byCheck[checkIndex(from.check())]--;
        }
        if (to != null) {
            byState.merge(to.name(), 1, Integer::sum);
            byCheck[checkIndex(to.check())]++;
        }
        return counts(server, byCheck, byState, at);
    }

    /** Counts from the processes by check status (up, down, unknown) and by state. */
    private static ProcessCounts counts(String server, int[] byCheck, Map<String, Integer> byState, long at) {
        return new ProcessCounts(server, byCheck[0], byCheck[1], byCheck[2], byCheck[0] + byCheck[1] + byCheck[2],
                byState, at);
    }

    private static int checkIndex(CheckStatus check) {
        return switch (check) {
            case OK -> 0;
            case CRITICAL, WARNING -> 1;
            case UNKNOWN -> 2;
        };
    }

    private static Map<String, Integer> zeroByState() {
        Map<String, Integer> byState = new LinkedHashMap<>();
        for (ProcessState state : ProcessState.values()) {
            byState.put(state.name(), 0);
        }
        return byState;
    }

    /** The counts of one server's processes: by check status as {@code checkOf} maps states, and by state. */
    static ProcessCounts countsOf(String server, Iterator<ProcessStatus> processes, long at,
                                  Function<ProcessState, CheckStatus> checkOf) {
        Map<String, Integer> byState = zeroByState();
        int[] byCheck = new int[3];
        while (processes.hasNext()) {
            ProcessStatus status = processes.next();
            if (status == null) {
                continue;
            }
            ProcessState state = status.processState();
            byState.merge(state.name(), 1, Integer::sum);
            byCheck[checkIndex(checkOf.apply(state))]++;
        }
        return counts(server, byCheck, byState, at);
    }
}
