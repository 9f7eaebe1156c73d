package io.supervisorkafka.streams;

import io.supervisorkafka.schemas.JsonSerde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/** The processors' state stores: persistent (RocksDB, changelogged), string keys, JSON values. */
final class JsonStores {
    private JsonStores() {
    }

    static <V> StoreBuilder<KeyValueStore<String, V>> persistent(String name, Class<V> type) {
        return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(name), Serdes.String(), JsonSerde.of(type));
    }
}
