package io.supervisorkafka.streams.gunicorn;

import com.datadoghq.sketch.ddsketch.DDSketch;
import io.supervisorkafka.schemas.GunicornSnapshot;
import io.supervisorkafka.schemas.MetricPoint;
import io.supervisorkafka.schemas.Sketches;
import io.supervisorkafka.schemas.StatsdMetrics;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The gunicorn metric points, named as the StackState and Datadog gunicorn checks name them: workers by state from
 * the process table, and from gunicorn's own StatsD metrics the request rate, the duration summary and the rates by
 * status code and log level. Pure functions, shared by the per-server and the fleet-wide derivations.
 */
public final class GunicornMetrics {
    public static final String WORKERS = "gunicorn.workers";
    public static final String REQUESTS = "gunicorn.requests";
    public static final String DURATION = "gunicorn.request.duration";
    /** The server tag of fleet-wide points. */
    public static final String FLEET = "*";

    private static final Pattern RATE_COUNTERS = Pattern.compile(
            "gunicorn\\.(requests|request\\.status\\.[0-9]{3}|log\\.(critical|error|warning|exception))");

    private GunicornMetrics() {
    }

    /** {@code gunicorn.workers} tagged {@code state:idle} and {@code state:working}, zeros included. */
    public static List<MetricPoint> workers(GunicornSnapshot.App app, Map<String, String> tags, long at) {
        Map<String, String> idle = new LinkedHashMap<>(tags);
        idle.put("state", GunicornSnapshot.IDLE);
        Map<String, String> working = new LinkedHashMap<>(tags);
        working.put("state", GunicornSnapshot.WORKING);
        return List.of(MetricPoint.gauge(WORKERS, app.idle(), at, idle),
                MetricPoint.gauge(WORKERS, app.working(), at, working));
    }

    /** The tags of an app: server, app, and its supervisord program when known. */
    public static Map<String, String> tags(String server, String app, String group, String program) {
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put("server", server);
        tags.put("app", app);
        if (group != null) {
            tags.put("supervisord_group", group);
        }
        if (program != null) {
            tags.put("supervisord_process", program);
        }
        return tags;
    }

    /** Whether a counter becomes a {@code rate} point. */
    public static boolean isRateCounter(String name) {
        return RATE_COUNTERS.matcher(name).matches();
    }

    /** A counter summed over {@code seconds}: a rate per second. */
    public static MetricPoint rate(String name, double total, double seconds, long at, Map<String, String> tags) {
        return new MetricPoint(name, MetricPoint.RATE, total / seconds, at, tags);
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
        points.add(MetricPoint.gauge(DURATION + ".avg", sum / count, at, tags));
        points.add(MetricPoint.gauge(DURATION + ".median", sketch.getValueAtQuantile(0.5), at, tags));
        points.add(MetricPoint.gauge(DURATION + ".max", max, at, tags));
        points.add(MetricPoint.gauge(DURATION + ".95percentile", sketch.getValueAtQuantile(0.95), at, tags));
        points.add(new MetricPoint(DURATION + ".count", MetricPoint.RATE, count / seconds, at, tags));
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
            } else if (StatsdMetrics.TIMER.equals(metric.type()) && DURATION.equals(metric.name())) {
                points.addAll(duration(metric.count(), metric.sum(), metric.max(), Sketches.decode(metric.sketch()),
                        seconds, record.end(), tags));
            }
        }
        return points;
    }
}
