package io.supervisorkafka.streams.selfmetrics;

import io.supervisorkafka.streams.common.Catalog;
import io.supervisorkafka.streams.common.CheckEntry;
import io.supervisorkafka.streams.common.MetricEntry;
import io.supervisorkafka.streams.common.MetricSpec;
import io.supervisorkafka.streams.common.TagSpec;

/**
 * The listener's own counters as metric points. They count since the listener started and are sent as they are, as
 * gauges of the totals: an increase is what to alert on, and {@code uptime} going down tells a restart, which
 * resets them.
 */
public final class ListenerSelfMetricsCatalog {

    private ListenerSelfMetricsCatalog() {
    }

    public enum Metric implements MetricEntry {
        UPTIME(total("supervisor_kafka.listener.uptime", "s", "Time since the listener started.")),
        EVENTS_ACKNOWLEDGED(total("supervisor_kafka.listener.events.acknowledged", "events",
                "Events stored in the spool and acknowledged to supervisord.")),
        EVENTS_MALFORMED(total("supervisor_kafka.listener.events.malformed", "events",
                "Events acknowledged but not published: malformed.")),
        EVENTS_OVERSIZED(total("supervisor_kafka.listener.events.oversized", "events",
                "Events acknowledged but not published: too large.")),
        RECORDS_SHIPPED(total("supervisor_kafka.listener.records.shipped", "records", "Records Kafka acknowledged.")),
        RECORDS_SKIPPED(total("supervisor_kafka.listener.records.skipped", "records",
                "Spool entries that could not become a record.")),
        SPOOL_BYTES(total("supervisor_kafka.listener.spool.bytes", "bytes", "The spool on disk.")),
        SPOOL_MAX_BYTES(total("supervisor_kafka.listener.spool.max_bytes", "bytes",
                "The spool's limit (`--spool-max-bytes`).")),
        SPOOL_UNSHIPPED(total("supervisor_kafka.listener.spool.unshipped", "records",
                "Records in the spool Kafka has not acknowledged yet: the backlog.")),
        SPOOL_DROPPED(total("supervisor_kafka.listener.spool.dropped", "records",
                "Records deleted unshipped by the `drop-oldest` policy.")),
        SPOOL_REFUSED(total("supervisor_kafka.listener.spool.refused", "records",
                "Records not stored because the spool was full under the `block` policy.")),
        SOURCE_COUNTER(total("supervisor_kafka.listener.source.<counter>", "count", "Each counter of the listener's "
                + "periodic sources, e.g. `source.snapshots.ok`, `source.docker.failed`, `source.statsd.malformed`; a "
                + "counter whose name is no metric name is logged and left out.")
                .member("counter", "[a-z0-9_]+(\\.[a-z0-9_]+)+", "the source's counter, dotted lower case"));

        private final MetricSpec spec;

        Metric(MetricSpec spec) {
            this.spec = spec;
        }

        @Override
        public MetricSpec spec() {
            return spec;
        }

        private static MetricSpec total(String name, String unit, String description) {
            return MetricSpec.gauge(name, unit, description).tags(TagSpec.SERVER);
        }
    }

    /** The catalog of this source, in declaration order. */
    public static Catalog catalog() {
        return Catalog.of("listener", "The listener's own metrics",
                "From `supervisor.listener-metrics`: each `ListenerMetrics` record, every "
                        + "`listener.metrics.interval` and when the listener stops, becomes these gauges at its "
                        + "`observedAt`. The spool gauges are sent when the record has the spool's figures.",
                Metric.values(), new CheckEntry[0]);
    }
}
