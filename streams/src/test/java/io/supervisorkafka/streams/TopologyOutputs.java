package io.supervisorkafka.streams;

import static org.assertj.core.api.Assertions.assertThat;

import io.supervisorkafka.schemas.ContainerCounts;
import io.supervisorkafka.schemas.JsonSerde;
import io.supervisorkafka.schemas.MetricPoint;
import io.supervisorkafka.schemas.ProcessCounts;
import io.supervisorkafka.schemas.ProcessStatus;
import io.supervisorkafka.testkit.SchemaValidator;
import io.supervisorkafka.schemas.ServiceCheck;
import io.supervisorkafka.schemas.Topics;
import io.supervisorkafka.streams.influx.InfluxLine;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;

/**
 * Reads the output topics of a {@link TopologyTestDriver} as bytes, validates every value against its topic's JSON
 * Schema, its key against the value, and every metric point and service check against the catalogs
 * ({@link CatalogConformance}), every line of {@code supervisor.influx} against {@code InfluxCatalog}, and keeps what
 * was read so a test can look at all of it.
 */
public final class TopologyOutputs {

    private final Map<String, TestOutputTopic<String, byte[]>> topics = new LinkedHashMap<>();
    private final TestOutputTopic<String, String> influxTopic;
    public final List<KeyValue<String, ProcessStatus>> statuses = new ArrayList<>();
    public final List<KeyValue<String, ProcessCounts>> counts = new ArrayList<>();
    public final List<KeyValue<String, ServiceCheck>> checks = new ArrayList<>();
    public final List<KeyValue<String, MetricPoint>> metrics = new ArrayList<>();
    public final List<KeyValue<String, ContainerCounts>> containerCounts = new ArrayList<>();
    /** The lines of {@code supervisor.influx} (only with {@code --influx}). */
    public final List<KeyValue<String, String>> influx = new ArrayList<>();
    /** Every record read since the start, by topic, in the order read: for a test that looks at all at once. */
    public final Map<String, List<KeyValue<String, Object>>> everything = new LinkedHashMap<>();

    public TopologyOutputs(TopologyTestDriver driver) {
        for (String topic : Topics.OUTPUTS) {
            topics.put(topic, driver.createOutputTopic(topic, new StringDeserializer(), new ByteArrayDeserializer()));
        }
        influxTopic = driver.createOutputTopic(Topics.INFLUX, new StringDeserializer(), new StringDeserializer());
    }

    /** Reads what was produced since the last call; the lists then hold only that. */
    public TopologyOutputs drain() {
        statuses.clear();
        counts.clear();
        checks.clear();
        metrics.clear();
        containerCounts.clear();
        influx.clear();
        read(Topics.PROCESS_STATUS, ProcessStatus.class, statuses);
        read(Topics.PROCESS_COUNTS, ProcessCounts.class, counts);
        read(Topics.SERVICE_CHECKS, ServiceCheck.class, checks);
        read(Topics.METRICS, MetricPoint.class, metrics);
        read(Topics.CONTAINER_COUNTS, ContainerCounts.class, containerCounts);
        statuses.stream().filter(record -> record.value != null)
                .forEach(record -> assertThat(record.key).isEqualTo(record.value.key()));
        counts.stream().filter(record -> record.value != null)
                .forEach(record -> assertThat(record.key).isEqualTo(record.value.server()));
        checks.forEach(record -> assertThat(record.key).isEqualTo(record.value.key()));
        metrics.forEach(record -> assertThat(record.key).isEqualTo(record.value.tags().get("server")));
        metrics.forEach(record -> CatalogConformance.assertConforms(record.value));
        checks.forEach(record -> CatalogConformance.assertConforms(record.key, record.value));
        containerCounts.forEach(record -> assertThat(record.key).isEqualTo(record.value.server()));
        for (KeyValue<String, String> record : influxTopic.readKeyValuesToList()) {
            InfluxLine line = InfluxLine.parse(record.value).assertConforms();
            assertThat(record.key).as("key of %s", record.value).isEqualTo(line.tags().get("server"));
            influx.add(record);
            everything.computeIfAbsent(Topics.INFLUX, t -> new ArrayList<>()).add(KeyValue.pair(record.key,
                    record.value));
        }
        return this;
    }

    public boolean isEmpty() {
        return statuses.isEmpty() && counts.isEmpty() && checks.isEmpty() && metrics.isEmpty()
                && containerCounts.isEmpty();
    }

    /** The last status per key, as a compacted topic would keep it; removed processes absent. */
    public Map<String, ProcessStatus> latestStatuses() {
        Map<String, ProcessStatus> latest = new LinkedHashMap<>();
        statuses.forEach(record -> latest.put(record.key, record.value));
        latest.values().removeIf(Objects::isNull);
        return latest;
    }

    public List<ServiceCheck> checksOf(String key) {
        return checks.stream().filter(record -> record.key.equals(key)).map(record -> record.value).toList();
    }

    public List<MetricPoint> metricsNamed(String name) {
        return metrics.stream().map(record -> record.value).filter(point -> point.name().equals(name)).toList();
    }

    private <T> void read(String topic, Class<T> type, List<KeyValue<String, T>> into) {
        JsonSerde<T> serde = JsonSerde.of(type);
        for (KeyValue<String, byte[]> record : topics.get(topic).readKeyValuesToList()) {
            if (record.value != null) {
                SchemaValidator.assertValid(topic, record.value);
            }
            T value = serde.deserialize(topic, record.value);
            into.add(KeyValue.pair(record.key, value));
            everything.computeIfAbsent(topic, t -> new ArrayList<>()).add(KeyValue.pair(record.key, value));
        }
    }
}
