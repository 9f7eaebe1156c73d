package io.supervisorkafka.schemas;

import java.util.Map;

/**
 * One event as supervisord sent it to the listener (topic {@link Topics#EVENTS}).
 *
 * <p>The record is deliberately generic, so that every event type supervisord has, and any it adds later, travels
 * without loss: {@code fields} holds the {@code key:value} tokens of the payload's first line and {@code data} the
 * body after it (PROCESS_LOG, PROCESS_COMMUNICATION and REMOTE_COMMUNICATION carry one). {@link #kind()} gives the
 * typed view.
 *
 * @param server         the server id the listener was given (defaults to the host name); also the record key
 * @param identification supervisord's identification string (the header's {@code server} token)
 * @param instance       identity of the supervisord run that emitted the event ({@code pid-startMillis}); supervisord
 *                       restarts {@code serial} from 0, so {@code instance} + {@code serial} identify an event
 *                       across redeliveries
 * @param serial         supervisord's global event serial
 * @param pool           the event listener pool the event was dispatched to
 * @param poolSerial     the serial within that pool
 * @param eventName      e.g. {@code PROCESS_STATE_RUNNING}
 * @param version        the protocol version of the header ({@code ver})
 * @param fields         tokens of the payload header line
 * @param data           the payload body after the header line, or null
 * @param observedAt     when the listener read the event, epoch milliseconds; also the Kafka record timestamp
 */
public record SupervisorEvent(
        String server,
        String identification,
        String instance,
        long serial,
        String pool,
        long poolSerial,
        String eventName,
        String version,
        Map<String, String> fields,
        String data,
        long observedAt) {

    public SupervisorEvent {
        fields = fields == null ? Map.of() : Map.copyOf(fields);
    }

    /** A key that identifies this event across supervisord's redeliveries of it. */
    public String eventId() {
        return server + "/" + instance + "/" + serial;
    }

    /** The typed view of this event. */
    public EventKind kind() {
        return EventKind.of(this);
    }
}
