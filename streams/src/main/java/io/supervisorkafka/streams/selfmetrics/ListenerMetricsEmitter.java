package io.supervisorkafka.streams.selfmetrics;

import io.supervisorkafka.schemas.ListenerMetrics;
import io.supervisorkafka.schemas.MetricPoint;
import io.supervisorkafka.streams.common.MetricSpec;
import io.supervisorkafka.streams.common.TagSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The listener's own counters as the metric points of {@link ListenerSelfMetricsCatalog} (tag {@code server}, the
 * record key when published), so that operators can alert on spool drops, refusals and a shipping backlog. The
 * counters count since the listener started and are sent as they are, as gauges of the totals (an increase is the
 * alert; {@code uptime} going down tells a restart, which resets them).
 */
public final class ListenerMetricsEmitter {
    private static final Logger log = LoggerFactory.getLogger(ListenerMetricsEmitter.class);

    private ListenerMetricsEmitter() {
    }

    public static List<MetricPoint> points(ListenerMetrics metrics) {
        long at = metrics.observedAt();
        Map<String, String> tags = Map.of(TagSpec.SERVER.key(), metrics.server());
        Map<MetricSpec, Double> totals = new LinkedHashMap<>();
        totals.put(ListenerSelfMetricsCatalog.UPTIME, Math.max(0, metrics.observedAt() - metrics.startedAt()) / 1000.0);
        totals.put(ListenerSelfMetricsCatalog.EVENTS_ACKNOWLEDGED, (double) metrics.eventsAcknowledged());
        totals.put(ListenerSelfMetricsCatalog.EVENTS_MALFORMED, (double) metrics.eventsMalformed());
        totals.put(ListenerSelfMetricsCatalog.EVENTS_OVERSIZED, (double) metrics.eventsOversized());
        totals.put(ListenerSelfMetricsCatalog.RECORDS_SHIPPED, (double) metrics.recordsShipped());
        totals.put(ListenerSelfMetricsCatalog.RECORDS_SKIPPED, (double) metrics.recordsSkipped());
        ListenerMetrics.Spool spool = metrics.spool();
        if (spool != null) {
            totals.put(ListenerSelfMetricsCatalog.SPOOL_BYTES, (double) spool.bytes());
            totals.put(ListenerSelfMetricsCatalog.SPOOL_MAX_BYTES, (double) spool.maxBytes());
            totals.put(ListenerSelfMetricsCatalog.SPOOL_UNSHIPPED, (double) spool.unshipped());
            totals.put(ListenerSelfMetricsCatalog.SPOOL_DROPPED, (double) spool.droppedRecords());
            totals.put(ListenerSelfMetricsCatalog.SPOOL_REFUSED, (double) spool.refusedRecords());
        }
        if (metrics.eventsLost() != null) {
            totals.put(ListenerSelfMetricsCatalog.EVENTS_LOST, (double) metrics.eventsLost());
        }
        List<MetricPoint> points = new ArrayList<>();
        totals.forEach((metric, value) -> points.add(metric.point(value, at, tags)));
        new TreeMap<>(metrics.sources()).forEach((counter, value) -> {
            Optional<String> name = ListenerSelfMetricsCatalog.SOURCE_COUNTER.memberName(counter);
            if (name.isPresent()) {
                points.add(ListenerSelfMetricsCatalog.SOURCE_COUNTER.point(name.get(), value, at, tags));
            } else {
                log.warn("listener of {}: source counter {} is not a metric name, not sent", metrics.server(),
                        counter);
            }
        });
        return points;
    }
}
