package io.supervisorkafka.schemas;

import java.util.Map;

/**
 * One metric point (topic {@link Topics#METRICS}, key server id), named as Datadog's checks name it.
 *
 * @param type gauge, count or rate
 */
public record MetricPoint(String name, String type, double value, long timestamp, Map<String, String> tags) {

    public static final String GAUGE = "gauge";
    public static final String COUNT = "count";
    public static final String RATE = "rate";

    public MetricPoint {
        tags = tags == null ? Map.of() : Map.copyOf(tags);
    }

    public static MetricPoint gauge(String name, double value, long timestamp, Map<String, String> tags) {
        return new MetricPoint(name, GAUGE, value, timestamp, tags);
    }
}
