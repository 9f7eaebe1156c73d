package io.supervisorkafka.listener.supervisor.protocol;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * supervisord's {@code key:value key:value} lines: the event header line and the first line of a payload.
 *
 * <p>Tokens are separated by spaces and split at their first colon, so values may contain colons
 * ({@code server:host:9001}). A token without a colon continues the previous value: supervisord does not escape
 * spaces, so an identifier such as {@code my host} arrives as two tokens and is put back together.
 *
 * <p>Runs three times per event (the protocol loop reads the header; the shipper the header and the payload's first
 * line): keys and values are cut from the line directly, and the keys supervisord writes are shared constants, so a
 * line costs its values and the map, not three strings per token.
 */
public final class KeyValueTokens {
    /** The keys of supervisord's headers and payloads (supervisor/events.py). */
    private static final String[] KNOWN_KEYS = {"processname", "poolserial", "from_state", "eventname", "groupname",
            "expected", "channel", "server", "serial", "tries", "when", "pool", "type", "ver", "len", "pid"};

    private KeyValueTokens() {
    }

    /** The tokens of a line, in order; later duplicates win. */
    public static Map<String, String> parse(String line) {
        Map<String, String> tokens = new LinkedHashMap<>();
        String lastKey = null;
        int length = line.length();
        int start = 0;
        while (start < length) {
            int end = tokenEnd(line, start);
            if (end > start) {
                int colon = colonIn(line, start, end);
                if (colon > start) {
                    lastKey = key(line, start, colon);
                    tokens.put(lastKey, line.substring(colon + 1, end));
                } else if (lastKey != null) {
                    tokens.put(lastKey, tokens.get(lastKey) + " " + line.substring(start, end));
                }
                // A leading token without a key has nothing to attach to and is ignored.
            }
            start = end + 1;
        }
        return tokens;
    }

    /**
     * Where the token starting at {@code start} ends: the next space, or the end of the line. A {@link CharSequence}:
     * the protocol loop reads a header from its bytes ({@link ReceivedEvent}), by the same rule.
     */
    static int tokenEnd(CharSequence line, int start) {
        int length = line.length();
        for (int i = start; i < length; i++) {
            if (line.charAt(i) == ' ') {
                return i;
            }
        }
        return length;
    }

    /** The first colon of the token {@code [start, end)}, or -1: never looks past the token (a long line of words). */
    static int colonIn(CharSequence line, int start, int end) {
        for (int i = start; i < end; i++) {
            if (line.charAt(i) == ':') {
                return i;
            }
        }
        return -1;
    }

    private static String key(String line, int start, int end) {
        int length = end - start;
        for (String known : KNOWN_KEYS) {
            if (known.length() == length && line.startsWith(known, start)) {
                return known;
            }
        }
        return line.substring(start, end);
    }
}
