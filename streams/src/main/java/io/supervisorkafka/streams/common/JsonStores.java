package io.supervisorkafka.streams.common;

import io.supervisorkafka.schemas.JsonSerde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/** The processors' state stores: persistent (RocksDB, changelogged), string keys, JSON values. */
public final class JsonStores {
    private JsonStores() {
    }

    public static <V> StoreBuilder<KeyValueStore<String, V>> persistent(String name, Class<V> type) {
        return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(name), Serdes.String(), JsonSerde.of(type));
    }
}
