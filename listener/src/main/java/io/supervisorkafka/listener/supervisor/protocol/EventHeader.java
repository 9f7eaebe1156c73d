package io.supervisorkafka.listener.supervisor.protocol;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * The header line supervisord writes before each event payload:
 * {@code ver:3.0 server:supervisor serial:21 pool:listener poolserial:10 eventname:PROCESS_STATE_RUNNING len:54},
 * its tokens in any order. Made only by {@link #parse}, and compared by identity.
 *
 * <p>The protocol loop parses one per event, and each young collection of the listener's small heap stops that loop
 * long enough for supervisord to discard events in a burst at its default buffer. So a header as supervisord writes
 * it (every token {@code key:value} with one of its keys, none twice) is read in one pass into the few values the loop
 * needs, numbers parsed in place; the map of all tokens is made only when asked for ({@link #tokens()}, off the
 * loop). Any other line goes through {@link KeyValueTokens}, whose rules (a token without a colon continues the value
 * before it, later duplicates win) then give every value, so both ways read a line alike.
 */
public final class EventHeader {
    private static final String SERVER = "server";
    private static final String SERIAL = "serial";
    private static final String POOL = "pool";
    private static final String POOL_SERIAL = "poolserial";
    private static final String EVENT_NAME = "eventname";
    private static final String LEN = "len";
    private static final String VER = "ver";
    /** The keys of supervisord's header, in the order of {@link Scan#read}'s switch. */
    private static final String[] USUAL_KEYS = {SERVER, SERIAL, POOL, POOL_SERIAL, EVENT_NAME, LEN, VER};
    private static final Recent SERVERS = new Recent();
    private static final Recent POOLS = new Recent();
    private static final Recent EVENT_NAMES = new Recent();

    private final String line;
    private final String server;
    private final String pool;
    private final String eventName;
    private final long serial;
    private final long poolSerial;
    private final long payloadLength;
    /** Where the {@code ver} value is in a usual header's line, cut only when asked for; -1 when not known. */
    private final int versionFrom;
    private final int versionTo;
    /** Made on the first {@link #tokens()} for a usual header; possibly on another thread than the loop's. */
    private volatile Map<String, String> tokens;

    private EventHeader(String line, Map<String, String> tokens) {
        this(line, tokens, tokens.get(SERVER), tokens.get(POOL), tokens.get(EVENT_NAME), digits(tokens.get(SERIAL)),
                digits(tokens.get(POOL_SERIAL)), digits(tokens.get(LEN)), -1, -1);
    }

    private EventHeader(String line, Map<String, String> tokens, String server, String pool, String eventName,
                        long serial, long poolSerial, long payloadLength, int versionFrom, int versionTo) {
        this.line = line;
        this.tokens = tokens;
        this.server = server;
        this.pool = pool;
        this.eventName = eventName;
        this.serial = serial;
        this.poolSerial = poolSerial;
        this.payloadLength = payloadLength;
        this.versionFrom = versionFrom;
        this.versionTo = versionTo;
    }

    public static EventHeader parse(String line) {
        EventHeader usual = parseUsual(line);
        return usual != null ? usual
                : new EventHeader(line, Collections.unmodifiableMap(KeyValueTokens.parse(line)));
    }

    /** The header as supervisord writes it, in one pass without the map; null for any other line. */
    private static EventHeader parseUsual(String line) {
        Scan scan = new Scan();
        if (!scan.read(line)) {
            return null;
        }
        return new EventHeader(line, null, scan.server, scan.pool, scan.eventName, scan.serial, scan.poolSerial,
                scan.payloadLength, scan.versionFrom, scan.versionTo);
    }

    /**
     * One pass over a header as supervisord writes it (every token {@code key:value} with one of its keys, none
     * twice), keeping the values the loop needs. Reused by the protocol loop ({@link ReceivedEvent}) over the header's
     * bytes, so that a usual header costs no object at all; {@link #parse} uses it over a String.
     */
    static final class Scan {
        String server;
        String pool;
        String eventName;
        long serial;
        long poolSerial;
        long payloadLength;
        /** Where the {@code ver} value is in the line; -1 when it has none. */
        int versionFrom;
        int versionTo;

        /** Reads {@code line}; false when it is not a usual header (the values are then meaningless). */
        boolean read(CharSequence line) {
            server = null;
            pool = null;
            eventName = null;
            serial = -1;
            poolSerial = -1;
            payloadLength = -1;
            versionFrom = -1;
            versionTo = -1;
            int seen = 0;
            int length = line.length();
            int start = 0;
            while (start < length) {
                int end = KeyValueTokens.tokenEnd(line, start);
                if (end > start) {
                    int colon = KeyValueTokens.colonIn(line, start, end);
                    if (colon <= start) {
                        return false; // no key, or a token that continues the value before it
                    }
                    int key = keyIndex(line, start, colon);
                    if (key < 0 || (seen & (1 << key)) != 0) {
                        return false; // a key supervisord does not write, or a duplicate
                    }
                    seen |= 1 << key;
                    int from = colon + 1;
                    switch (key) {
                        case 0 -> server = SERVERS.of(line, from, end);
                        case 1 -> serial = digits(line, from, end);
                        case 2 -> pool = POOLS.of(line, from, end);
                        case 3 -> poolSerial = digits(line, from, end);
                        case 4 -> eventName = EVENT_NAMES.of(line, from, end);
                        case 5 -> payloadLength = digits(line, from, end);
                        default -> {
                            versionFrom = from;
                            versionTo = end;
                        }
                    }
                }
                start = end + 1;
            }
            return true;
        }
    }

    /**
     * A token's last value, given again while the next header repeats it: the events of a listener have one server
     * and one pool, and a burst one event name, so the loop does not cut the same strings from every header. Shared
     * by the threads that parse (the loop and its warm-up): a value seen by another is still a right one, and a
     * change only costs a new string.
     */
    private static final class Recent {
        private volatile String last = "";

        String of(CharSequence line, int from, int to) {
            String cached = last;
            if (cached.length() == to - from && regionEquals(line, from, cached)) {
                return cached;
            }
            String value = line.subSequence(from, to).toString();
            last = value;
            return value;
        }
    }

    /** Whether {@code line} has {@code text} at {@code from}. */
    private static boolean regionEquals(CharSequence line, int from, String text) {
        if (from + text.length() > line.length()) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            if (line.charAt(from + i) != text.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** The header keys in {@link Scan#read}'s order, or -1. */
    private static int keyIndex(CharSequence line, int start, int end) {
        int length = end - start;
        for (int i = 0; i < USUAL_KEYS.length; i++) {
            if (USUAL_KEYS[i].length() == length && regionEquals(line, start, USUAL_KEYS[i])) {
                return i;
            }
        }
        return -1;
    }

    /** The header's tokens by key, in the order they came in. */
    public Map<String, String> tokens() {
        Map<String, String> parsed = tokens;
        if (parsed == null) {
            parsed = Collections.unmodifiableMap(KeyValueTokens.parse(line));
            tokens = parsed;
        }
        return parsed;
    }

    @Override
    public String toString() {
        return "EventHeader" + tokens();
    }

    /** The {@code len} token: the payload length in Unicode code points; -1 when missing or not a number. */
    public long payloadLength() {
        return payloadLength;
    }

    /** supervisord's identification (the {@code server} token), or null. */
    public String server() {
        return server;
    }

    public String eventName() {
        return eventName;
    }

    /** The protocol's version (the {@code ver} token), or null. */
    public String version() {
        return versionFrom >= 0 ? line.substring(versionFrom, versionTo) : tokens().get(VER);
    }

    /**
     * Whether the event is of a kind that comes in floods and that nothing derived waits for: a process's output
     * (PROCESS_LOG_*, PROCESS_COMMUNICATION_*), REMOTE_COMMUNICATION, ticks. Its shipping may wait for a burst to end
     * ({@code Spool.appendBulk}); a state change's never does.
     */
    public boolean bulk() {
        return bulk(eventName);
    }

    static boolean bulk(String name) {
        return name != null && (name.startsWith("PROCESS_LOG_") || name.startsWith("PROCESS_COMMUNICATION_")
                || name.startsWith("TICK_") || name.equals("REMOTE_COMMUNICATION"));
    }

    /** The {@code pool} token: the {@code [eventlistener:x]} pool the event was queued for, or null. */
    public String pool() {
        return pool;
    }

    /** The {@code serial} token (supervisord's, across all pools); -1 when missing or not a number. */
    public long serial() {
        return serial;
    }

    /** The {@code poolserial} token (the pool's own count of events); -1 when missing or not a number. */
    public long poolSerial() {
        return poolSerial;
    }

    /**
     * What makes this header unusable for a {@code supervisor.events} record although the payload could be read:
     * empty when it is fine. Unknown event names are fine; missing serials are not. Allocates nothing for a good
     * header: it runs on the protocol loop for every event.
     */
    public List<String> problems() {
        return problems(serial, poolSerial, pool, eventName);
    }

    static List<String> problems(long serial, long poolSerial, String pool, String eventName) {
        boolean validSerial = serial >= 0;
        boolean validPoolSerial = poolSerial >= 0;
        boolean hasPool = pool != null;
        boolean validEventName = isEventName(eventName);
        if (validSerial && validPoolSerial && hasPool && validEventName) {
            return List.of();
        }
        List<String> problems = new ArrayList<>();
        if (!validSerial) {
            problems.add("no valid serial");
        }
        if (!validPoolSerial) {
            problems.add("no valid poolserial");
        }
        if (!hasPool) {
            problems.add("no pool");
        }
        if (!validEventName) {
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
    private static long digits(String value) {
        return value == null ? -1 : digits(value, 0, value.length());
    }

    /** The characters {@code [from, to)} of {@code text} as a non-negative integer of at most 18 digits, or -1. */
    private static long digits(CharSequence text, int from, int to) {
        if (to <= from || to - from > 18) {
            return -1;
        }
        long result = 0;
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            result = result * 10 + (c - '0');
        }
        return result;
    }
}
