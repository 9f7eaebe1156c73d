package io.supervisorkafka.listener;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses the durations ({@code 30s}, {@code 200ms}, {@code PT30S}) and sizes ({@code 256MiB}) of options and keys. */
final class Units {
    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h)");
    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(b|k|kb|kib|m|mb|mib|g|gb|gib)?");

    private Units() {
    }

    /** A duration with a unit: {@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h}, or ISO-8601 ({@code PT30S}). */
    static Duration duration(String what, String text) {
        String value = text.trim().toLowerCase(Locale.ROOT);
        Matcher m = DURATION.matcher(value);
        if (m.matches()) {
            long amount = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(amount);
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                case "h" -> Duration.ofHours(amount);
                default -> throw new IllegalStateException(m.group(2));
            };
        }
        if (value.startsWith("pt")) {
            try {
                Duration parsed = Duration.parse(value.toUpperCase(Locale.ROOT));
                if (!parsed.isNegative()) {
                    return parsed;
                }
            } catch (DateTimeParseException e) {
                // reported below
            }
        }
        throw new IllegalArgumentException(what + ": '" + text + "' is not a duration; write e.g. 500ms, 30s, 5m"
                + " or PT30S");
    }

    /** A byte size: {@code 268435456}, {@code 256m}, {@code 256MiB}, {@code 1g}; k, m and g are binary multiples. */
    static long bytes(String what, String text) {
        Matcher m = SIZE.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException(what + ": '" + text + "' is not a size; write e.g. 268435456, 256m"
                    + " or 256MiB");
        }
        long amount = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "b" : m.group(2);
        long multiplier = switch (unit.charAt(0)) {
            case 'k' -> 1024L;
            case 'm' -> 1024L * 1024;
            case 'g' -> 1024L * 1024 * 1024;
            default -> 1L;
        };
        return Math.multiplyExact(amount, multiplier);
    }
}
