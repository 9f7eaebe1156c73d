package io.supervisorkafka.streams;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.supervisorkafka.schemas.CheckStatus;
import io.supervisorkafka.schemas.Json;
import io.supervisorkafka.schemas.MetricPoint;
import io.supervisorkafka.schemas.ServiceCheck;
import io.supervisorkafka.schemas.Topics;
import io.supervisorkafka.streams.common.Catalog;
import io.supervisorkafka.streams.common.CheckSpec;
import io.supervisorkafka.streams.common.MetricSpec;
import io.supervisorkafka.streams.common.PromFamily;
import io.supervisorkafka.streams.common.TagSpec;
import io.supervisorkafka.streams.influx.InfluxCatalog;
import io.supervisorkafka.streams.influx.InfluxLine;
import io.supervisorkafka.streams.influx.MeasurementSpec;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.apache.kafka.streams.KeyValue;

/**
 * Renders {@code docs/metrics.md} and {@code docs/checks.md} from the catalogs, with example records taken from what
 * the topology emitted in {@link CatalogScenarios}, and {@code docs/prometheus.md} from their Prometheus families.
 */
final class CatalogDocs {
    private static final String GENERATED = "<!-- Generated from the catalogs (streams/src/main/java/"
            + "io/supervisorkafka/streams/*/*Catalog.java) by CatalogDocsTest: edit the catalogs, not this file. -->";

    /** Tags in key order, as the golden files have them, so that the examples do not change from run to run. */
    private static final ObjectMapper CANONICAL = Json.MAPPER.copy()
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

    private final List<Catalog> catalogs;
    private final List<KeyValue<String, Object>> metrics;
    private final List<KeyValue<String, Object>> checks;
    private final List<KeyValue<String, String>> influxLines;

    CatalogDocs(List<Catalog> catalogs, TopologyOutputs emitted) {
        this.catalogs = catalogs;
        this.metrics = emitted.everything.getOrDefault(Topics.METRICS, List.of());
        this.checks = emitted.everything.getOrDefault(Topics.SERVICE_CHECKS, List.of());
        this.influxLines = emitted.everything.getOrDefault(Topics.INFLUX, List.of()).stream()
                .map(record -> KeyValue.pair(record.key, (String) record.value)).toList();
    }

    String influx() {
        StringBuilder doc = new StringBuilder("# InfluxDB lines\n\n").append(GENERATED.replace("*/*Catalog.java",
                "influx/InfluxCatalog.java")).append("\n\n");
        doc.append("""
                What the Streams app writes on `supervisor.influx` with `--influx` (`influx.enabled=true`): InfluxDB \
                line protocol in the shape of Telegraf's inputs, so that a Telegraf `kafka_consumer` with \
                `data_format = "influx"` (or any line-protocol reader) feeds dashboards built on Telegraf's data. The \
                record key is the server id; the value is one line, UTF-8 text (not JSON), with its timestamp in \
                nanoseconds. Tags and fields are in key order; commas, spaces and equals signs in tag values are \
                escaped with a backslash, a tag value that line protocol cannot carry (empty, or ending with a \
                backslash) is left out, as Telegraf leaves it out. How to consume it, and what differs from Telegraf: \
                [streams README](../streams/README.md#influxdb-lines).

                These tables are generated from the catalog the processors take their names from, and a test holds \
                every line the topology writes to it. Regenerate after changing it:

                ```
                """).append(GoldenFiles.REGENERATE).append("\n```\n");
        for (MeasurementSpec measurement : InfluxCatalog.MEASUREMENTS) {
            doc.append("\n## `").append(measurement.name()).append("`\n\nTelegraf's `")
                    .append(measurement.telegraf()).append("`. ").append(measurement.description()).append("\n\n");
            doc.append("| tag | description |\n| --- | --- |\n");
            measurement.tags().forEach(tag -> doc.append("| `").append(tag.key()).append('`')
                    .append(tag.always() ? "" : " (optional)").append(" | ").append(tag.description()).append(" |\n"));
            doc.append("\n| field | type | description |\n| --- | --- | --- |\n");
            measurement.fields().forEach(field -> doc.append("| `").append(field.key()).append('`')
                    .append(field.always() ? "" : " (optional)").append(" | ").append(field.type()).append(" | ")
                    .append(field.description()).append(" |\n"));
            influxExample(measurement).ifPresent(line -> doc.append("\nExample (key `").append(line.key)
                    .append("`):\n\n```\n").append(line.value).append("\n```\n"));
        }
        return doc.toString();
    }

    /** The first line of the measurement with a non-zero exit code (it says the most), else its first. */
    private Optional<KeyValue<String, String>> influxExample(MeasurementSpec measurement) {
        List<KeyValue<String, String>> mine = influxLines.stream()
                .filter(line -> InfluxLine.parse(line.value).measurement().equals(measurement.name())).toList();
        return mine.stream().filter(line -> {
            Object exitCode = InfluxLine.parse(line.value).fields().get(InfluxCatalog.EXIT_CODE.key());
            return exitCode != null && !exitCode.equals(0L);
        }).findFirst().or(() -> mine.stream().findFirst());
    }

    String metrics() {
        StringBuilder doc = new StringBuilder("# Metrics\n\n").append(GENERATED).append("\n\n");
        doc.append("""
                Every metric point the Streams app publishes on `supervisor.metrics`, one table per source. The record \
                key is the server id (`*` for the fleet-wide gunicorn points); the value is a `MetricPoint` \
                ([schema](../schemas/src/main/resources/schemas/supervisor.metrics.schema.json)): `name`, `type`, \
                `value`, `timestamp` (epoch ms) and `tags`. A `gauge` is the value at that time, a `rate` a count per \
                second over the interval ending then. A name with a `<placeholder>` is a family: one metric per value \
                of the placeholder.

                These tables are generated from the catalogs the processors take their names from, and a test holds \
                every point the topology emits to them (name, type and tag keys). Service checks are in \
                [checks.md](checks.md). Regenerate after changing a catalog:

                ```
                """).append(GoldenFiles.REGENERATE).append("\n```\n");
        for (Catalog catalog : catalogs) {
            doc.append("\n## ").append(catalog.title()).append("\n\n").append(catalog.description()).append("\n\n");
            doc.append("| metric | type | unit | tags | description |\n| --- | --- | --- | --- | --- |\n");
            Map<String, TagSpec> tags = new LinkedHashMap<>();
            for (MetricSpec metric : catalog.metrics()) {
                metric.tags().forEach(tag -> tags.putIfAbsent(tag.key(), tag));
                doc.append("| `").append(metric.name()).append("` | ").append(metric.type().wire()).append(" | ")
                        .append(metric.unit()).append(" | ").append(tagList(metric.tags())).append(" | ")
                        .append(describe(metric)).append(" |\n");
            }
            doc.append("\nTags:\n\n");
            tags.values().forEach(tag -> doc.append("- ").append(tag.anyKey() ? "others" : "`" + tag.key() + "`")
                    .append(": ").append(tag.description()).append('\n'));
            example(catalog.metrics().get(0)).ifPresent(point -> doc.append("\nExample (`supervisor.metrics`, key `")
                    .append(point.key).append("`):\n\n```json\n").append(json(point.value)).append("\n```\n"));
        }
        return doc.toString();
    }

    String checks() {
        StringBuilder doc = new StringBuilder("# Service checks\n\n").append(GENERATED).append("\n\n");
        doc.append("""
                Every service check the Streams app publishes on `supervisor.service-checks`: the alerting feed. A \
                check is sent when its entity (a server, a process, an app) is first seen \
                (`supervisord.process.flapping`: when the process first flaps) and whenever its status changes, never \
                again while the status stays; each record's `previous` is the status of the record before it for that \
                check and entity. The value is a `ServiceCheck` \
                ([schema](../schemas/src/main/resources/schemas/supervisor.service-checks.schema.json)): `check`, \
                the entity's fields, `status` and the `previous` one (absent on first sight), a `message` saying \
                what, where, since when and why, and `timestamp` (epoch ms). Statuses are Datadog's: OK 0, WARNING 1, \
                CRITICAL 2, UNKNOWN 3.

                These tables are generated from the catalogs the processors take their names from, and a test holds \
                every check the topology emits to them (name, status, entity fields and record key). Metrics are in \
                [metrics.md](metrics.md). Regenerate after changing a catalog:

                ```
                """).append(GoldenFiles.REGENERATE).append("\n```\n");
        for (Catalog catalog : catalogs) {
            if (catalog.checks().isEmpty()) {
                continue;
            }
            doc.append("\n## ").append(catalog.title()).append("\n\n");
            doc.append("| check | record key | entity | statuses | description |\n| --- | --- | --- | --- | --- |\n");
            for (CheckSpec check : catalog.checks()) {
                doc.append("| `").append(check.name()).append("` | `").append(check.key().replace("|", "\\|"))
                        .append("` | ").append(tagList(check.entity())).append(" | ")
                        .append(check.orderedStatuses().stream().map(status -> "**" + status + "**: "
                                + check.statuses().get(status)).collect(Collectors.joining("<br>")))
                        .append(" | ").append(check.description()).append(" |\n");
            }
            for (CheckSpec check : catalog.checks()) {
                example(check).ifPresent(record -> doc.append("\nExample (key `").append(record.key)
                        .append("`):\n\n```json\n").append(json(record.value)).append("\n```\n"));
            }
        }
        return doc.toString();
    }

    /** {@code docs/prometheus.md}: the Prometheus endpoint's families, from {@code catalogs} (the app's own too). */
    static String prometheus(List<Catalog> catalogs) {
        StringBuilder doc = new StringBuilder("# Prometheus families\n\n").append(GENERATED).append("\n\n");
        doc.append("""
                Every metric family the Streams app serves on `/metrics` with `--http-listen` (see \
                [the streams README](../streams/README.md#prometheus-endpoint)), read from its state stores at scrape \
                time: each instance serves what its own tasks hold, so Prometheus scrapes every instance. A `counter` \
                only goes up, and back to 0 when what counts it restarts: take its `rate()` or `increase()`. The HELP \
                line of each family is its description here.

                These tables are generated from the catalogs the endpoint takes its names from, and a test holds \
                every family it serves to them. Regenerate after changing a catalog:

                ```
                """).append(GoldenFiles.REGENERATE).append("\n```\n");
        for (Catalog catalog : catalogs) {
            if (catalog.families().isEmpty()) {
                continue;
            }
            doc.append("\n## ").append(catalog.title()).append("\n\n");
            doc.append("| family | type | labels | description |\n| --- | --- | --- | --- |\n");
            for (PromFamily family : catalog.families()) {
                doc.append("| `").append(family.name()).append("` | ").append(family.type().text()).append(" | ")
                        .append(family.labels().stream().map(label -> "`" + label + "`")
                                .collect(Collectors.joining(", ")))
                        .append(" | ").append(family.help()).append(" |\n");
            }
        }
        return doc.toString();
    }

    private static String describe(MetricSpec metric) {
        StringBuilder text = new StringBuilder(metric.description());
        for (MetricSpec.Member member : metric.members()) {
            text.append(" `<").append(member.placeholder()).append(">`: ").append(member.description()).append('.');
        }
        return text.toString();
    }

    private static String tagList(List<TagSpec> tags) {
        return tags.stream().map(tag -> tag.anyKey() ? "others"
                : "`" + tag.key() + "`" + (tag.always() ? "" : " (optional)")).collect(Collectors.joining(", "));
    }

    private Optional<KeyValue<String, Object>> example(MetricSpec metric) {
        return metrics.stream().filter(record -> metric.matches(((MetricPoint) record.value).name())).findFirst();
    }

    /** The first time the check turned CRITICAL (else WARNING), which says the most; else its first record. */
    private Optional<KeyValue<String, Object>> example(CheckSpec check) {
        List<KeyValue<String, Object>> mine = checks.stream()
                .filter(record -> ((ServiceCheck) record.value).check().equals(check.name())).toList();
        return firstWith(mine, CheckStatus.CRITICAL).or(() -> firstWith(mine, CheckStatus.WARNING))
                .or(() -> mine.stream().findFirst());
    }

    private static Optional<KeyValue<String, Object>> firstWith(List<KeyValue<String, Object>> records,
                                                                CheckStatus status) {
        return records.stream().filter(record -> ((ServiceCheck) record.value).status() == status).findFirst();
    }

    private static String json(Object value) {
        try {
            return CANONICAL.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
