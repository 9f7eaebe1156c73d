package io.supervisorkafka.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.supervisorkafka.schemas.Json;
import io.supervisorkafka.schemas.cli.BrokerCheck;
import io.supervisorkafka.schemas.cli.KafkaRefusal;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "tail", mixinStandardHelpOptions = true, sortOptions = false, usageHelpWidth = 100,
        usageHelpAutoWidth = true,
        description = "Prints the records of topics as JSON lines: topic, partition, offset, timestamp, key, value.",
        footer = {"", "Durations: 500ms, 30s, 5m, 1h or PT30S.",
                "Exit codes: 0 done; 1 no broker answered, or it refused the credentials or a topic; 2 bad usage or an"
                        + " unreadable --config file."})
final class TailCommand implements Callable<Integer> {
    /** How long a broker has to answer before tail gives up, rather than retry forever. */
    static final Duration BROKER_TIMEOUT = Duration.ofSeconds(10);

    @Mixin
    ConnectionOptions connection;

    @Option(names = "--from-beginning", description = "Start at the earliest offsets rather than the end.")
    boolean fromBeginning;

    @Option(names = "--max-records", paramLabel = "N", defaultValue = "0",
            description = "Stop after this many records (0: never).")
    long maxRecords;

    @Option(names = "--timeout", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Stop after this long without a new record, e.g. 10s (default: never).")
    Duration idleTimeout;

    @Parameters(arity = "1..*", paramLabel = "TOPIC", description = "Topics to print, e.g. supervisor.service-checks.")
    List<String> topics;

    @Spec
    CommandSpec spec;

    /** {@link #BROKER_TIMEOUT}; a test waits less. */
    Duration brokerTimeout = BROKER_TIMEOUT;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        Properties settings;
        try {
            settings = connection.consumerSettings();
        } catch (IllegalArgumentException unreadable) {
            err.println("supervisor-kafka tail: " + unreadable.getMessage());
            return 2;
        }
        try {
            BrokerCheck.requireReachable(ConnectionOptions.asMap(settings), brokerTimeout);
        } catch (BrokerCheck.BrokerUnreachableException e) {
            err.println("supervisor-kafka tail: " + e.getMessage());
            return 1;
        }
        try {
            print(settings);
        } catch (org.apache.kafka.common.KafkaException e) {
            // tail only reads, without a group: a refusal is Read (or Describe) on a topic, or the credentials.
            java.util.Optional<KafkaRefusal.Refusal> refusal = KafkaRefusal.explain(e, new KafkaRefusal.Access(
                    KafkaRefusal.principal(ConnectionOptions.asMap(settings)), topic -> "Read", null, null, null));
            if (refusal.isEmpty()) {
                throw e;
            }
            err.println("supervisor-kafka tail: " + refusal.get().message());
            return 1;
        }
        return 0;
    }

    private void print(Properties settings) {
        PrintStream out = System.out;
        long printed = 0;
        long lastRecordAt = System.nanoTime();
        try (KafkaConsumer<byte[], byte[]> consumer = TopicReader.open(settings, topics, fromBeginning)) {
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
