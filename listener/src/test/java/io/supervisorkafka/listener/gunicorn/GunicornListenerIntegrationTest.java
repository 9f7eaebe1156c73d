package io.supervisorkafka.listener.gunicorn;

import static io.supervisorkafka.listener.testing.TestEvents.acknowledgements;
import static io.supervisorkafka.listener.testing.TestEvents.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.supervisorkafka.listener.ConfigLoader;
import io.supervisorkafka.listener.Listener;
import io.supervisorkafka.listener.ListenerConfig;
import io.supervisorkafka.listener.TestFlags;
import io.supervisorkafka.listener.testing.ProtocolOutput;
import io.supervisorkafka.testkit.TopicCollector;
import io.supervisorkafka.testkit.Ports;
import io.supervisorkafka.schemas.GunicornSnapshot;
import io.supervisorkafka.schemas.JsonSerde;
import io.supervisorkafka.testkit.SchemaValidator;
import io.supervisorkafka.testkit.SingleNodeKafka;
import io.supervisorkafka.schemas.StatsdMetrics;
import io.supervisorkafka.schemas.Topics;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The listener in process with the gunicorn source on and a real broker: a flood of valid, malformed and oversized
 * StatsD datagrams while supervisord events go through the protocol loop. Every event is acknowledged in lock-step,
 * every valid line is counted once, the malformed ones are counted and dropped, and the records are schema-valid.
 */
class GunicornListenerIntegrationTest {
    @TempDir
    Path dir;


    @Test
    void statsdFloodNeitherStallsTheProtocolNorLosesValidLines() throws Exception {
        int port = Ports.freeUdpPort();
        ExecutorService executor = Executors.newSingleThreadExecutor();
        try (KafkaClusterTestKit cluster = SingleNodeKafka.start()) {
            ListenerConfig config = ConfigLoader.load(TestFlags.parse("--bootstrap-servers", cluster.bootstrapServers(),
                    "--server-id", "gunicorn-itest", "--snapshot-interval", "0s", "--spool-dir",
                    dir.resolve("spool").toString(), "--fsync-interval", "50ms", "--gunicorn", "--gunicorn-interval",
                    "1s", "--statsd-listen", "127.0.0.1:" + port, "--statsd-flush-interval", "300ms"), Map.of(),
                    "unused-host");
            try (Listener listener = new Listener(config, "1-1", Clock.systemUTC(),
                    () -> new KafkaProducer<>(config.producerProperties()))) {
                PipedOutputStream stdinWriter = new PipedOutputStream();
                PipedInputStream stdin = new PipedInputStream(stdinWriter, 64 * 1024);
                ProtocolOutput stdout = new ProtocolOutput();
                Future<Integer> run = executor.submit(() -> listener.run(stdin, stdout));
                await().atMost(Duration.ofSeconds(10)).until(() -> stdout.text().equals("READY\n"));

                Random random = new Random(7);
                int valid = 0;
                int events = 0;
                try (DatagramSocket socket = new DatagramSocket()) {
                    for (int i = 0; i < 2000; i++) {
                        byte[] datagram;
                        if (i % 4 == 0) {
                            datagram = new byte[1 + random.nextInt(2000)];
                            random.nextBytes(datagram);
                            for (int b = 0; b < datagram.length; b++) {
                                if (datagram[b] == '\n') {
                                    datagram[b] = 'x'; // one malformed line per datagram, whatever its bytes
                                }
                            }
                        } else if (i % 97 == 0) {
                            datagram = ("itest.gunicorn.requests:1|c\n" + "y".repeat(10_000))
                                    .getBytes(StandardCharsets.UTF_8);
                            valid++;
                        } else {
                            datagram = "itest.gunicorn.requests:1|c|@1.0\nitest.gunicorn.request.duration:2.5|ms"
                                    .getBytes(StandardCharsets.UTF_8);
                            valid++;
                        }
                        socket.send(new DatagramPacket(datagram, datagram.length, InetAddress.getLoopbackAddress(),
                                port));
                        if (i % 500 == 499) {
                            // A checkpoint, so that a burst never overruns the socket buffer (UDP drops silently).
                            int sentSoFar = valid;
                            await().atMost(Duration.ofSeconds(30)).until(() ->
                                    requests(cluster.bootstrapServers()) == sentSoFar);
                        }
                        if (i % 100 == 0) {
                            stdinWriter.write(event("gunicorn-itest", events, "PROCESS_STATE_RUNNING",
                                    "processname:web groupname:web from_state:STARTING pid:" + (100 + events)));
                            stdinWriter.flush();
                            String expected = acknowledgements(++events);
                            await().atMost(Duration.ofSeconds(10)).until(() -> stdout.text().equals(expected));
                        }
                    }
                }
                int expectedRequests = valid;
                await("every valid line counted once").atMost(Duration.ofSeconds(60)).until(() ->
                        requests(cluster.bootstrapServers()) == expectedRequests);
                // Every valid line arrived, so a datagram the kernel dropped (UDP: a loaded machine may) was a random
                // one: each is one malformed line, counted by the kernel instead of by the listener.
                await("malformed lines: the random datagrams and the oversized lines, less those the kernel dropped")
                        .atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(
                                records(cluster.bootstrapServers(), Topics.STATSD).stream()
                                        .map(r -> JsonSerde.of(StatsdMetrics.class).deserialize(Topics.STATSD,
                                                r.value()))
                                        .mapToLong(s -> s.malformed() == null ? 0 : s.malformed()).sum()
                                        + kernelDrops(port)).isEqualTo(500 + 15));
                await("gunicorn snapshots").atMost(Duration.ofSeconds(30)).until(() ->
                        !records(cluster.bootstrapServers(), Topics.GUNICORN).isEmpty());
                records(cluster.bootstrapServers(), Topics.GUNICORN).forEach(r -> {
                    SchemaValidator.assertValid(Topics.GUNICORN, r.value());
                    assertThat(JsonSerde.of(GunicornSnapshot.class).deserialize(Topics.GUNICORN, r.value()).server())
                            .isEqualTo("gunicorn-itest");
                });
                stdinWriter.close();
                assertThat(run.get(30, TimeUnit.SECONDS)).isEqualTo(Listener.EXIT_OK);
                assertThat(stdout.text()).isEqualTo(acknowledgements(events));
            }
        } finally {
            executor.shutdownNow();
        }
    }

    /**
     * Datagrams the kernel dropped on the UDP socket bound to {@code port}: the last column of /proc/net/udp and, as
     * Java binds an IPv6 socket to an IPv4 address where it can, of /proc/net/udp6.
     */
    private static long kernelDrops(int port) throws java.io.IOException {
        String local = String.format(":%04X", port);
        long drops = 0;
        for (String table : List.of("/proc/net/udp", "/proc/net/udp6")) {
            drops += Files.readAllLines(Path.of(table)).stream().skip(1).map(String::trim)
                    .map(line -> line.split("\\s+")).filter(fields -> fields[1].endsWith(local))
                    .mapToLong(fields -> Long.parseLong(fields[fields.length - 1])).sum();
        }
        return drops;
    }

    private static long requests(String bootstrap) {
        return Math.round(records(bootstrap, Topics.STATSD).stream().map(r -> {
            SchemaValidator.assertValid(Topics.STATSD, r.value());
            return JsonSerde.of(StatsdMetrics.class).deserialize(Topics.STATSD, r.value());
        }).flatMap(s -> s.metrics().stream()).filter(m -> m.name().equals("gunicorn.requests"))
                .mapToDouble(StatsdMetrics.Metric::value).sum());
    }

    private static List<ConsumerRecord<byte[], byte[]>> records(String bootstrap, String topic) {
        return TopicCollector.readToEnd(bootstrap, topic);
    }
}
