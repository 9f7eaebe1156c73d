package io.supervisorkafka.schemas;

import java.util.Map;

/**
 * The listener's own counters (topic {@link Topics#LISTENER_METRICS}, key server id), published every metrics interval
 * ({@code listener.metrics.interval}) and once more when it stops, through the spool like any other record; all
 * counters count since the listener started.
 *
 * @param instance           the supervisord instance the listener serves (pid and start time)
 * @param startedAt          when the listener started, epoch ms
 * @param observedAt         when the counters were read, epoch ms
 * @param eventsAcknowledged events stored in the spool and acknowledged to supervisord
 * @param eventsMalformed    events acknowledged but not published: the header was malformed
 * @param eventsOversized    events acknowledged but not published: the payload was too large
 * @param recordsShipped     records Kafka acknowledged
 * @param recordsSkipped     spool entries the shipper could not turn into a record (logged, skipped)
 * @param spool              the spool's state and what its full policy dropped or refused
 * @param sources            counters of the periodic sources, by name (for example {@code snapshots.ok},
 *                           {@code docker.failed}, {@code statsd.malformed})
 * @param eventsLost         events supervisord discarded before the listener could read them (gaps in the pool's
 *                           {@code poolserial}), counted since the listener started; null from a listener that does
 *                           not count them
 */
public record ListenerMetrics(String server, String instance, long startedAt, long observedAt,
                              long eventsAcknowledged, long eventsMalformed, long eventsOversized, long recordsShipped,
                              long recordsSkipped, Spool spool, Map<String, Long> sources, Long eventsLost) {

    public ListenerMetrics {
        sources = sources == null ? Map.of() : Map.copyOf(sources);
    }

    /** Counters without {@code eventsLost}: a listener that does not count lost events. */
    public ListenerMetrics(String server, String instance, long startedAt, long observedAt, long eventsAcknowledged,
                           long eventsMalformed, long eventsOversized, long recordsShipped, long recordsSkipped,
                           Spool spool, Map<String, Long> sources) {
        this(server, instance, startedAt, observedAt, eventsAcknowledged, eventsMalformed, eventsOversized,
                recordsShipped, recordsSkipped, spool, sources, null);
    }

    /**
     * @param fullPolicy     {@code drop-oldest} or {@code block}
     * @param bytes          bytes on disk
     * @param maxBytes       the configured maximum
     * @param unshipped      records in the spool that Kafka has not acknowledged yet
     * @param droppedRecords records deleted unshipped by {@code drop-oldest}
     * @param refusedRecords records (snapshots, metrics) not stored because the spool was full under {@code block}
     */
    public record Spool(String fullPolicy, long bytes, long maxBytes, long unshipped, long droppedRecords,
                        long refusedRecords) {
    }
}
