package io.supervisorkafka.streams.gunicorn;

import com.datadoghq.sketch.ddsketch.DDSketch;
import io.supervisorkafka.schemas.GunicornSnapshot;
import io.supervisorkafka.schemas.MetricPoint;
import io.supervisorkafka.schemas.Sketches;
import io.supervisorkafka.schemas.StatsdMetrics;
import io.supervisorkafka.streams.common.MetricSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The gunicorn metric points of {@link GunicornCatalog}: workers by state from the process table, and from gunicorn's
 * own StatsD metrics the request rate, the duration summary and the rates by status code and log level. Pure
 * functions, shared by the per-server and the fleet-wide derivations.
 */
public final class GunicornMetrics {
    /** The StatsD timer gunicorn sends for each request, summarised into the {@code gunicorn.request.duration.*}. */
    public static final String DURATION_TIMER = "gunicorn.request.duration";
    /** The server tag of fleet-wide points. */
    public static final String FLEET = "*";

    private GunicornMetrics() {
    }

    /** {@code gunicorn.workers} tagged {@code state:idle} and {@code state:working}, zeros included. */
    public static List<MetricPoint> workers(GunicornSnapshot.App app, Map<String, String> tags, long at) {
        Map<String, String> idle = new LinkedHashMap<>(tags);
        idle.put(GunicornCatalog.STATE.key(), GunicornSnapshot.IDLE);
        Map<String, String> working = new LinkedHashMap<>(tags);
        working.put(GunicornCatalog.STATE.key(), GunicornSnapshot.WORKING);
        return List.of(GunicornCatalog.WORKERS.point(app.idle(), at, idle),
                GunicornCatalog.WORKERS.point(app.working(), at, working));
    }

    /** The tags of an app: server, app, and its supervisord program when known. */
    public static Map<String, String> tags(String server, String app, String group, String program) {
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put(GunicornCatalog.SERVER.key(), server);
        tags.put(GunicornCatalog.APP.key(), app);
        if (group != null) {
            tags.put(GunicornCatalog.SUPERVISORD_GROUP.key(), group);
        }
        if (program != null) {
            tags.put(GunicornCatalog.SUPERVISORD_PROCESS.key(), program);
        }
        return tags;
    }

    /** Whether a counter becomes a {@code rate} point. */
    public static boolean isRateCounter(String name) {
        return GunicornCatalog.rateOfCounter(name).isPresent();
    }

    /** A counter summed over {@code seconds}: a rate per second, under the counter's name. */
    public static MetricPoint rate(String counter, double total, double seconds, long at, Map<String, String> tags) {
        MetricSpec rate = GunicornCatalog.rateOfCounter(counter)
                .orElseThrow(() -> new IllegalArgumentException(counter + " is no gunicorn rate"));
        return rate.point(counter, total / seconds, at, tags);
    }

    /**
     * The request duration summary: {@code .avg}, {@code .median}, {@code .max}, {@code .95percentile} (ms) and
     * {@code .count} (a rate per second, as DogStatsD reports a histogram's count).
     */
    public static List<MetricPoint> duration(double count, double sum, double max, DDSketch sketch, double seconds,
                                             long at, Map<String, String> tags) {
        List<MetricPoint> points = new ArrayList<>();
        if (count <= 0) {
            return points;
        }
        points.add(GunicornCatalog.REQUEST_DURATION_AVG.point(sum / count, at, tags));
        points.add(GunicornCatalog.REQUEST_DURATION_MEDIAN.point(sketch.getValueAtQuantile(0.5), at, tags));
        points.add(GunicornCatalog.REQUEST_DURATION_MAX.point(max, at, tags));
        points.add(GunicornCatalog.REQUEST_DURATION_95PERCENTILE.point(sketch.getValueAtQuantile(0.95), at, tags));
        points.add(GunicornCatalog.REQUEST_DURATION_COUNT.point(count / seconds, at, tags));
        return points;
    }

    /** The points of one app's StatsD interval on one server. */
    public static List<MetricPoint> fromStatsd(StatsdMetrics record, Map<String, String> appTags) {
        double seconds = Math.max(record.end() - record.start(), 1) / 1000.0;
        List<MetricPoint> points = new ArrayList<>();
        for (StatsdMetrics.Metric metric : record.metrics()) {
            Map<String, String> tags = new LinkedHashMap<>();
            if (metric.tags() != null) {
                metric.tags().forEach((key, value) -> {
                    if (!key.isEmpty()) {
                        tags.put(key, value);
                    }
                });
            }
            tags.putAll(appTags);
            if (StatsdMetrics.COUNTER.equals(metric.type()) && isRateCounter(metric.name())) {
                points.add(rate(metric.name(), metric.value(), seconds, record.end(), tags));
            } else if (StatsdMetrics.TIMER.equals(metric.type()) && DURATION_TIMER.equals(metric.name())) {
                points.addAll(duration(metric.count(), metric.sum(), metric.max(), Sketches.decode(metric.sketch()),
                        seconds, record.end(), tags));
            }
        }
        return points;
    }
}
