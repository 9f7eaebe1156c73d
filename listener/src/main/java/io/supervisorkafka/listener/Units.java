package io.supervisorkafka.listener;

import io.supervisorkafka.schemas.Durations;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses the durations ({@code 30s}, {@code 200ms}, {@code PT30S}) and sizes ({@code 256MiB}) of options and keys. */
final class Units {
    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(b|k|kb|kib|m|mb|mib|g|gb|gib)?");

    private Units() {
    }

    /** A duration: {@link Durations#parse}. */
    static Duration duration(String what, String text) {
        return Durations.parse(what, text);
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
