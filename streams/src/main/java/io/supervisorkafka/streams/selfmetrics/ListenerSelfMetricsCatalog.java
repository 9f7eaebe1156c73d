package io.supervisorkafka.streams.selfmetrics;

import io.supervisorkafka.schemas.CheckStatus;
import io.supervisorkafka.schemas.ServiceCheck;
import io.supervisorkafka.streams.common.Catalog;
import io.supervisorkafka.streams.common.CheckSpec;
import io.supervisorkafka.streams.common.MetricSpec;
import io.supervisorkafka.streams.common.PromFamily;
import io.supervisorkafka.streams.common.TagSpec;
import java.util.List;
import java.util.Map;

/**
 * The listener's own counters as metric points. They count since the listener started and are sent as they are, as
 * gauges of the totals: an increase is what to alert on, and {@code uptime} going down tells a restart, which
 * resets them.
 */
public final class ListenerSelfMetricsCatalog {

    public static final MetricSpec UPTIME = total("supervisor_kafka.listener.uptime", "s",
            "Time since the listener started.");
    public static final MetricSpec EVENTS_ACKNOWLEDGED = total("supervisor_kafka.listener.events.acknowledged",
            "events", "Events stored in the spool and acknowledged to supervisord.");
    public static final MetricSpec EVENTS_MALFORMED = total("supervisor_kafka.listener.events.malformed", "events",
            "Events acknowledged but not published: malformed.");
    public static final MetricSpec EVENTS_OVERSIZED = total("supervisor_kafka.listener.events.oversized", "events",
            "Events acknowledged but not published: too large.");
    public static final MetricSpec RECORDS_SHIPPED = total("supervisor_kafka.listener.records.shipped", "records",
            "Records Kafka acknowledged.");
    public static final MetricSpec RECORDS_SKIPPED = total("supervisor_kafka.listener.records.skipped", "records",
            "Spool entries that could not become a record.");
    public static final MetricSpec SPOOL_BYTES = total("supervisor_kafka.listener.spool.bytes", "bytes",
            "The spool on disk.");
    public static final MetricSpec SPOOL_MAX_BYTES = total("supervisor_kafka.listener.spool.max_bytes", "bytes",
            "The spool's limit (`--spool-max-bytes`).");
    public static final MetricSpec SPOOL_UNSHIPPED = total("supervisor_kafka.listener.spool.unshipped", "records",
            "Records in the spool Kafka has not acknowledged yet: the backlog.");
    public static final MetricSpec SPOOL_DROPPED = total("supervisor_kafka.listener.spool.dropped", "records",
            "Records deleted unshipped by the `drop-oldest` policy.");
    public static final MetricSpec SPOOL_REFUSED = total("supervisor_kafka.listener.spool.refused", "records",
            "Records not stored because the spool was full under the `block` policy.");
    public static final MetricSpec EVENTS_LOST = total("supervisor_kafka.listener.events_lost", "events",
            "Events supervisord discarded before the listener read them (its event buffer overflowed: a gap in the "
                    + "pool's `poolserial`). Sent when the listener counts them.");
    public static final MetricSpec SOURCE_COUNTER = total("supervisor_kafka.listener.source.<counter>", "count",
            "Each counter of the listener's periodic sources, e.g. `source.snapshots.ok`, `source.docker.failed`, "
                    + "`source.statsd.malformed`; a counter whose name is no metric name is logged and left out.")
            .member("counter", "[a-z0-9_]+(\\.[a-z0-9_]+)+", "the source's counter, dotted lower case");

    public static final CheckSpec EVENTS_LOST_CHECK = new CheckSpec(ServiceCheck.LISTENER_EVENTS_LOST,
            "supervisor_kafka.listener.events_lost|server", List.of(TagSpec.SERVER),
            Map.of(CheckStatus.WARNING, "the listener's metrics record shows events lost since its record before "
                            + "(or, for a listener that just started, since its start); the message says how many, "
                            + "between when and when, and how many in all",
                    CheckStatus.OK, "its latest metrics record shows no new loss"),
            "Whether supervisord discarded events before the listener could read them: the derived status may then "
                    + "lag until the listener's next snapshot. From the listener's `eventsLost` counter, on first "
                    + "sight and on each change: a loss is WARNING until the next record (every "
                    + "`listener.metrics.interval`) shows no more. Not for a listener that does not count them.");

    /*
     * The listener's counters count since it started: Prometheus counters, which rate() and increase() take across
     * a restart of the listener (a reset). From its latest metrics record (store listener-metrics).
     */
    public static final PromFamily PROM_START_TIME = PromFamily.gauge("supervisor_kafka_listener_start_time_seconds",
            "When the listener started, in seconds since the epoch: its counters count from then.", "server");
    public static final PromFamily PROM_LAST_REPORT = PromFamily.gauge(
            "supervisor_kafka_listener_last_report_timestamp_seconds",
            "When the listener read the counters of its latest metrics record, in seconds since the epoch: time() "
                    + "minus it tells a listener gone silent.", "server");
    public static final PromFamily PROM_EVENTS_ACKNOWLEDGED = PromFamily.counter(
            "supervisor_kafka_listener_events_acknowledged_total",
            "Events stored in the spool and acknowledged to supervisord.", "server");
    public static final PromFamily PROM_EVENTS_MALFORMED = PromFamily.counter(
            "supervisor_kafka_listener_events_malformed_total",
            "Events acknowledged but not published: malformed.", "server");
    public static final PromFamily PROM_EVENTS_OVERSIZED = PromFamily.counter(
            "supervisor_kafka_listener_events_oversized_total",
            "Events acknowledged but not published: too large.", "server");
    public static final PromFamily PROM_EVENTS_LOST = PromFamily.counter("supervisor_kafka_listener_events_lost_total",
            "Events supervisord discarded before the listener read them (its event buffer overflowed); no sample "
                    + "from a listener that does not count them.", "server");
    public static final PromFamily PROM_RECORDS_SHIPPED = PromFamily.counter(
            "supervisor_kafka_listener_records_shipped_total", "Records Kafka acknowledged.", "server");
    public static final PromFamily PROM_RECORDS_SKIPPED = PromFamily.counter(
            "supervisor_kafka_listener_records_skipped_total",
            "Spool entries that could not become a record.", "server");
    public static final PromFamily PROM_SPOOL_BYTES = PromFamily.gauge("supervisor_kafka_listener_spool_bytes",
            "The spool on disk; no sample when the record has no spool figures (likewise the other spool "
                    + "families).", "server");
    public static final PromFamily PROM_SPOOL_MAX_BYTES = PromFamily.gauge(
            "supervisor_kafka_listener_spool_max_bytes", "The spool's limit (--spool-max-bytes).", "server");
    public static final PromFamily PROM_SPOOL_UNSHIPPED = PromFamily.gauge(
            "supervisor_kafka_listener_spool_unshipped_records",
            "Records in the spool Kafka has not acknowledged yet: the backlog.", "server");
    public static final PromFamily PROM_SPOOL_DROPPED = PromFamily.counter(
            "supervisor_kafka_listener_spool_dropped_records_total",
            "Records deleted unshipped by the drop-oldest policy.", "server");
    public static final PromFamily PROM_SPOOL_REFUSED = PromFamily.counter(
            "supervisor_kafka_listener_spool_refused_records_total",
            "Records not stored because the spool was full under the block policy.", "server");

    public static final Catalog CATALOG = new Catalog("listener", "The listener's own metrics",
            "From `supervisor.listener-metrics`: each `ListenerMetrics` record, every `listener.metrics.interval` "
                    + "and when the listener stops, becomes these gauges at its `observedAt`. The spool gauges are "
                    + "sent when the record has the spool's figures.",
            List.of(UPTIME, EVENTS_ACKNOWLEDGED, EVENTS_MALFORMED, EVENTS_OVERSIZED, RECORDS_SHIPPED, RECORDS_SKIPPED,
                    SPOOL_BYTES, SPOOL_MAX_BYTES, SPOOL_UNSHIPPED, SPOOL_DROPPED, SPOOL_REFUSED, EVENTS_LOST,
                    SOURCE_COUNTER),
            List.of(EVENTS_LOST_CHECK),
            List.of(PROM_START_TIME, PROM_LAST_REPORT, PROM_EVENTS_ACKNOWLEDGED, PROM_EVENTS_MALFORMED,
                    PROM_EVENTS_OVERSIZED, PROM_EVENTS_LOST, PROM_RECORDS_SHIPPED, PROM_RECORDS_SKIPPED,
                    PROM_SPOOL_BYTES, PROM_SPOOL_MAX_BYTES, PROM_SPOOL_UNSHIPPED, PROM_SPOOL_DROPPED,
                    PROM_SPOOL_REFUSED));

    private ListenerSelfMetricsCatalog() {
    }

    private static MetricSpec total(String name, String unit, String description) {
        return MetricSpec.gauge(name, unit, description).tags(TagSpec.SERVER);
    }
}
