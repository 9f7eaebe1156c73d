package io.supervisorkafka.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.supervisorkafka.schemas.Json;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;

@Command(name = "tail", mixinStandardHelpOptions = true,
        description = "Prints the records of topics as JSON lines: topic, partition, offset, timestamp, key, value.")
final class TailCommand implements Callable<Integer> {
    @Option(names = {"-b", "--bootstrap-servers"}, defaultValue = "${env:KAFKA_BOOTSTRAP_SERVERS:-127.0.0.1:9092}",
            description = "Kafka bootstrap servers (default: $KAFKA_BOOTSTRAP_SERVERS or 127.0.0.1:9092).")
    String bootstrapServers;

    @Option(names = "--from-beginning", description = "Start at the earliest offsets rather than the end.")
    boolean fromBeginning;

    @Option(names = "--max-records", defaultValue = "0", description = "Stop after this many records (0: never).")
    long maxRecords;

    @Option(names = "--timeout", description = "Stop after this long without a new record, e.g. 10s.",
            converter = DurationConverter.class)
    Duration idleTimeout;

    @Option(names = "--config", description = "A properties file of Kafka consumer settings (TLS, SASL, ...).")
    java.nio.file.Path config;

    @Parameters(arity = "1..*", paramLabel = "TOPIC", description = "Topics to print, e.g. supervisor.service-checks.")
    List<String> topics;

    @Override
    public Integer call() throws IOException {
        PrintStream out = System.out;
        long printed = 0;
        long lastRecordAt = System.nanoTime();
        try (KafkaConsumer<byte[], byte[]> consumer = TopicReader.open(bootstrapServers, config, topics,
                fromBeginning)) {
            while (maxRecords == 0 || printed < maxRecords) {
                var records = consumer.poll(Duration.ofMillis(200));
                for (ConsumerRecord<byte[], byte[]> record : records) {
                    out.println(toJsonLine(record));
                    lastRecordAt = System.nanoTime();
                    if (++printed == maxRecords) {
                        break;
                    }
                }
                out.flush();
                if (idleTimeout != null && System.nanoTime() - lastRecordAt > idleTimeout.toNanos()) {
                    break;
                }
            }
        }
        return 0;
    }

    static String toJsonLine(ConsumerRecord<byte[], byte[]> record) {
        ObjectNode line = Json.MAPPER.createObjectNode();
        line.put("topic", record.topic());
        line.put("partition", record.partition());
        line.put("offset", record.offset());
        line.put("timestamp", record.timestamp());
        line.put("key", record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8));
        if (record.value() == null) {
            line.putNull("value");
        } else {
            try {
                JsonNode value = Json.MAPPER.readTree(record.value());
                line.set("value", value);
            } catch (IOException notJson) {
                line.put("value", new String(record.value(), StandardCharsets.UTF_8));
            }
        }
        return line.toString();
    }
}
