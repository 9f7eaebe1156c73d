package io.supervisorkafka.streams.selfmetrics;

import io.supervisorkafka.schemas.ListenerMetrics;
import io.supervisorkafka.schemas.MetricPoint;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The listener's own counters as metric points (tag {@code server}, the record key when published), so that operators can alert on
 * spool drops, refusals and a shipping backlog: {@code supervisor_kafka.listener.*}. The counters count since the
 * listener started and are sent as they are, as gauges of the totals (an increase is the alert; {@code uptime}
 * going down tells a restart, which resets them).
 */
public final class ListenerMetricsEmitter {
    public static final String PREFIX = "supervisor_kafka.listener.";
    /** Prefix of the periodic sources' counters, e.g. {@code supervisor_kafka.listener.source.docker.failed}. */
    public static final String SOURCE_PREFIX = PREFIX + "source.";

    private static final Logger log = LoggerFactory.getLogger(ListenerMetricsEmitter.class);
    private static final Pattern SOURCE_COUNTER = Pattern.compile("[a-z0-9_]+(\\.[a-z0-9_]+)+");

    private ListenerMetricsEmitter() {
    }

    public static List<MetricPoint> points(ListenerMetrics metrics) {
        long at = metrics.observedAt();
        Map<String, String> tags = Map.of("server", metrics.server());
        List<MetricPoint> points = new ArrayList<>();
        Map<String, Double> totals = new LinkedHashMap<>();
        totals.put("uptime", Math.max(0, metrics.observedAt() - metrics.startedAt()) / 1000.0);
        totals.put("events.acknowledged", (double) metrics.eventsAcknowledged());
        totals.put("events.malformed", (double) metrics.eventsMalformed());
        totals.put("events.oversized", (double) metrics.eventsOversized());
        totals.put("records.shipped", (double) metrics.recordsShipped());
        totals.put("records.skipped", (double) metrics.recordsSkipped());
        ListenerMetrics.Spool spool = metrics.spool();
        if (spool != null) {
            totals.put("spool.bytes", (double) spool.bytes());
            totals.put("spool.max_bytes", (double) spool.maxBytes());
            totals.put("spool.unshipped", (double) spool.unshipped());
            totals.put("spool.dropped", (double) spool.droppedRecords());
            totals.put("spool.refused", (double) spool.refusedRecords());
        }
        totals.forEach((name, value) -> points.add(MetricPoint.gauge(PREFIX + name, value, at, tags)));
        new TreeMap<>(metrics.sources()).forEach((counter, value) -> {
            if (SOURCE_COUNTER.matcher(counter).matches()) {
                points.add(MetricPoint.gauge(SOURCE_PREFIX + counter, value, at, tags));
            } else {
                log.warn("listener of {}: source counter {} is not a metric name, not sent", metrics.server(),
                        counter);
            }
        });
        return points;
    }
}
