package io.supervisorkafka.streams.prometheus;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.ThreadMetadata;
import org.apache.kafka.streams.TopologyDescription;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.errors.StreamsNotStartedException;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * The app's stores through interactive queries: {@code KafkaStreams#store} with stale stores disabled, so a query sees
 * only the stores of this instance's active tasks, and only while their stream threads run, that is once every task
 * they were assigned is restored. During a rebalance or a restore the query fails (and the endpoint reports the store
 * not ready) rather than serve part of it.
 */
public final class KafkaStreamsStores implements LocalStores {

    private final Supplier<KafkaStreams> streams;
    /** The sub-topologies whose tasks hold each store. */
    private final Map<String, Set<Integer>> subtopologiesOf = new HashMap<>();

    /** {@code streams}: the running app, or null before it is created. */
    public KafkaStreamsStores(Supplier<KafkaStreams> streams, TopologyDescription topology) {
        this.streams = streams;
        for (TopologyDescription.Subtopology subtopology : topology.subtopologies()) {
            for (TopologyDescription.Node node : subtopology.nodes()) {
                if (node instanceof TopologyDescription.Processor processor) {
                    processor.stores().forEach(store -> subtopologiesOf
                            .computeIfAbsent(store, name -> new HashSet<>()).add(subtopology.id()));
                }
            }
        }
    }

    @Override
    public <V> ReadOnlyKeyValueStore<String, V> keyValueStore(String name) {
        KafkaStreams current = streams.get();
        if (current == null) {
            throw new StreamsNotStartedException("Kafka Streams is not started yet");
        }
        try {
            return current.store(StoreQueryParameters.fromNameAndType(name, QueryableStoreTypes.keyValueStore()));
        } catch (IllegalStateException e) {
            // Stopping, stopped or failed: no store to serve, which is what the endpoint reports then.
            throw new InvalidStateStoreException(e.getMessage(), e);
        }
    }

    @Override
    public boolean hostsActiveTaskOf(String name) {
        KafkaStreams current = streams.get();
        Set<Integer> subtopologies = subtopologiesOf.getOrDefault(name, Set.of());
        if (current == null) {
            return true;
        }
        for (ThreadMetadata thread : current.metadataForLocalThreads()) {
            if (thread.activeTasks().stream()
                    .anyMatch(task -> subtopologies.contains(task.taskId().subtopology()))) {
                return true;
            }
        }
        return false;
    }
}
