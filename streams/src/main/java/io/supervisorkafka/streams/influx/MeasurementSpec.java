package io.supervisorkafka.streams.influx;

import io.supervisorkafka.streams.common.TagSpec;
import java.util.List;
import java.util.Objects;

/**
 * One measurement of {@link InfluxCatalog}: its name, tag keys, fields and meaning. Lines are started here, so that
 * a measurement, tag or field name is never spelled anywhere else.
 *
 * @param name        the measurement, e.g. {@code supervisor_processes}
 * @param telegraf    the Telegraf input plugin whose measurement this is, e.g. {@code inputs.supervisor}
 * @param tags        its tag keys
 * @param fields      its fields
 * @param description when a line is written and what differs from Telegraf's
 */
public record MeasurementSpec(String name, String telegraf, List<TagSpec> tags, List<FieldSpec> fields,
                              String description) {

    /**
     * One field.
     *
     * @param key         the field key
     * @param type        its line-protocol type: {@code integer} or {@code string}
     * @param always      whether every line has it
     * @param description what its value is, and how Telegraf computes it
     */
    public record FieldSpec(String key, String type, boolean always, String description) {
        public static FieldSpec integer(String key, String description) {
            return new FieldSpec(key, "integer", true, description);
        }

        public static FieldSpec optionalInteger(String key, String description) {
            return new FieldSpec(key, "integer", false, description);
        }
    }

    public MeasurementSpec {
        Objects.requireNonNull(name, "name");
        tags = List.copyOf(tags);
        fields = List.copyOf(fields);
    }

    /** A line of this measurement; only its own tags and fields can be added to it. */
    public Line line() {
        return new Line(this);
    }

    /** A {@link LineProtocol} line that holds to its measurement's tags and fields. */
    public static final class Line {
        private final MeasurementSpec spec;
        private final LineProtocol line;

        private Line(MeasurementSpec spec) {
            this.spec = spec;
            this.line = LineProtocol.measurement(spec.name());
        }

        public Line tag(TagSpec tag, String value) {
            if (!spec.tags().contains(tag)) {
                throw new IllegalArgumentException(spec.name() + " has no tag " + tag.key());
            }
            line.tag(tag.key(), value);
            return this;
        }

        public Line field(FieldSpec field, long value) {
            if (!spec.fields().contains(field)) {
                throw new IllegalArgumentException(spec.name() + " has no field " + field.key());
            }
            line.field(field.key(), value);
            return this;
        }

        public Line timestampMillis(long epochMillis) {
            line.timestampMillis(epochMillis);
            return this;
        }

        @Override
        public String toString() {
            return line.toString();
        }
    }
}
