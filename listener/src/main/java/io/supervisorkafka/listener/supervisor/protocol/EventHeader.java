package io.supervisorkafka.listener.supervisor.protocol;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * The header line supervisord writes before each event payload:
 * {@code ver:3.0 server:supervisor serial:21 pool:listener poolserial:10 eventname:PROCESS_STATE_RUNNING len:54},
 * its tokens in any order. Made only by {@link #parse}, and compared by identity: it keeps the parsed map as a view
 * rather than copying it, since the protocol loop parses one per event.
 */
public final class EventHeader {
    private final Map<String, String> tokens;

    private EventHeader(Map<String, String> tokens) {
        this.tokens = tokens;
    }

    public static EventHeader parse(String line) {
        return new EventHeader(Collections.unmodifiableMap(KeyValueTokens.parse(line)));
    }

    /** The header's tokens by key, in the order they came in. */
    public Map<String, String> tokens() {
        return tokens;
    }

    @Override
    public String toString() {
        return "EventHeader" + tokens;
    }

    /** The {@code len} token: the payload length in Unicode code points; -1 when missing or not a number. */
    public long payloadLength() {
        return nonNegative("len");
    }

    /** supervisord's identification (the {@code server} token), or null. */
    public String server() {
        return tokens.get("server");
    }

    public String eventName() {
        return tokens.get("eventname");
    }

    /**
     * Whether the event is of a kind that comes in floods and that nothing derived waits for: a process's output
     * (PROCESS_LOG_*, PROCESS_COMMUNICATION_*), REMOTE_COMMUNICATION, ticks. Its shipping may wait for a burst to end
     * ({@code Spool.appendBulk}); a state change's never does.
     */
    public boolean bulk() {
        String name = eventName();
        return name != null && (name.startsWith("PROCESS_LOG_") || name.startsWith("PROCESS_COMMUNICATION_")
                || name.startsWith("TICK_") || name.equals("REMOTE_COMMUNICATION"));
    }

    /** The {@code pool} token: the {@code [eventlistener:x]} pool the event was queued for, or null. */
    public String pool() {
        return tokens.get("pool");
    }

    /** The {@code serial} token (supervisord's, across all pools); -1 when missing or not a number. */
    public long serial() {
        return nonNegative("serial");
    }

    /** The {@code poolserial} token (the pool's own count of events); -1 when missing or not a number. */
    public long poolSerial() {
        return nonNegative("poolserial");
    }

    /**
     * What makes this header unusable for a {@code supervisor.events} record although the payload could be read:
     * empty when it is fine. Unknown event names are fine; missing serials are not. Allocates nothing for a good
     * header: it runs on the protocol loop for every event.
     */
    public List<String> problems() {
        boolean serial = nonNegative("serial") >= 0;
        boolean poolSerial = nonNegative("poolserial") >= 0;
        boolean pool = tokens.get("pool") != null;
        boolean eventName = isEventName(eventName());
        if (serial && poolSerial && pool && eventName) {
            return List.of();
        }
        List<String> problems = new ArrayList<>();
        if (!serial) {
            problems.add("no valid serial");
        }
        if (!poolSerial) {
            problems.add("no valid poolserial");
        }
        if (!pool) {
            problems.add("no pool");
        }
        if (!eventName) {
            problems.add("no valid eventname");
        }
        return problems;
    }

    /** supervisord's event names: {@code [A-Z0-9_]+}. */
    static boolean isEventName(String name) {
        if (name == null || name.isEmpty()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_')) {
                return false;
            }
        }
        return true;
    }

    /** A token that must be a non-negative integer, or -1. */
    long nonNegative(String key) {
        String value = tokens.get(key);
        if (value == null || value.isEmpty() || value.length() > 18) {
            return -1;
        }
        long result = 0;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            result = result * 10 + (c - '0');
        }
        return result;
    }
}
