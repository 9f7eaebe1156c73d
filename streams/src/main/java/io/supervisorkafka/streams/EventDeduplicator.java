package io.supervisorkafka.streams;

import io.supervisorkafka.schemas.SupervisorEvent;
import java.time.Duration;
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
 */
public final class EventDeduplicator implements Processor<String, SupervisorEvent, String, SupervisorEvent> {

    public static final String STORE = "event-ids";

    private final long lookBackMs;
    private final long lookAheadMs;
    private ProcessorContext<String, SupervisorEvent> context;
    private WindowStore<String, Long> seen;

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
        if (!duplicate) {
            context.forward(record);
        }
    }
}
