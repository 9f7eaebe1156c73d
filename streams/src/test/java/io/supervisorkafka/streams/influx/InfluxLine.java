package io.supervisorkafka.streams.influx;

import static org.assertj.core.api.Assertions.assertThat;

import io.supervisorkafka.streams.common.TagSpec;
import io.supervisorkafka.streams.influx.MeasurementSpec.FieldSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * One line of line protocol as InfluxDB 1.x reads it: a character preceded by a backslash is escaped; tag keys and
 * values and field keys unescape only {@code \,} {@code \ } {@code \=}, measurements {@code \,} {@code \ }, string
 * fields {@code \"} {@code \\}. For the tests to check what a reader gets back; the real InfluxDB test checks the same
 * against influxd itself.
 *
 * @param fields {@code Long} for an integer, {@code String} for a string field, {@code Double} for a float
 */
public record InfluxLine(String measurement, Map<String, String> tags, Map<String, Object> fields, Long timestamp) {

    public static InfluxLine parse(String line) {
        assertThat(line).as("one line").doesNotContain("\n", "\r");
        int at = until(line, 0, ", ");
        String measurement = unescape(line.substring(0, at), ", ");
        Map<String, String> tags = new LinkedHashMap<>();
        while (line.charAt(at) == ',') {
            int end = until(line, at + 1, ", ");
            String tag = line.substring(at + 1, end);
            int equals = until(tag, 0, "=");
            assertThat(equals).as("a tag key=value in %s", line).isLessThan(tag.length());
            tags.put(unescape(tag.substring(0, equals), ", ="), unescape(tag.substring(equals + 1), ", ="));
            at = end;
        }
        Map<String, Object> fields = new LinkedHashMap<>();
        int i = at + 1;
        while (true) {
            int equals = until(line, i, "=");
            String key = unescape(line.substring(i, equals), ", =");
            int valueStart = equals + 1;
            int valueEnd;
            if (line.charAt(valueStart) == '"') {
                valueEnd = valueStart + 1;
                while (line.charAt(valueEnd) != '"') {
                    valueEnd += line.charAt(valueEnd) == '\\' ? 2 : 1;
                }
                valueEnd++;
                String quoted = line.substring(valueStart + 1, valueEnd - 1);
                fields.put(key, quoted.replace("\\\"", "\"").replace("\\\\", "\\"));
            } else {
                valueEnd = until(line, valueStart, ", ");
                String value = line.substring(valueStart, valueEnd);
                fields.put(key, value.endsWith("i") ? (Object) Long.parseLong(value.substring(0, value.length() - 1))
                        : (Object) Double.parseDouble(value));
            }
            if (valueEnd >= line.length() || line.charAt(valueEnd) == ' ') {
                i = valueEnd;
                break;
            }
            i = valueEnd + 1;
        }
        Long timestamp = i < line.length() ? Long.parseLong(line.substring(i + 1)) : null;
        return new InfluxLine(measurement, tags, fields, timestamp);
    }

    /** Every line of a list, parsed. */
    public static List<InfluxLine> parseAll(List<String> lines) {
        return new ArrayList<>(lines.stream().map(InfluxLine::parse).toList());
    }

    /**
     * Holds the line to {@link InfluxCatalog}: a known measurement, every tag it always has and no other, every field
     * it always has and no other, integer fields as integers.
     */
    public InfluxLine assertConforms() {
        MeasurementSpec spec = InfluxCatalog.measurement(measurement)
                .orElseThrow(() -> new AssertionError("measurement " + measurement + " is in no catalog"));
        Set<String> declaredTags = spec.tags().stream().map(TagSpec::key).collect(Collectors.toSet());
        Set<String> requiredTags = spec.tags().stream().filter(TagSpec::always).map(TagSpec::key)
                .collect(Collectors.toSet());
        assertThat(declaredTags).as("tags of %s", this).containsAll(tags.keySet());
        assertThat(tags.keySet()).as("tags of %s", this).containsAll(requiredTags);
        Set<String> declaredFields = spec.fields().stream().map(FieldSpec::key).collect(Collectors.toSet());
        Set<String> requiredFields = spec.fields().stream().filter(FieldSpec::always).map(FieldSpec::key)
                .collect(Collectors.toSet());
        assertThat(declaredFields).as("fields of %s", this).containsAll(fields.keySet());
        assertThat(fields.keySet()).as("fields of %s", this).containsAll(requiredFields);
        spec.fields().stream().filter(field -> field.type().equals("integer") && fields.containsKey(field.key()))
                .forEach(field -> assertThat(fields.get(field.key())).as("%s of %s", field.key(), this)
                        .isInstanceOf(Long.class));
        assertThat(timestamp).as("timestamp of %s", this).isNotNull();
        return this;
    }

    public long integer(String field) {
        return (Long) fields.get(field);
    }

    /** The first index from {@code from} of one of {@code delimiters} not preceded by a backslash, else the length. */
    private static int until(String text, int from, String delimiters) {
        for (int i = from; i < text.length(); i++) {
            if (delimiters.indexOf(text.charAt(i)) >= 0 && (i == 0 || text.charAt(i - 1) != '\\')) {
                return i;
            }
        }
        return text.length();
    }

    private static String unescape(String text, String escaped) {
        String result = text;
        for (char c : escaped.toCharArray()) {
            result = result.replace("\\" + c, String.valueOf(c));
        }
        return result;
    }
}
