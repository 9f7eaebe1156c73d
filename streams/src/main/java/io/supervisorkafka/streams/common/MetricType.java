package io.supervisorkafka.streams.common;

import io.supervisorkafka.schemas.MetricPoint;

/** How a metric point's value reads, as {@link MetricPoint#type()} carries it on the wire. */
public enum MetricType {
    /** The value at the point's time. */
    GAUGE(MetricPoint.GAUGE),
    /** Occurrences per second over the interval ending at the point's time. */
    RATE(MetricPoint.RATE),
    /** Occurrences over the interval ending at the point's time. */
    COUNT(MetricPoint.COUNT);

    private final String wire;

    MetricType(String wire) {
        this.wire = wire;
    }

    /** The value of {@link MetricPoint#type()}: {@code gauge}, {@code rate} or {@code count}. */
    public String wire() {
        return wire;
    }
}
