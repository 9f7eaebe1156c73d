package io.supervisorkafka.streams.prometheus;

import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/** A {@link TopologyTestDriver}'s stores as the endpoint reads the app's: the tests' and the benchmark's. */
public final class DriverStores implements LocalStores {
    private final TopologyTestDriver driver;

    public DriverStores(TopologyTestDriver driver) {
        this.driver = driver;
    }

    @Override
    public <V> ReadOnlyKeyValueStore<String, V> keyValueStore(String name) {
        KeyValueStore<String, V> store = driver.getKeyValueStore(name);
        if (store == null) {
            throw new InvalidStateStoreException("no key-value store " + name + " in the topology");
        }
        return store;
    }
}
