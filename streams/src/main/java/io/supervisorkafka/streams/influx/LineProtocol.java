package io.supervisorkafka.streams.influx;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One line of InfluxDB line protocol: {@code measurement[,tag=value...] field=value[,...] [timestamp]}, escaped as
 * Telegraf's influx serializer escapes it, so that InfluxDB 1.x, Telegraf's {@code influx} parser and any other
 * line-protocol reader split it where it was meant to be split.
 *
 * <ul>
 *   <li>measurement: commas and spaces escaped with a backslash;</li>
 *   <li>tag keys, tag values, field keys: commas, spaces and equals signs escaped with a backslash; a tab, newline,
 *       carriage return or form feed (which would end the line or be lost) written as {@code \t}, {@code \n},
 *       {@code \r}, {@code \f}, as Telegraf writes them (InfluxDB then stores those two characters); any other
 *       backslash as it is (InfluxDB 1.x unescapes only {@code \,} {@code \ } {@code \=}, so doubling it would store
 *       two);</li>
 *   <li>a tag whose value is empty or ends with a backslash is left out, as Telegraf leaves it out: line protocol
 *       has no way to write either (InfluxDB 1.x reads a trailing backslash as escaping the delimiter after it and
 *       rejects the line);</li>
 *   <li>integer fields with the {@code i} suffix; string fields in double quotes, with double quotes and backslashes
 *       escaped;</li>
 *   <li>tags and fields in key order (Telegraf's order, and the order InfluxDB stores them in);</li>
 *   <li>the timestamp in nanoseconds since the epoch (the default precision of InfluxDB's {@code /write} and of
 *       Telegraf's parser).</li>
 * </ul>
 *
 * <p>Written here rather than with InfluxData's Java clients: their {@code Point} (influxdb-client-java,
 * influxdb-java) comes with an HTTP client stack (OkHttp, Retrofit, RxJava or Moshi, Kotlin's standard library: some
 * 7 MB in the Streams jar) for a few lines of escaping, and writes a line InfluxDB rejects for a tag value ending
 * with a backslash (influxdb-java also lets a newline in a tag value split the line in two).
 */
public final class LineProtocol {

    private final String measurement;
    private final Map<String, String> tags = new TreeMap<>();
    private final Map<String, String> fields = new TreeMap<>();
    private Long timestampNanos;

    private LineProtocol(String measurement) {
        this.measurement = requireName(measurement, "measurement");
    }

    /** A line of {@code measurement}; give it at least one field. */
    public static LineProtocol measurement(String measurement) {
        return new LineProtocol(measurement);
    }

    /** Adds a tag; a null value adds nothing. */
    public LineProtocol tag(String key, String value) {
        requireName(key, "tag key");
        if (value != null) {
            tags.put(key, value);
        }
        return this;
    }

    /** Adds an integer field, written with the {@code i} suffix. */
    public LineProtocol field(String key, long value) {
        fields.put(requireName(key, "field key"), value + "i");
        return this;
    }

    /** Adds a string field; a null value adds nothing. */
    public LineProtocol field(String key, String value) {
        requireName(key, "field key");
        if (value != null) {
            fields.put(key, '"' + escapeString(value) + '"');
        }
        return this;
    }

    /** The point's time, epoch milliseconds (written in nanoseconds). */
    public LineProtocol timestampMillis(long epochMillis) {
        this.timestampNanos = Math.multiplyExact(epochMillis, 1_000_000L);
        return this;
    }

    /** The line, without a line break. */
    @Override
    public String toString() {
        if (fields.isEmpty()) {
            throw new IllegalStateException("a line of " + measurement + " needs at least one field");
        }
        StringBuilder line = new StringBuilder(64);
        escape(line, measurement, false);
        tags.forEach((key, value) -> {
            if (!value.isEmpty() && !value.endsWith("\\")) {
                line.append(',');
                escape(line, key, true);
                line.append('=');
                escape(line, value, true);
            }
        });
        line.append(' ');
        boolean first = true;
        for (Map.Entry<String, String> field : fields.entrySet()) {
            if (!first) {
                line.append(',');
            }
            first = false;
            escape(line, field.getKey(), true);
            line.append('=').append(field.getValue());
        }
        if (timestampNanos != null) {
            line.append(' ').append(timestampNanos);
        }
        return line.toString();
    }

    /** A measurement, tag key, tag value or field key; {@code equals} escapes {@code =} too (all but measurements). */
    private static void escape(StringBuilder out, String text, boolean equals) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case ',', ' ' -> out.append('\\').append(c);
                case '=' -> out.append(equals ? "\\=" : "=");
                case '\t' -> out.append("\\t");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\f' -> out.append("\\f");
                default -> out.append(c);
            }
        }
    }

    private static String escapeString(String value) {
        StringBuilder out = new StringBuilder(value.length() + 8);
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"' || c == '\\') {
                out.append('\\');
            }
            out.append(c);
        }
        return out.toString();
    }

    /** Keys and measurements come from the catalog: an empty or trailing-backslash one is a bug, not data. */
    private static String requireName(String name, String what) {
        Objects.requireNonNull(name, what);
        if (name.isEmpty() || name.endsWith("\\")) {
            throw new IllegalArgumentException("not a line-protocol " + what + ": '" + name + "'");
        }
        return name;
    }
}
