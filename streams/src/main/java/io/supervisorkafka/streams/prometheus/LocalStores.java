package io.supervisorkafka.streams.prometheus;

import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * The state stores the endpoint reads, as this instance holds them: through Kafka Streams' interactive queries in the
 * app ({@link KafkaStreamsStores}), or a {@code TopologyTestDriver}'s stores in tests and the benchmark.
 */
public interface LocalStores {

    /**
     * The store's entries in this instance's active, running tasks (never a standby's or a restoring task's).
     *
     * @throws InvalidStateStoreException when it cannot be queried now: the app is not running yet, is rebalancing,
     *                                    or holds no task of the store
     */
    <V> ReadOnlyKeyValueStore<String, V> keyValueStore(String name);

    /**
     * Whether this instance is assigned an active task that holds the store: when it is not, a store that cannot be
     * queried has nothing to wait for. True when unknown.
     */
    default boolean hostsActiveTaskOf(String name) {
        return true;
    }
}
