package io.supervisorkafka.streams.supervisor;

import io.supervisorkafka.schemas.SupervisorEvent;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.common.metrics.stats.CumulativeSum;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;

/**
 * Drops exact redeliveries of an event, recognised by {@link SupervisorEvent#eventId()} (server/instance/serial).
 * supervisord resends an event the listener did not acknowledge, and the listener's spool may send one again after a
 * crash; both carry the same id. A restarted supervisord has a new instance, so its serials starting again from 0 are
 * new ids and pass.
 *
 * <p>As Confluent's EventDeduplication example: ids are kept in a window store for the retention, looked up around the
 * record's timestamp (the observation time), so a redelivery up to half the retention earlier or later is caught.
 *
 * <p>The redeliveries dropped are counted in the application's metrics: {@value #DROPPED_METRIC} in group
 * {@value #METRICS_GROUP}, one total for all tasks and threads of the instance, since it started.
 */
public final class EventDeduplicator implements Processor<String, SupervisorEvent, String, SupervisorEvent> {

    public static final String STORE = "event-ids";
    public static final String METRICS_GROUP = "supervisor-kafka";
    public static final String DROPPED_METRIC = "dropped-duplicates-total";
    /** One sensor by name per KafkaStreams instance: every task's deduplicator records into it. */
    private static final String SENSOR = METRICS_GROUP + "." + DROPPED_METRIC;

    private final long lookBackMs;
    private final long lookAheadMs;
    private ProcessorContext<String, SupervisorEvent> context;
    private WindowStore<String, Long> seen;
    private Sensor dropped;

    public EventDeduplicator(Duration retention) {
        this.lookBackMs = retention.toMillis() / 2;
        this.lookAheadMs = retention.toMillis() - lookBackMs;
    }

    public static StoreBuilder<WindowStore<String, Long>> storeBuilder(Duration retention) {
        return Stores.windowStoreBuilder(Stores.persistentWindowStore(STORE, retention, retention, false),
                Serdes.String(), Serdes.Long());
    }

    @Override
    public void init(ProcessorContext<String, SupervisorEvent> context) {
        this.context = context;
        this.seen = context.getStateStore(STORE);
        this.dropped = context.metrics().addSensor(SENSOR, Sensor.RecordingLevel.INFO);
        // A no-op when another task added it already: the total stays one.
        dropped.add(new MetricName(DROPPED_METRIC, METRICS_GROUP, "redelivered events dropped since the start",
                Map.of()), new CumulativeSum());
    }

    /** The dropped-redeliveries total among an application's metrics ({@code KafkaStreams#metrics()}), once a task ran. */
    public static Optional<Metric> droppedDuplicates(Map<MetricName, ? extends Metric> metrics) {
        return metrics.entrySet().stream()
                .filter(e -> e.getKey().name().equals(DROPPED_METRIC) && e.getKey().group().equals(METRICS_GROUP))
                .<Metric>map(Map.Entry::getValue).findFirst();
    }

    @Override
    public void process(Record<String, SupervisorEvent> record) {
        SupervisorEvent event = record.value();
        if (event == null) {
            return;
        }
        if (event.instance() == null || event.instance().isEmpty()) {
            // Without the instance, serials of two supervisord runs collide: better a duplicate than a lost event.
            context.forward(record);
            return;
        }
        String eventId = event.eventId();
        long at = record.timestamp();
        boolean duplicate;
        try (WindowStoreIterator<Long> sightings = seen.fetch(eventId, at - lookBackMs, at + lookAheadMs)) {
            duplicate = sightings.hasNext();
        }
        // Refreshing on a duplicate too keeps an id that keeps coming back from expiring.
        seen.put(eventId, at, at);
        if (duplicate) {
            dropped.record();
        } else {
            context.forward(record);
        }
    }
}
