package io.supervisorkafka.e2e;

import io.supervisorkafka.listener.kafka.ProducerSettings;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The floor under the listener's resident memory: a JVM that does only what the listener cannot do without, a Kafka
 * producer with the listener's settings sending records of an event's size as fast as it can. {@link
 * ListenerBenchmark} runs it with the listener's JVM options on the listener's jar and sets its peak resident set
 * (VmHWM) beside the listener's: whatever the listener adds to the JVM and the Kafka client is the difference.
 *
 * <p>Arguments: bootstrap servers, records. Prints its VmHWM in kB on stdout, nothing else there.
 */
public final class ProducerFloor {
    /** About the size of one event's record on supervisor.events. */
    private static final int RECORD_BYTES = 350;

    private ProducerFloor() {
    }

    public static void main(String[] args) throws Exception {
        int records = Integer.parseInt(args[1]);
        Map<String, Object> settings = ProducerSettings.build(Map.of(), args[0], "producer-floor");
        byte[] value = new byte[RECORD_BYTES];
        Arrays.fill(value, (byte) 'x');
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(settings, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            for (int i = 0; i < records; i++) {
                producer.send(new ProducerRecord<>("producer-floor", ("host-" + i % 10)
                        .getBytes(StandardCharsets.UTF_8), value));
            }
            producer.flush();
            System.out.println(Figures.procStatusKb(ProcessHandle.current().pid(), "VmHWM"));
        }
    }

    /** The class path that runs this class on the listener's jar: the listener's classes and Kafka client first. */
    static String classPath() throws Exception {
        Path own = Path.of(ProducerFloor.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        return Checkout.jar("listener") + java.io.File.pathSeparator + own;
    }
}
