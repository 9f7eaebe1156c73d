package io.supervisorkafka.streams.supervisor;

import io.supervisorkafka.schemas.CheckStatus;
import io.supervisorkafka.schemas.ProcessCounts;
import io.supervisorkafka.schemas.ProcessState;
import io.supervisorkafka.schemas.ProcessStatus;
import io.supervisorkafka.streams.common.JsonStores;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;

/**
 * After every status change, recounts the server's processes by a prefix scan of the {@value
 * ProcessStatusDeriver#STORE} store and forwards the {@link ProcessCounts} (key server id) when they differ from the
 * last counts forwarded, or a tombstone when the server has no process left. Recounting rather than adjusting by the
 * change keeps the counts right whatever the order of changes.
 */
public final class ProcessCountsDeriver implements Processor<String, ProcessStatusChange, String, ProcessCounts> {

    /** The last counts forwarded per server, to forward only differences. */
    public static final String STORE = "process-counts";

    private ProcessorContext<String, ProcessCounts> context;
    private KeyValueStore<String, ProcessStatus> statuses;
    private KeyValueStore<String, ProcessCounts> lastCounts;

    public static StoreBuilder<KeyValueStore<String, ProcessCounts>> storeBuilder() {
        return JsonStores.persistent(STORE, ProcessCounts.class);
    }

    @Override
    public void init(ProcessorContext<String, ProcessCounts> context) {
        this.context = context;
        this.statuses = context.getStateStore(ProcessStatusDeriver.STORE);
        this.lastCounts = context.getStateStore(STORE);
    }

    @Override
    public void process(Record<String, ProcessStatusChange> record) {
        String server = record.value().server();
        ProcessCounts counts;
        try (KeyValueIterator<String, ProcessStatus> processes =
                     statuses.prefixScan(ProcessStatus.serverPrefix(server), new StringSerializer())) {
            counts = countsOf(server, new ValueIterator(processes), context.currentSystemTimeMs());
        }
        ProcessCounts previous = lastCounts.get(server);
        if (counts.total() == 0) {
            if (previous != null) {
                lastCounts.delete(server);
                context.forward(record.withKey(server).withValue(null));
            }
        } else if (!counts.sameCountsAs(previous)) {
            lastCounts.put(server, counts);
            context.forward(record.withKey(server).withValue(counts));
        }
    }

    /** The counts of one server's processes: by check status, and by state with every state present. */
    static ProcessCounts countsOf(String server, Iterator<ProcessStatus> processes, long at) {
        return countsOf(server, processes, at, ProcessState::check);
    }

    /** As {@link #countsOf(String, Iterator, long)}, with the check status of each state given. */
    static ProcessCounts countsOf(String server, Iterator<ProcessStatus> processes, long at,
                                  Function<ProcessState, CheckStatus> checkOf) {
        Map<String, Integer> byState = new LinkedHashMap<>();
        for (ProcessState state : ProcessState.values()) {
            byState.put(state.name(), 0);
        }
        int up = 0;
        int down = 0;
        int unknown = 0;
        while (processes.hasNext()) {
            ProcessStatus status = processes.next();
            if (status == null) {
                continue;
            }
            ProcessState state = status.processState();
            byState.merge(state.name(), 1, Integer::sum);
            switch (checkOf.apply(state)) {
                case OK -> up++;
                case CRITICAL, WARNING -> down++;
                case UNKNOWN -> unknown++;
            }
        }
        return new ProcessCounts(server, up, down, unknown, up + down + unknown, byState, at);
    }

    private record ValueIterator(KeyValueIterator<String, ProcessStatus> entries) implements Iterator<ProcessStatus> {
        @Override
        public boolean hasNext() {
            return entries.hasNext();
        }

        @Override
        public ProcessStatus next() {
            return entries.next().value;
        }
    }
}
