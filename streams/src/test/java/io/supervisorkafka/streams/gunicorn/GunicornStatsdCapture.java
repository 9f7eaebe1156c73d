package io.supervisorkafka.streams.gunicorn;

import com.datadoghq.sketch.ddsketch.DDSketch;
import io.supervisorkafka.schemas.Sketches;
import io.supervisorkafka.schemas.StatsdMetrics;
import io.supervisorkafka.streams.ReferenceCaptures;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The StatsD lines captured from gunicorn 20.1 ({@link ReferenceCaptures}; started with
 * {@code --statsd-prefix demo}), turned into what the listener publishes: one app's interval, as
 * its StatsD aggregator sums counters, keeps a gauge's last value and summarises timers with a DDSketch; and the
 * silent intervals after it, where StatsD sends each counter seen before as 0. The listener's parser and aggregator
 * are out of reach of this module; this reads only the line forms of the capture ({@code name:value|type[|@rate]}).
 */
public final class GunicornStatsdCapture {
    public static final String RESOURCE = "/reference/gunicorn/gunicorn-20.1-statsd.txt";
    public static final String APP = "demo";

    private GunicornStatsdCapture() {
    }

    private static final class Timer {
        double count;
        double sum;
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        final DDSketch sketch = Sketches.create();
    }

    /** The capture's lines as the interval {@code [start, end)} of {@code server}. */
    public static StatsdMetrics interval(String server, long start, long end) {
        Map<String, Double> counters = new TreeMap<>();
        Map<String, Double> gauges = new TreeMap<>();
        Map<String, Timer> timers = new TreeMap<>();
        for (String line : ReferenceCaptures.read(RESOURCE).split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            String[] fields = line.split("\\|");
            int colon = fields[0].lastIndexOf(':');
            String name = fields[0].substring(0, colon).substring(APP.length() + 1);
            double value = Double.parseDouble(fields[0].substring(colon + 1));
            double rate = fields.length > 2 && fields[2].startsWith("@") ? Double.parseDouble(fields[2].substring(1))
                    : 1.0;
            switch (fields[1]) {
                case "c" -> counters.merge(name, value / rate, Double::sum);
                case "g" -> gauges.put(name, value);
                case "ms", "h" -> {
                    Timer timer = timers.computeIfAbsent(name, n -> new Timer());
                    timer.count += 1 / rate;
                    timer.sum += value / rate;
                    timer.min = Math.min(timer.min, value);
                    timer.max = Math.max(timer.max, value);
                    timer.sketch.accept(value, 1 / rate);
                }
                default -> throw new IllegalStateException("a line form the capture did not have: " + line);
            }
        }
        List<StatsdMetrics.Metric> metrics = new ArrayList<>();
        counters.forEach((name, value) -> metrics.add(counter(name, value)));
        gauges.forEach((name, value) -> metrics.add(new StatsdMetrics.Metric(name, StatsdMetrics.GAUGE, null, value,
                null, null, null, null, null)));
        timers.forEach((name, timer) -> metrics.add(new StatsdMetrics.Metric(name, StatsdMetrics.TIMER, null, null,
                timer.count, timer.sum, timer.min, timer.max, Sketches.encode(timer.sketch))));
        metrics.sort(java.util.Comparator.comparing(StatsdMetrics.Metric::name));
        return new StatsdMetrics(server, APP, start, end, metrics, 0L);
    }

    /** An interval after the capture's, without a line: each counter the capture had is sent as 0. */
    public static StatsdMetrics silentInterval(String server, long start, long end) {
        List<StatsdMetrics.Metric> metrics = interval(server, start, end).metrics().stream()
                .filter(metric -> StatsdMetrics.COUNTER.equals(metric.type()))
                .map(metric -> counter(metric.name(), 0.0)).toList();
        return new StatsdMetrics(server, APP, start, end, metrics, 0L);
    }

    private static StatsdMetrics.Metric counter(String name, double value) {
        return new StatsdMetrics.Metric(name, StatsdMetrics.COUNTER, null, value, null, null, null, null, null);
    }
}
