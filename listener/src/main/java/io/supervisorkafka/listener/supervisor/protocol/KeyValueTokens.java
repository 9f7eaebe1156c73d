package io.supervisorkafka.listener.supervisor.protocol;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * supervisord's {@code key:value key:value} lines: the event header line and the first line of a payload.
 *
 * <p>Tokens are separated by spaces and split at their first colon, so values may contain colons
 * ({@code server:host:9001}). A token without a colon continues the previous value: supervisord does not escape
 * spaces, so an identifier such as {@code my host} arrives as two tokens and is put back together.
 */
public final class KeyValueTokens {
    private KeyValueTokens() {
    }

    /** The tokens of a line, in order; later duplicates win. */
    public static Map<String, String> parse(String line) {
        Map<String, String> tokens = new LinkedHashMap<>();
        String lastKey = null;
        int length = line.length();
        int start = 0;
        while (start < length) {
            int end = line.indexOf(' ', start);
            if (end < 0) {
                end = length;
            }
            if (end > start) {
                String token = line.substring(start, end);
                int colon = token.indexOf(':');
                if (colon > 0) {
                    lastKey = token.substring(0, colon);
                    tokens.put(lastKey, token.substring(colon + 1));
                } else if (lastKey != null) {
                    tokens.put(lastKey, tokens.get(lastKey) + " " + token);
                }
                // A leading token without a key has nothing to attach to and is ignored.
            }
            start = end + 1;
        }
        return tokens;
    }
}
