package io.supervisorkafka.schemas;

import java.util.List;
import java.util.Map;

/**
 * What one app sent the listener's StatsD receiver during one flush interval, aggregated as a StatsD server does
 * (topic {@link Topics#STATSD}, key server id).
 *
 * @param server    the server id
 * @param app       the app: the metric prefix before {@code gunicorn.} ({@code demo.gunicorn.requests} is app
 *                  {@code demo}); {@code gunicorn} when there is no prefix; {@code statsd} for other names
 * @param start     start of the interval, epoch ms
 * @param end       end of the interval, epoch ms
 * @param metrics   the metrics, names without the app prefix
 * @param malformed lines the receiver dropped during the interval (all apps), on the first record of a flush only
 */
public record StatsdMetrics(String server, String app, long start, long end, List<Metric> metrics, Long malformed) {

    public StatsdMetrics {
        metrics = metrics == null ? List.of() : List.copyOf(metrics);
    }

    /**
     * One aggregated metric.
     *
     * @param name   e.g. {@code gunicorn.requests}
     * @param type   {@link #COUNTER} (value = sum of value/sample rate), {@link #GAUGE} (value = last),
     *               {@link #TIMER} ({@code |ms} and {@code |h}: count, sum, min, max and a DDSketch)
     * @param tags   DogStatsD tags ({@code |#k:v,flag}: a flag has an empty value), when there were any
     * @param value  counter and gauge value
     * @param count  timer: number of samples (sample rates applied)
     * @param sum    timer: sum of the samples
     * @param min    timer: smallest sample
     * @param max    timer: largest sample
     * @param sketch timer: base64 of the DDSketch's binary encoding ({@link Sketches}), mergeable
     */
    public record Metric(String name, String type, Map<String, String> tags, Double value, Double count, Double sum,
                         Double min, Double max, String sketch) {
        public Metric {
            tags = tags == null || tags.isEmpty() ? null : Map.copyOf(tags);
        }
    }

    public static final String COUNTER = "counter";
    public static final String GAUGE = "gauge";
    public static final String TIMER = "timer";
}
