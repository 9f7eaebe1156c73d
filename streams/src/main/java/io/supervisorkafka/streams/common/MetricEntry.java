package io.supervisorkafka.streams.common;

import io.supervisorkafka.schemas.MetricPoint;
import java.util.Map;

/** A metric of a source's catalog: implemented by the catalog's enum of metrics, which the processors use. */
public interface MetricEntry {

    MetricSpec spec();

    /** The metric's name (a family's name with its placeholders). */
    default String metricName() {
        return spec().name();
    }

    default boolean matches(String metricName) {
        return spec().matches(metricName);
    }

    /** A point of this single metric. */
    default MetricPoint point(double value, long timestamp, Map<String, String> tags) {
        return spec().point(value, timestamp, tags);
    }

    /** A point of the member of this family whose placeholder takes {@code member}, e.g. {@code running}. */
    default MetricPoint memberPoint(String member, double value, long timestamp, Map<String, String> tags) {
        return spec().point(spec().nameOf(member), value, timestamp, tags);
    }

    /** A point of the member {@code metricName} of this family, e.g. {@code gunicorn.request.status.404}. */
    default MetricPoint namedPoint(String metricName, double value, long timestamp, Map<String, String> tags) {
        return spec().point(metricName, value, timestamp, tags);
    }
}
