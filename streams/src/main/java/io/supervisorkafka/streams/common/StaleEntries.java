package io.supervisorkafka.streams.common;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/** The values of a per-server store that a staleness punctuation must update, read before any is written. */
public final class StaleEntries {
    private StaleEntries() {
    }

    public static <V> List<V> of(KeyValueStore<String, V> store, Predicate<V> stale) {
        List<V> found = new ArrayList<>();
        try (KeyValueIterator<String, V> all = store.all()) {
            all.forEachRemaining(entry -> {
                if (entry.value != null && stale.test(entry.value)) {
                    found.add(entry.value);
                }
            });
        }
        return found;
    }
}
