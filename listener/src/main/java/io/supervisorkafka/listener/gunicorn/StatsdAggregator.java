package io.supervisorkafka.listener.gunicorn;

import com.datadoghq.sketch.ddsketch.DDSketch;
import io.supervisorkafka.schemas.Sketches;
import io.supervisorkafka.schemas.StatsdMetrics;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Aggregates parsed StatsD lines over one flush interval as a StatsD server does: counters summed (value / sample
 * rate), gauges last value (deltas applied), timers and histograms as count, sum, min, max and a DDSketch. Keyed by
 * app, name, type and tags. {@link #flush} hands out the interval's records and starts the next interval. A
 * counter seen before and silent in an interval is sent as 0, as StatsD does by default: the request rate of an idle
 * app is 0 rather than missing, and the fleet roll-up's windows keep closing.
 * Thread-safe: the receiver adds, the flush thread flushes.
 */
public final class StatsdAggregator implements StatsdParser.Sink {
    private static final String GUNICORN = "gunicorn.";

    private record Key(String app, String name, String type, Map<String, String> tags) {
    }

    private static final class Value {
        double value;
        double count;
        double sum;
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        DDSketch sketch;
    }

    private Map<Key, Value> current = new HashMap<>();
    private final Map<Key, Double> lastGauges = new HashMap<>();
    private final Map<String, Key[]> splitCache = new HashMap<>();
    /** Counters seen so far, sent as 0 when silent; bounded. */
    private final java.util.Set<Key> knownCounters = new java.util.HashSet<>();
    static final int MAX_KNOWN_COUNTERS = 10_000;
    private long malformed;
    private long intervalStart;

    public StatsdAggregator(long start) {
        this.intervalStart = start;
    }

    /** The app of a metric name: the prefix before {@code gunicorn.}; {@code gunicorn} without prefix. */
    static String[] split(String name) {
        int at = name.startsWith(GUNICORN) ? 0 : name.indexOf("." + GUNICORN) + 1;
        if (at == 0 && !name.startsWith(GUNICORN)) {
            return new String[] {"statsd", name};
        }
        return new String[] {at == 0 ? "gunicorn" : name.substring(0, at - 1), name.substring(at)};
    }

    @Override
    public synchronized void accept(String name, double value, StatsdParser.Type type, double rate,
                                    Map<String, String> tags) {
        String kind = switch (type) {
            case COUNTER -> StatsdMetrics.COUNTER;
            case TIMER -> StatsdMetrics.TIMER;
            case GAUGE, GAUGE_DELTA -> StatsdMetrics.GAUGE;
        };
        Key key;
        if (tags.isEmpty()) {
            Key[] byType = splitCache.computeIfAbsent(name, n -> new Key[3]);
            int slot = type == StatsdParser.Type.COUNTER ? 0 : type == StatsdParser.Type.TIMER ? 1 : 2;
            key = byType[slot];
            if (key == null) {
                String[] split = split(name);
                key = byType[slot] = new Key(split[0], split[1], kind, Map.of());
            }
            if (splitCache.size() > 100_000) {
                splitCache.clear(); // bounded against a flood of distinct names
            }
        } else {
            String[] split = split(name);
            key = new Key(split[0], split[1], kind, tags);
        }
        Value aggregate = current.get(key);
        if (aggregate == null) {
            aggregate = new Value();
            current.put(key, aggregate);
            if (type == StatsdParser.Type.COUNTER && knownCounters.size() < MAX_KNOWN_COUNTERS) {
                knownCounters.add(key);
            }
        }
        switch (type) {
            case COUNTER -> aggregate.value += value / rate;
            case GAUGE -> {
                aggregate.value = value;
                lastGauges.put(key, value);
            }
            case GAUGE_DELTA -> {
                aggregate.value = lastGauges.getOrDefault(key, 0.0) + value;
                lastGauges.put(key, aggregate.value);
            }
            case TIMER -> {
                double weight = 1.0 / rate;
                if (aggregate.sketch == null) {
                    aggregate.sketch = Sketches.create();
                }
                aggregate.sketch.accept(value, weight);
                aggregate.count += weight;
                aggregate.sum += value * weight;
                aggregate.min = Math.min(aggregate.min, value);
                aggregate.max = Math.max(aggregate.max, value);
            }
        }
    }

    /** Counts lines the parser refused. */
    public synchronized void malformed(int lines) {
        malformed += lines;
    }

    /**
     * The interval's records, one per app (apps in name order; the first carries the malformed count). An interval
     * without any metric has no record to carry its malformed lines: they stay for the next interval's first record.
     */
    public List<StatsdMetrics> flush(String server, long end) {
        Map<Key, Value> interval;
        long start;
        long bad;
        synchronized (this) {
            interval = current;
            current = new HashMap<>();
            for (Key counter : knownCounters) {
                interval.putIfAbsent(counter, new Value());
            }
            start = intervalStart;
            intervalStart = end;
            bad = interval.isEmpty() ? 0 : malformed;
            malformed -= bad;
        }
        Map<String, List<StatsdMetrics.Metric>> byApp = new TreeMap<>();
        interval.forEach((key, value) -> byApp.computeIfAbsent(key.app(), a -> new ArrayList<>()).add(
                StatsdMetrics.TIMER.equals(key.type())
                        ? new StatsdMetrics.Metric(key.name(), key.type(), key.tags(), null, value.count, value.sum,
                        value.min, value.max, Sketches.encode(value.sketch))
                        : new StatsdMetrics.Metric(key.name(), key.type(), key.tags(), value.value, null, null, null,
                        null, null)));
        List<StatsdMetrics> records = new ArrayList<>();
        for (Map.Entry<String, List<StatsdMetrics.Metric>> app : byApp.entrySet()) {
            List<StatsdMetrics.Metric> metrics = app.getValue();
            metrics.sort(java.util.Comparator.comparing(StatsdMetrics.Metric::name));
            records.add(new StatsdMetrics(server, app.getKey(), start, end, metrics, records.isEmpty() ? bad : null));
        }
        return records;
    }
}
