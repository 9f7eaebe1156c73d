package io.supervisorkafka.testkit;

import io.supervisorkafka.schemas.JsonSerde;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads topics from the beginning on a background thread, as a downstream consumer would (read_committed), and keeps
 * every record with the local time it arrived, so tests can wait for records and benchmarks can time them;
 * {@link #readToEnd} reads a topic once, up to where it ends now.
 */
public final class TopicCollector implements AutoCloseable {
    /** A record and the wall-clock time this collector received it. */
    public record Received(ConsumerRecord<byte[], byte[]> record, long receivedAtMillis) {
        public String key() {
            return record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
        }

        public byte[] value() {
            return record.value();
        }
    }

    private final KafkaConsumer<byte[], byte[]> consumer;
    /**
     * Per topic, in arrival order; each list guarded by itself. Not one copy-on-write list of everything: a benchmark
     * collects millions of records, and copying all of them for every record, then filtering all of them for every
     * poll of a test's wait, took more of the machine than the app under measurement.
     */
    private final Map<String, List<Received>> byTopic = new ConcurrentHashMap<>();
    private final Thread thread;
    private volatile boolean running = true;

    public TopicCollector(String bootstrapServers, List<String> topics) {
        this(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers), topics);
    }

    /** Reads with these client settings (bootstrap servers, TLS, SASL) on top of its own. */
    public TopicCollector(Map<String, Object> clientProperties, List<String> topics) {
        consumer = consumer(clientProperties);
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : topics) {
            // The apps create their topics; wait for them rather than reading nothing.
            org.awaitility.Awaitility.await("topic " + topic).atMost(Duration.ofMinutes(1))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> consumer.partitionsFor(topic, Duration.ofSeconds(10)), list -> !list.isEmpty())
                    .forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        thread = new Thread(this::run, "topic-collector");
        thread.setDaemon(true);
        thread.start();
    }

    /** A group-less consumer of raw bytes that sees only committed records and never commits offsets. */
    private static KafkaConsumer<byte[], byte[]> consumer(Map<String, Object> clientProperties) {
        Properties props = new Properties();
        props.putAll(clientProperties);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "10");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return new KafkaConsumer<>(props);
    }

    /** Every record of {@code topic} from its beginning to where it ends now, partition by partition. */
    public static List<ConsumerRecord<byte[], byte[]>> readToEnd(String bootstrapServers, String topic) {
        return readToEnd(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers), topic);
    }

    /** {@link #readToEnd(String, String)} with these client settings (bootstrap servers, TLS, SASL). */
    public static List<ConsumerRecord<byte[], byte[]>> readToEnd(Map<String, Object> clientProperties, String topic) {
        List<ConsumerRecord<byte[], byte[]>> found = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> reader = consumer(clientProperties)) {
            List<TopicPartition> partitions = reader.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            reader.assign(partitions);
            reader.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = reader.endOffsets(partitions);
            while (partitions.stream().anyMatch(p -> reader.position(p) < end.get(p))) {
                reader.poll(Duration.ofMillis(200)).forEach(found::add);
            }
        }
        return found;
    }

    /** The records of {@code topic} with this key, from its beginning to where it ends now. */
    public static List<ConsumerRecord<byte[], byte[]>> readToEnd(String bootstrapServers, String topic, String key) {
        return readToEnd(bootstrapServers, topic).stream()
                .filter(r -> r.key() != null && key.equals(new String(r.key(), StandardCharsets.UTF_8))).toList();
    }

    private void run() {
        try {
            while (running) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                    List<Received> topic = byTopic.computeIfAbsent(record.topic(), t -> new ArrayList<>());
                    synchronized (topic) {
                        topic.add(new Received(record, System.currentTimeMillis()));
                    }
                }
            }
        } catch (WakeupException stopping) {
            // close() woke us up
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    /** The records of {@code topic} received so far, in arrival order: a copy, which later records do not change. */
    public List<Received> all(String topic) {
        List<Received> records = byTopic.get(topic);
        if (records == null) {
            return List.of();
        }
        synchronized (records) {
            return List.copyOf(records);
        }
    }

    /** How many records of {@code topic} were received so far, without copying them. */
    public int count(String topic) {
        List<Received> records = byTopic.get(topic);
        if (records == null) {
            return 0;
        }
        synchronized (records) {
            return records.size();
        }
    }

    public List<Received> matching(String topic, Predicate<Received> predicate) {
        return all(topic).stream().filter(predicate).toList();
    }

    /** The values of a topic's records in arrival order, read as {@code type}; a tombstone reads as null. */
    public <T> List<T> values(String topic, Class<T> type) {
        return read(all(topic), topic, type);
    }

    /** The values of one key's records on a topic in arrival order, read as {@code type}. */
    public <T> List<T> values(String topic, String key, Class<T> type) {
        return read(matching(topic, r -> key.equals(r.key())), topic, type);
    }

    /** The latest value of a key, empty when there is none or it is a tombstone. */
    public <T> Optional<T> latest(String topic, String key, Class<T> type) {
        List<T> values = values(topic, key, type);
        return values.isEmpty() ? Optional.empty() : Optional.ofNullable(values.get(values.size() - 1));
    }

    /** What a compacted topic holds: the latest value of every key, tombstoned keys left out. */
    public <T> Map<String, T> latestByKey(String topic, Class<T> type) {
        Map<String, T> latest = new LinkedHashMap<>();
        JsonSerde<T> serde = JsonSerde.of(type);
        for (Received r : all(topic)) {
            T value = serde.deserialize(topic, r.value());
            if (value == null) {
                latest.remove(r.key());
            } else {
                latest.put(r.key(), value);
            }
        }
        return latest;
    }

    private static <T> List<T> read(List<Received> records, String topic, Class<T> type) {
        JsonSerde<T> serde = JsonSerde.of(type);
        List<T> values = new ArrayList<>(records.size());
        records.forEach(r -> values.add(serde.deserialize(topic, r.value())));
        return values;
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        consumer.wakeup();
        thread.join(10_000);
    }
}
