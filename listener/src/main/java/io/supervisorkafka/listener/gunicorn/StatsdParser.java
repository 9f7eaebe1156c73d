package io.supervisorkafka.listener.gunicorn;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Parses StatsD datagrams as gunicorn writes them: one or more lines {@code name:value|type[|@rate][|#tags]} separated
 * by {@code \n}, type {@code c} (counter), {@code ms} (timer), {@code h} (histogram, kept as a timer), {@code g}
 * (gauge; a leading {@code +} or {@code -} makes it a delta), DogStatsD tags {@code #k:v,flag}. A bad line is
 * counted and skipped; the others of the datagram still count. Never throws on input.
 */
public final class StatsdParser {
    /** Longest line accepted. */
    public static final int MAX_LINE = 4096;

    /** Metric types as parsed. */
    public enum Type { COUNTER, TIMER, GAUGE, GAUGE_DELTA }

    /** Receives the parsed lines. */
    public interface Sink {
        void accept(String name, double value, Type type, double rate, Map<String, String> tags);
    }

    private StatsdParser() {
    }

    /** Parses {@code length} bytes of {@code data} from {@code offset}; returns the number of malformed lines. */
    public static int parse(byte[] data, int offset, int length, Sink sink) {
        int malformed = 0;
        int end = offset + length;
        int start = offset;
        while (start < end) {
            int newline = start;
            while (newline < end && data[newline] != '\n') {
                newline++;
            }
            int lineEnd = newline > start && data[newline - 1] == '\r' ? newline - 1 : newline;
            if (lineEnd > start && !parseLine(data, start, lineEnd, sink)) {
                malformed++;
            }
            start = newline + 1;
        }
        return malformed;
    }

    /** Parses one line (without the newline); false when it is malformed. */
    static boolean parseLine(byte[] data, int start, int end, Sink sink) {
        if (end - start > MAX_LINE) {
            return false;
        }
        int colon = indexOf(data, start, end, (byte) ':');
        if (colon <= start) {
            return false;
        }
        int pipe = indexOf(data, colon + 1, end, (byte) '|');
        if (pipe < 0 || pipe == colon + 1) {
            return false;
        }
        for (int i = start; i < colon; i++) {
            byte b = data[i];
            if (b == ' ' || b == '|' || b == '@' || b == '#' || b < 0x20) {
                return false;
            }
        }
        int typeEnd = indexOf(data, pipe + 1, end, (byte) '|');
        if (typeEnd < 0) {
            typeEnd = end;
        }
        Type type;
        int typeLength = typeEnd - pipe - 1;
        byte t0 = typeLength > 0 ? data[pipe + 1] : 0;
        if (typeLength == 1 && t0 == 'c') {
            type = Type.COUNTER;
        } else if (typeLength == 1 && t0 == 'g') {
            type = Type.GAUGE;
        } else if (typeLength == 1 && t0 == 'h' || typeLength == 2 && t0 == 'm' && data[pipe + 2] == 's') {
            type = Type.TIMER;
        } else {
            return false;
        }
        double value;
        try {
            value = parseNumber(data, colon + 1, pipe);
        } catch (NumberFormatException e) {
            return false;
        }
        if (type == Type.GAUGE && (data[colon + 1] == '+' || data[colon + 1] == '-')) {
            type = Type.GAUGE_DELTA;
        }
        double rate = 1.0;
        Map<String, String> tags = Map.of();
        int section = typeEnd;
        while (section < end) {
            int next = indexOf(data, section + 1, end, (byte) '|');
            if (next < 0) {
                next = end;
            }
            if (next == section + 1) {
                return false;
            }
            byte kind = data[section + 1];
            if (kind == '@') {
                try {
                    rate = parseNumber(data, section + 2, next);
                } catch (NumberFormatException e) {
                    return false;
                }
                if (!(rate > 0 && rate <= 1)) {
                    return false;
                }
            } else if (kind == '#') {
                tags = tags(data, section + 2, next);
            } else {
                return false; // e.g. a DogStatsD container id |c:...: unknown sections are refused, not guessed
            }
            section = next;
        }
        sink.accept(new String(data, start, colon - start, StandardCharsets.UTF_8), value, type, rate, tags);
        return true;
    }

    private static Map<String, String> tags(byte[] data, int start, int end) {
        Map<String, String> tags = new LinkedHashMap<>();
        String text = new String(data, start, end - start, StandardCharsets.UTF_8);
        for (String tag : text.split(",")) {
            if (tag.isEmpty()) {
                continue;
            }
            int colon = tag.indexOf(':');
            if (colon < 0) {
                tags.put(tag, "");
            } else {
                tags.put(tag.substring(0, colon), tag.substring(colon + 1));
            }
        }
        return tags;
    }

    private static double parseNumber(byte[] data, int start, int end) {
        if (end <= start || end - start > 64) {
            throw new NumberFormatException("empty or too long");
        }
        // Fast path: [+-]digits[.digits], what gunicorn writes.
        int i = start;
        boolean negative = false;
        if (data[i] == '+' || data[i] == '-') {
            negative = data[i] == '-';
            i++;
        }
        long mantissa = 0;
        int digits = 0;
        int scale = 0;
        boolean dot = false;
        for (; i < end; i++) {
            byte b = data[i];
            if (b >= '0' && b <= '9') {
                if (digits >= 17) {
                    return slowNumber(data, start, end);
                }
                mantissa = mantissa * 10 + (b - '0');
                digits++;
                if (dot) {
                    scale++;
                }
            } else if (b == '.' && !dot) {
                dot = true;
            } else {
                return slowNumber(data, start, end);
            }
        }
        if (digits == 0) {
            throw new NumberFormatException("no digits");
        }
        double value = scale == 0 ? mantissa : mantissa / POWERS[scale];
        return negative ? -value : value;
    }

    private static final double[] POWERS = new double[18];

    static {
        POWERS[0] = 1;
        for (int i = 1; i < POWERS.length; i++) {
            POWERS[i] = POWERS[i - 1] * 10;
        }
    }

    private static double slowNumber(byte[] data, int start, int end) {
        String text = new String(data, start, end - start, StandardCharsets.US_ASCII);
        double value = Double.parseDouble(text);
        if (!Double.isFinite(value) || text.indexOf('x') >= 0 || text.indexOf('X') >= 0 || text.endsWith("d")
                || text.endsWith("D") || text.endsWith("f") || text.endsWith("F")) {
            throw new NumberFormatException("not a finite decimal number: " + text);
        }
        return value;
    }

    private static int indexOf(byte[] data, int from, int end, byte wanted) {
        for (int i = from; i < end; i++) {
            if (data[i] == wanted) {
                return i;
            }
        }
        return -1;
    }
}
