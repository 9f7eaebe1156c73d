package io.supervisorkafka.schemas;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as operators write them in every option and config key of the project: {@code 500ms}, {@code 15s},
 * {@code 2m}, {@code 1h}, {@code 1d}, or ISO-8601 ({@code PT15S}). One parser, so the listener, the Streams app and
 * the tools accept the same words.
 */
public final class Durations {
    private static final Pattern AMOUNT_AND_UNIT = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");

    private Durations() {
    }

    /** The duration; IllegalArgumentException naming {@code what} for anything else, negative ISO ones included. */
    public static Duration parse(String what, String text) {
        String value = text.trim().toLowerCase(Locale.ROOT);
        Matcher matcher = AMOUNT_AND_UNIT.matcher(value);
        if (matcher.matches()) {
            long amount = Long.parseLong(matcher.group(1));
            return switch (matcher.group(2)) {
                case "ms" -> Duration.ofMillis(amount);
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                case "h" -> Duration.ofHours(amount);
                default -> Duration.ofDays(amount);
            };
        }
        if (value.startsWith("p")) {
            try {
                Duration parsed = Duration.parse(value.toUpperCase(Locale.ROOT));
                if (!parsed.isNegative()) {
                    return parsed;
                }
            } catch (DateTimeParseException e) {
                // reported below
            }
        }
        throw new IllegalArgumentException(what + ": '" + text + "' is not a duration; write e.g. 500ms, 30s, 5m, 1h"
                + " or PT30S");
    }
}
