package io.supervisorkafka.listener.supervisor.protocol;

import io.supervisorkafka.listener.spool.SpoolEntry;
import io.supervisorkafka.schemas.SupervisorEvent;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Turns an event as spooled (header line and payload bytes) into the {@link SupervisorEvent} wire record. Runs on the
 * shipper thread, so the protocol loop never pays for it.
 */
public final class EventDecoder {
    private EventDecoder() {
    }

    public static SupervisorEvent decode(SpoolEntry.RawEvent raw) {
        EventHeader header = EventHeader.parse(new String(raw.header(), StandardCharsets.UTF_8));
        if (!header.problems().isEmpty()) {
            // The protocol loop does not spool such events; a spool written by hand or by a bug might hold one.
            throw new IllegalArgumentException("event header " + header.problems() + ": "
                    + new String(raw.header(), StandardCharsets.UTF_8));
        }
        String payload = new String(raw.payload(), StandardCharsets.UTF_8);
        int newline = payload.indexOf('\n');
        String firstLine = newline < 0 ? payload : payload.substring(0, newline);
        String body = newline < 0 ? null : payload.substring(newline + 1);
        String eventName = header.eventName();
        Map<String, String> fields = KeyValueTokens.parse(firstLine);
        return new SupervisorEvent(
                raw.serverId(),
                header.server(),
                raw.instance(),
                header.serial(),
                header.pool(),
                header.poolSerial(),
                eventName,
                header.version(),
                fields,
                data(eventName, body),
                raw.observedAt());
    }

    /**
     * The body after the payload's first line. Events that carry one (logs, communication) keep it even when empty;
     * others only when non-empty, so PROCESS_GROUP_ADDED's trailing newline does not show up as {@code "data": ""}.
     */
    static String data(String eventName, String body) {
        if (body == null) {
            return null;
        }
        return carriesBody(eventName) || !body.isEmpty() ? body : null;
    }

    /** PROCESS_LOG_*, PROCESS_COMMUNICATION_* and REMOTE_COMMUNICATION have a body after their first line. */
    public static boolean carriesBody(String eventName) {
        return eventName.startsWith("PROCESS_LOG_") || eventName.startsWith("PROCESS_COMMUNICATION_")
                || eventName.equals("REMOTE_COMMUNICATION");
    }
}
