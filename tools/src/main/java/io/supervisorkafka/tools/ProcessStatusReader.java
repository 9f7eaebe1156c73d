package io.supervisorkafka.tools;

import io.supervisorkafka.schemas.JsonSerde;
import io.supervisorkafka.schemas.ProcessStatus;
import io.supervisorkafka.schemas.Topics;
import io.supervisorkafka.schemas.cli.KafkaRefusal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The fleet's process statuses, read from the Streams app's compacted {@link Topics#PROCESS_STATUS}: every partition
 * assigned, read from its beginning to the end offsets taken at the start, with no consumer group and no committed
 * offset, so that one read costs what the topic holds and never disturbs a group. Then, for {@code --watch}, each new
 * record as it comes.
 */
final class ProcessStatusReader implements AutoCloseable {
    private static final String TOPIC = Topics.PROCESS_STATUS;
    private static final Duration POLL = Duration.ofMillis(200);

    /** Why the topic cannot be read, in one line. */
    static final class CannotRead extends RuntimeException {
        CannotRead(String message) {
            super(message);
        }
    }

    /** A process whose status a record changed: {@code before} null when it is new, {@code after} null when gone. */
    record Change(String key, ProcessStatus before, ProcessStatus after) {
    }

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final List<TopicPartition> partitions;
    private final Duration timeout;
    private final JsonSerde<ProcessStatus> serde = JsonSerde.of(ProcessStatus.class);
    private final Map<String, ProcessStatus> processes = new TreeMap<>();
    private long unreadable;
    private String firstUnreadable;

    private ProcessStatusReader(KafkaConsumer<byte[], byte[]> consumer, List<TopicPartition> partitions,
                                Duration timeout) {
        this.consumer = consumer;
        this.partitions = partitions;
        this.timeout = timeout;
    }

    /**
     * Assigns every partition of the topic, at its beginning.
     *
     * @param settings consumer properties with {@code bootstrap.servers} (and TLS, SASL, ...)
     * @param timeout  how long each request to the brokers may take
     * @throws CannotRead when the topic does not exist or its partitions are not known within {@code timeout}
     */
    static ProcessStatusReader open(Properties settings, Duration timeout) {
        Properties props = new Properties();
        props.putAll(settings);
        // Only what the Streams app committed: exactly-once output is visible after its transaction commits.
        props.putIfAbsent(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "supervisor-kafka-status");
        // A missing topic is an error to report, not one to create with the broker's defaults (not compacted).
        props.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        // Large fetches: a read of the whole topic is bound by round trips, not by memory (the default is 1 MiB).
        props.putIfAbsent(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Integer.toString(8 << 20));
        props.putIfAbsent(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "10000");
        int millis = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
        props.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, Integer.toString(millis));
        props.put(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, Integer.toString(millis));
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props);
        try {
            // The list of topics answers at once; partitionsFor would wait the whole timeout for a missing one.
            List<PartitionInfo> infos = consumer.listTopics(timeout).get(TOPIC);
            if (infos == null || infos.isEmpty()) {
                String protocol = settings.getProperty("security.protocol", "PLAINTEXT").trim();
                throw new CannotRead("topic " + TOPIC + " does not exist" + (protocol.equalsIgnoreCase("PLAINTEXT")
                        ? "" : " or " + KafkaRefusal.principal(ConnectionOptions.asMap(settings))
                        + " may not Describe it") + " (the Streams app creates it at its start)");
            }
            List<TopicPartition> partitions = infos.stream()
                    .map(p -> new TopicPartition(TOPIC, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            return new ProcessStatusReader(consumer, partitions, timeout);
        } catch (org.apache.kafka.common.errors.TimeoutException e) {
            consumer.close(Duration.ZERO);
            throw new CannotRead("the partitions of " + TOPIC + " were not known within " + seconds(timeout));
        } catch (RuntimeException e) {
            consumer.close(Duration.ZERO);
            throw e;
        }
    }

    /**
     * Reads every partition up to the end offsets it has now (with read_committed, the last stable offset).
     *
     * @throws CannotRead when the read makes no progress for the timeout (a partition without a leader)
     */
    void readToEnd() {
        Map<TopicPartition, Long> ends;
        try {
            ends = consumer.endOffsets(partitions, timeout);
        } catch (org.apache.kafka.common.errors.TimeoutException e) {
            throw new CannotRead("the end offsets of " + TOPIC + " were not known within " + seconds(timeout));
        }
        List<TopicPartition> remaining = new ArrayList<>(partitions);
        long lastProgress = System.nanoTime();
        while (true) {
            remaining.removeIf(p -> consumer.position(p, timeout) >= ends.getOrDefault(p, 0L));
            if (remaining.isEmpty()) {
                return;
            }
            if (!apply(consumer.poll(POLL)).isEmpty()) {
                lastProgress = System.nanoTime();
            } else if (System.nanoTime() - lastProgress > timeout.toNanos()) {
                throw new CannotRead("no record of " + TOPIC + " came within " + seconds(timeout) + " while "
                        + remaining.size() + " of its partitions were not read to their end (a partition without"
                        + " a leader?)");
            }
        }
    }

    /** The records that came within {@code wait}, as changes; an interrupted wait ({@link #wakeup}) returns none. */
    List<Change> poll(Duration wait) {
        try {
            return apply(consumer.poll(wait));
        } catch (org.apache.kafka.common.errors.WakeupException stopped) {
            return List.of();
        }
    }

    private List<Change> apply(Iterable<ConsumerRecord<byte[], byte[]>> records) {
        List<Change> changes = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : records) {
            if (record.key() == null) {
                continue;
            }
            String key = new String(record.key(), StandardCharsets.UTF_8);
            ProcessStatus after;
            try {
                after = serde.deserialize(TOPIC, record.value());
            } catch (SerializationException e) {
                // Not the Streams app's: count it and go on rather than hide the whole fleet behind one record.
                if (unreadable++ == 0) {
                    firstUnreadable = "partition " + record.partition() + " offset " + record.offset() + ": "
                            + e.getMessage();
                }
                continue;
            }
            ProcessStatus before = after == null ? processes.remove(key) : processes.put(key, after);
            if (before != null || after != null) {
                changes.add(new Change(key, before, after));
            }
        }
        return changes;
    }

    /** Every process read so far, by key ({@code server/group:name}, so sorted by server). */
    Map<String, ProcessStatus> processes() {
        return Collections.unmodifiableMap(processes);
    }

    /** How many records could not be read as a process status. */
    long unreadable() {
        return unreadable;
    }

    /** Where the first of them is and why it could not be read; null when none. */
    String firstUnreadable() {
        return firstUnreadable;
    }

    /** Ends a {@link #poll} under way, from another thread. */
    void wakeup() {
        consumer.wakeup();
    }

    private static String seconds(Duration timeout) {
        return timeout.toMillis() % 1000 == 0 ? timeout.toSeconds() + " s" : timeout.toMillis() + " ms";
    }

    @Override
    public void close() {
        consumer.close(Duration.ZERO);
    }
}
