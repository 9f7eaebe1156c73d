package io.supervisorkafka.e2e;

import io.supervisorkafka.listener.kafka.ProducerSettings;
import io.supervisorkafka.testkit.ChildProcess;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The floor under the listener's resident memory: a JVM that does only what the listener cannot do without, a Kafka
 * producer with the listener's settings sending records of an event's size as fast as it can. {@link
 * ListenerBenchmark} runs it with the listener's JVM options on the listener's jar and sets its peak resident set
 * (VmHWM) beside the listener's: whatever the listener adds to the JVM and the Kafka client is the difference.
 *
 * <p>{@link BurstBenchmark} runs it paced beside a listener that does nothing: the broker's and the producer's work
 * of shipping a burst, without the listener.
 *
 * <p>Arguments: bootstrap servers, records, and optionally a pace in records per second: then it waits for a line on
 * stdin before it starts and sends a batch every {@value #PACED_BATCH_MILLIS} ms, each flushed before the next (as
 * the listener's shipper sends a burst). Prints its VmHWM in kB on stdout, nothing else there.
 */
public final class ProducerFloor {
    /** About the size of one event's record on supervisor.events. */
    private static final int RECORD_BYTES = 350;
    /** The shipper's longest hold of a burst's records (SpoolShipper.BURST_HOLD_NANOS). */
    static final int PACED_BATCH_MILLIS = 50;

    private ProducerFloor() {
    }

    public static void main(String[] args) throws Exception {
        int records = Integer.parseInt(args[1]);
        Map<String, Object> settings = ProducerSettings.build(Map.of(), args[0], "producer-floor");
        byte[] value = new byte[RECORD_BYTES];
        Arrays.fill(value, (byte) 'x');
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(settings, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            if (args.length > 2) {
                producer.partitionsFor("producer-floor"); // connected before the go
                int perBatch = Math.max(1, Integer.parseInt(args[2]) * PACED_BATCH_MILLIS / 1000);
                if (System.in.read() < 0) {
                    return;
                }
                long next = System.nanoTime();
                for (int sent = 0; sent < records; sent += perBatch) {
                    send(producer, value, sent, Math.min(records, sent + perBatch));
                    producer.flush();
                    next += PACED_BATCH_MILLIS * 1_000_000L;
                    long wait = next - System.nanoTime();
                    if (wait > 0) {
                        Thread.sleep(wait / 1_000_000L, (int) (wait % 1_000_000L));
                    }
                }
            } else {
                send(producer, value, 0, records);
                producer.flush();
            }
            System.out.println(Figures.procStatusKb(ProcessHandle.current().pid(), "VmHWM"));
        }
    }

    private static void send(KafkaProducer<byte[], byte[]> producer, byte[] value, int from, int to) {
        for (int i = from; i < to; i++) {
            producer.send(new ProducerRecord<>("producer-floor", ("host-" + i % 10).getBytes(StandardCharsets.UTF_8),
                    value));
        }
    }

    /**
     * The command that runs this class with {@code args} as the listener runs: its JVM options, on its jar (the
     * listener's classes and Kafka client first on the class path).
     */
    static List<String> command(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(ChildProcess.javaBinary()));
        command.addAll(listenerJavaOptions());
        Path own = Path.of(ProducerFloor.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        command.addAll(List.of("-cp", Checkout.jar("listener") + File.pathSeparator + own,
                ProducerFloor.class.getName()));
        command.addAll(List.of(args));
        return command;
    }

    /** The listener's JVM options as bin/supervisor-kafka gives them: its environment override, else its default. */
    private static List<String> listenerJavaOptions() throws IOException {
        String options = System.getenv("SUPERVISOR_KAFKA_LISTENER_JAVA_OPTS");
        if (options == null) {
            Matcher m = Pattern.compile("LISTENER_JAVA_OPTS_DEFAULT=\"([^\"]*)\"")
                    .matcher(Files.readString(Checkout.bin()));
            if (!m.find()) {
                throw new IllegalStateException("no LISTENER_JAVA_OPTS_DEFAULT in " + Checkout.bin());
            }
            options = m.group(1);
        }
        return List.of(options.trim().split("\\s+"));
    }
}
