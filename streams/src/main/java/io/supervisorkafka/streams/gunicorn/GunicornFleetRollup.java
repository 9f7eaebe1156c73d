package io.supervisorkafka.streams.gunicorn;

import com.datadoghq.sketch.ddsketch.DDSketch;
import io.supervisorkafka.schemas.MetricPoint;
import io.supervisorkafka.schemas.Sketches;
import io.supervisorkafka.schemas.StatsdMetrics;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * One app's StatsD metrics over one fleet window, across every server (key app, repartitioned): counters summed,
 * duration sketches merged (exact quantile merge, not averaged percentiles), count and sum added, max kept.
 */
public record GunicornFleetRollup(List<String> servers, Map<String, Double> counters, double count, double sum,
                          double max, String sketch) {

    public GunicornFleetRollup {
        servers = servers == null ? List.of() : List.copyOf(servers);
        counters = counters == null ? Map.of() : Map.copyOf(counters);
    }

    public static GunicornFleetRollup empty() {
        return new GunicornFleetRollup(List.of(), Map.of(), 0, 0, 0, null);
    }

    /** This roll-up with one server's interval added. */
    public GunicornFleetRollup add(StatsdMetrics record) {
        TreeSet<String> allServers = new TreeSet<>(servers);
        allServers.add(record.server());
        Map<String, Double> sums = new TreeMap<>(counters);
        double newCount = count;
        double newSum = sum;
        double newMax = max;
        DDSketch merged = sketch == null ? null : Sketches.decode(sketch);
        for (StatsdMetrics.Metric metric : record.metrics()) {
            if (StatsdMetrics.COUNTER.equals(metric.type()) && GunicornMetrics.isRateCounter(metric.name())) {
                sums.merge(metric.name(), metric.value(), Double::sum);
            } else if (StatsdMetrics.TIMER.equals(metric.type())
                    && GunicornMetrics.DURATION_TIMER.equals(metric.name())) {
                DDSketch one = Sketches.decode(metric.sketch());
                if (merged == null) {
                    merged = one;
                } else {
                    merged.mergeWith(one);
                }
                newCount += metric.count();
                newSum += metric.sum();
                newMax = newCount == metric.count() ? metric.max() : Math.max(newMax, metric.max());
            }
        }
        return new GunicornFleetRollup(List.copyOf(allServers), sums, newCount, newSum, newMax,
                merged == null ? null : Sketches.encode(merged));
    }

    /** The fleet-wide points of the window: tags {@code server:*}, {@code app}, {@code servers} (how many). */
    public List<MetricPoint> points(String app, long windowMillis, long at) {
        Map<String, String> tags = Map.of(GunicornCatalog.SERVER.key(), GunicornMetrics.FLEET,
                GunicornCatalog.APP.key(), app, GunicornCatalog.SERVERS.key(), Integer.toString(servers.size()));
        double seconds = windowMillis / 1000.0;
        List<MetricPoint> points = new ArrayList<>();
        counters.forEach((name, total) -> points.add(GunicornMetrics.rate(name, total, seconds, at, tags)));
        if (sketch != null) {
            points.addAll(GunicornMetrics.duration(count, sum, max, Sketches.decode(sketch), seconds, at, tags));
        }
        return points;
    }
}
