package io.supervisorkafka.listener;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;

/**
 * The periodic sources' counters, by name, for the listener's own metrics record
 * ({@link io.supervisorkafka.schemas.ListenerMetrics#sources()}): each source registers its counters when it starts
 * ({@code snapshots.ok}, {@code statsd.malformed}, {@code docker.failed}, ...) and they are read when the record is
 * published. Sources start and publish on different threads, so registering and reading may overlap.
 */
public final class SourceCounters {
    /** {@code source.counter}, as the record's JSON Schema requires. */
    private static final Pattern NAME = Pattern.compile("[a-z0-9_]+\\.[a-z0-9_.]+");

    private final Map<String, LongSupplier> counters = new ConcurrentSkipListMap<>();

    /** Adds (or replaces) the counter {@code name}, read by {@code counter} whenever the metrics are published. */
    public void register(String name, LongSupplier counter) {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("source counter name must be source.counter in lower case, not "
                    + name);
        }
        counters.put(name, Objects.requireNonNull(counter, "counter"));
    }

    /** Every counter's current value, by name. */
    public Map<String, Long> read() {
        Map<String, Long> values = new TreeMap<>();
        counters.forEach((name, counter) -> values.put(name, counter.getAsLong()));
        return values;
    }
}
