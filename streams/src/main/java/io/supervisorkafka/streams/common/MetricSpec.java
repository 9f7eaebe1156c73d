package io.supervisorkafka.streams.common;

import io.supervisorkafka.schemas.MetricPoint;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One metric of a {@link Catalog}: a name, or a family of names with {@code <placeholder>}s (e.g.
 * {@code gunicorn.request.status.<code>}), its type, unit, tag keys and meaning. Points are made here, so that a
 * name is never spelled or assembled anywhere else.
 */
public final class MetricSpec {

    /**
     * The placeholder of a family's name.
     *
     * @param placeholder the name between {@code <} and {@code >} in the family's name
     * @param pattern     a regular expression of the values it takes
     * @param description what the values are
     */
    public record Member(String placeholder, String pattern, String description) {
    }

    private static final Pattern PLACEHOLDER = Pattern.compile("<([a-z_]+)>");

    private final String name;
    private final MetricType type;
    private final String unit;
    private final List<TagSpec> tags;
    private final String description;
    private final List<Member> members;
    private final Pattern names;

    private MetricSpec(String name, MetricType type, String unit, List<TagSpec> tags, String description,
                       List<Member> members) {
        this.name = Objects.requireNonNull(name, "name");
        this.type = Objects.requireNonNull(type, "type");
        this.unit = Objects.requireNonNull(unit, "unit");
        this.tags = List.copyOf(tags);
        this.description = Objects.requireNonNull(description, "description");
        this.members = List.copyOf(members);
        this.names = namesOf(name, this.members);
    }

    public static MetricSpec gauge(String name, String unit, String description) {
        return new MetricSpec(name, MetricType.GAUGE, unit, List.of(), description, List.of());
    }

    public static MetricSpec rate(String name, String unit, String description) {
        return new MetricSpec(name, MetricType.RATE, unit, List.of(), description, List.of());
    }

    /** This metric with these tag keys. */
    public MetricSpec tags(TagSpec... keys) {
        return new MetricSpec(name, type, unit, List.of(keys), description, members);
    }

    /** This family with the values of one more of its placeholders, in the order they appear in the name. */
    public MetricSpec member(String placeholder, String pattern, String memberDescription) {
        List<Member> all = new ArrayList<>(members);
        all.add(new Member(placeholder, pattern, memberDescription));
        return new MetricSpec(name, type, unit, tags, description, all);
    }

    /** The name, or the family's name with its {@code <placeholder>}s. */
    public String name() {
        return name;
    }

    public MetricType type() {
        return type;
    }

    public String unit() {
        return unit;
    }

    public List<TagSpec> tags() {
        return tags;
    }

    public String description() {
        return description;
    }

    /** The placeholders of a family; empty for a single metric. */
    public List<Member> members() {
        return members;
    }

    public boolean isFamily() {
        return !members.isEmpty();
    }

    /** Whether {@code metricName} is this metric, or a member of this family. */
    public boolean matches(String metricName) {
        return names.matcher(metricName).matches();
    }

    /** The member of this family whose placeholders take {@code values}, in order. */
    public String nameOf(String... values) {
        return memberName(values).orElseThrow(() -> new IllegalArgumentException(
                String.join(", ", values) + " make no member of " + name));
    }

    /** The member of this family whose placeholders take {@code values}; empty when they are not its values. */
    public Optional<String> memberName(String... values) {
        if (values.length != members.size()) {
            throw new IllegalArgumentException(name + " takes " + members.size() + " values, not " + values.length);
        }
        Matcher placeholder = PLACEHOLDER.matcher(name);
        StringBuilder built = new StringBuilder();
        int i = 0;
        while (placeholder.find()) {
            placeholder.appendReplacement(built, Matcher.quoteReplacement(values[i++]));
        }
        placeholder.appendTail(built);
        return matches(built.toString()) ? Optional.of(built.toString()) : Optional.empty();
    }

    /** A point of this (single) metric. */
    public MetricPoint point(double value, long timestamp, Map<String, String> pointTags) {
        if (isFamily()) {
            throw new IllegalStateException(name + " is a family: give the member's name");
        }
        return new MetricPoint(name, type.wire(), value, timestamp, pointTags);
    }

    /** A point of the member of this family whose placeholder takes {@code member}, e.g. {@code running}. */
    public MetricPoint memberPoint(String member, double value, long timestamp, Map<String, String> pointTags) {
        return point(nameOf(member), value, timestamp, pointTags);
    }

    /** A point of the member {@code metricName} of this family (or of this metric, when it is its name). */
    public MetricPoint point(String metricName, double value, long timestamp, Map<String, String> pointTags) {
        return new MetricPoint(requireMember(metricName), type.wire(), value, timestamp, pointTags);
    }

    private String requireMember(String metricName) {
        if (!matches(metricName)) {
            throw new IllegalArgumentException(metricName + " is not " + name);
        }
        return metricName;
    }

    private static Pattern namesOf(String name, List<Member> members) {
        Matcher placeholder = PLACEHOLDER.matcher(name);
        StringBuilder regex = new StringBuilder();
        int from = 0;
        int i = 0;
        while (placeholder.find()) {
            if (i >= members.size() || !members.get(i).placeholder().equals(placeholder.group(1))) {
                // A family under construction: matches nothing until all its members are given.
                return Pattern.compile("(?!)");
            }
            regex.append(Pattern.quote(name.substring(from, placeholder.start())))
                    .append("(?:").append(members.get(i++).pattern()).append(')');
            from = placeholder.end();
        }
        if (i != members.size()) {
            throw new IllegalArgumentException(name + " has no placeholder <" + members.get(i).placeholder() + ">");
        }
        return Pattern.compile(regex.append(Pattern.quote(name.substring(from))).toString());
    }

    @Override
    public String toString() {
        return name;
    }
}
