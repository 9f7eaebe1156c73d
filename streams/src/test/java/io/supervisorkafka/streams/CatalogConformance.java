package io.supervisorkafka.streams;

import static org.assertj.core.api.Assertions.assertThat;

import io.supervisorkafka.schemas.MetricPoint;
import io.supervisorkafka.schemas.ServiceCheck;
import io.supervisorkafka.streams.common.Catalog;
import io.supervisorkafka.streams.common.CheckSpec;
import io.supervisorkafka.streams.common.MetricSpec;
import io.supervisorkafka.streams.common.TagSpec;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Holds what the topology emits to its catalogs ({@link TopologyFactory#catalogs()}): a metric point must belong to
 * one metric of a catalog, with its type and its tag keys (every key the metric always has, and no key it does not
 * declare); a service check must be one of a catalog, with one of its statuses, its entity fields and its record key.
 * {@link TopologyOutputs} applies it to every record a topology test reads.
 */
public final class CatalogConformance {
    private static final List<Catalog> CATALOGS = TopologyFactory.catalogs();
    private static final Pattern KEY_FIELD = Pattern.compile("[a-z]+");

    private CatalogConformance() {
    }

    /** The metric a point belongs to. */
    public static MetricSpec metricOf(MetricPoint point) {
        return CATALOGS.stream().map(catalog -> catalog.metric(point.name())).flatMap(Optional::stream).findFirst()
                .orElseThrow(() -> new AssertionError("metric " + point.name() + " is in no catalog: " + point));
    }

    /** The check a service check is. */
    public static CheckSpec checkOf(ServiceCheck check) {
        return CATALOGS.stream().map(catalog -> catalog.check(check.check())).flatMap(Optional::stream).findFirst()
                .orElseThrow(() -> new AssertionError("check " + check.check() + " is in no catalog: " + check));
    }

    public static void assertConforms(MetricPoint point) {
        MetricSpec metric = metricOf(point);
        assertThat(point.type()).as("type of %s", point).isEqualTo(metric.type().wire());
        assertTags(metric.tags(), point.tags().keySet(), point.toString());
    }

    public static void assertConforms(String key, ServiceCheck check) {
        CheckSpec spec = checkOf(check);
        assertThat(spec.statuses()).as("statuses of %s", check).containsKey(check.status());
        if (check.previous() != null) {
            assertThat(spec.statuses()).as("previous status of %s", check).containsKey(check.previous());
        }
        Map<String, String> fields = entityFields(check);
        assertTags(spec.entity(), fields.keySet(), check.toString());
        assertThat(key).as("record key of %s", check).isEqualTo(keyOf(spec, fields));
    }

    private static void assertTags(List<TagSpec> declared, Set<String> keys, String what) {
        Set<String> always = new HashSet<>();
        Set<String> known = new HashSet<>();
        boolean anyKey = false;
        for (TagSpec tag : declared) {
            anyKey |= tag.anyKey();
            known.add(tag.key());
            if (tag.always()) {
                always.add(tag.key());
            }
        }
        assertThat(keys).as("tags every point of %s has", what).containsAll(always);
        if (!anyKey) {
            assertThat(known).as("tags declared for %s", what).containsAll(keys);
        }
    }

    private static Map<String, String> entityFields(ServiceCheck check) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("server", check.server());
        fields.put("group", check.group());
        fields.put("name", check.name());
        fields.put("app", check.app());
        fields.values().removeIf(value -> value == null);
        return fields;
    }

    /** The record key the catalog describes, e.g. {@code gunicorn.is_running|server/app}, with the check's values. */
    private static String keyOf(CheckSpec spec, Map<String, String> fields) {
        int bar = spec.key().indexOf('|');
        Matcher field = KEY_FIELD.matcher(spec.key().substring(bar + 1));
        StringBuilder key = new StringBuilder();
        while (field.find()) {
            field.appendReplacement(key, Matcher.quoteReplacement(fields.getOrDefault(field.group(), "?")));
        }
        field.appendTail(key);
        return spec.key().substring(0, bar + 1) + key;
    }
}
