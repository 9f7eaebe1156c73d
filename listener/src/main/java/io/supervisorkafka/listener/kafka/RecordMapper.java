package io.supervisorkafka.listener.kafka;

import io.supervisorkafka.listener.spool.SpoolEntry;
import io.supervisorkafka.listener.supervisor.protocol.EventDecoder;
import io.supervisorkafka.schemas.JsonSerde;
import io.supervisorkafka.schemas.SupervisorEvent;
import io.supervisorkafka.schemas.Topics;
import java.nio.charset.StandardCharsets;

/**
 * Turns spool entries into Kafka records, on the shipper thread: a raw event becomes a {@link SupervisorEvent} on
 * {@code supervisor.events} (key = server id, timestamp = observedAt); a ready record goes as it is.
 */
public final class RecordMapper {
    private static final JsonSerde<SupervisorEvent> EVENTS = JsonSerde.of(SupervisorEvent.class);

    private RecordMapper() {
    }

    public static OutgoingRecord toRecord(SpoolEntry entry) {
        if (entry instanceof SpoolEntry.RawEvent raw) {
            SupervisorEvent event = EventDecoder.decode(raw);
            return new OutgoingRecord(Topics.EVENTS, event.server().getBytes(StandardCharsets.UTF_8),
                    EVENTS.serialize(Topics.EVENTS, event), event.observedAt());
        }
        SpoolEntry.ReadyRecord ready = (SpoolEntry.ReadyRecord) entry;
        return new OutgoingRecord(ready.topic(), ready.key(), ready.value(), ready.timestamp());
    }
}
