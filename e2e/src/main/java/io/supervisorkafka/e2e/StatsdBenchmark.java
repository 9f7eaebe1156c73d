package io.supervisorkafka.e2e;

import io.supervisorkafka.schemas.JsonSerde;
import io.supervisorkafka.schemas.StatsdMetrics;
import io.supervisorkafka.schemas.Topics;
import io.supervisorkafka.testkit.Ports;
import io.supervisorkafka.testkit.ScratchDirectory;
import io.supervisorkafka.tools.DevBroker;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * StatsD lines per second the listener's receiver ingests on one core, with its CPU use: the built listener (through
 * {@code bin/supervisor-kafka}, so with its JVM options) pinned to CPU 0 with {@code taskset}, publishing to a real
 * broker; this program (sender and broker) pinned to CPU 1. Each request is the three lines gunicorn 20.1 sends (a
 * {@code ms} timer, {@code gunicorn.requests} and {@code gunicorn.request.status.200} counters), one line per
 * datagram as gunicorn sends them. Lines ingested are counted from what reached Kafka (the aggregated counters and the
 * timer count), so a line dropped by the kernel's socket buffer is not counted. CPU is the listener process's
 * utime+stime over the sending time.
 *
 * <p>Rounds: idle, paced at 5,000 and 20,000 lines/s, then as fast as the sender can, one line per datagram and
 * 25 requests (75 lines) per datagram.
 *
 * <p>Run: {@code ./mvnw -q -pl e2e -am install -DskipTests && ./mvnw -q -pl e2e exec:java
 * -Dexec.mainClass=io.supervisorkafka.e2e.StatsdBenchmark -Dexec.args="10"} (seconds per round).
 */
public final class StatsdBenchmark {
    private static final long TICKS_PER_SECOND = 100; // USER_HZ on Linux

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        ScratchDirectory scratch = ScratchDirectory.create("statsd-bench");
        Path dir = scratch.path();
        Figures.run("taskset", "-a", "-p", "-c", "1", Long.toString(ProcessHandle.current().pid()));
        int statsdPort = Ports.freeUdpPort();
        try (scratch; DevBroker broker = DevBroker.start(dir.resolve("broker"), "127.0.0.1", Ports.freeTcpPort(),
                Ports.freeTcpPort())) {
            Process listener = new ProcessBuilder("taskset", "-c", "0", Checkout.bin().toString(), "listener",
                    "--bootstrap-servers", broker.bootstrapServers(), "--server-id", "bench", "--spool-dir",
                    dir.resolve("spool").toString(), "--snapshot-interval", "0s", "--statsd-listen",
                    "127.0.0.1:" + statsdPort, "--statsd-flush-interval", "1s")
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(dir.resolve("listener.log").toFile()).start();
            try {
                awaitListening(dir.resolve("listener.log"));
                List<String> lines = new ArrayList<>();
                long pid = listener.pid();
                long idleBefore = cpuTicks(pid);
                long idleStart = System.nanoTime();
                org.awaitility.Awaitility.await().pollDelay(Duration.ofSeconds(seconds))
                        .atMost(Duration.ofSeconds(seconds + 5L)).until(() -> true);
                String idle = String.format("idle (receiver open, nothing sent): listener CPU %.1f%% of one core",
                        100.0 * (cpuTicks(pid) - idleBefore) / TICKS_PER_SECOND
                                / ((System.nanoTime() - idleStart) / 1e9));
                System.out.println(idle);
                lines.add(idle);
                long[] rates = {5_000, 20_000, 0, 0};
                int[] perDatagram = {1, 1, 1, 25};
                for (int round = 0; round < rates.length; round++) {
                    String app = "round" + round;
                    long cpuBefore = cpuTicks(pid);
                    long start = System.nanoTime();
                    long sent = send(statsdPort, app, rates[round], seconds, perDatagram[round]);
                    double wall = (System.nanoTime() - start) / 1e9;
                    long cpu = cpuTicks(pid) - cpuBefore;
                    long ingested = ingested(broker.bootstrapServers(), app, sent);
                    String line = String.format("%s, %d line(s) per datagram: offered %.0f lines/s, ingested %.0f"
                                    + " lines/s (%.1f%% of sent), listener CPU %.0f%% of one core",
                            rates[round] == 0 ? "unpaced" : "paced " + rates[round], perDatagram[round],
                            sent / wall, ingested / wall, 100.0 * ingested / sent,
                            100.0 * cpu / TICKS_PER_SECOND / wall);
                    System.out.println(line);
                    lines.add(line);
                }
                System.out.println();
                System.out.println("listener pinned to CPU 0 (" + Runtime.version() + "), " + seconds
                        + " s per round:");
                lines.forEach(System.out::println);
            } finally {
                listener.destroy();
                if (!listener.waitFor(30, TimeUnit.SECONDS)) {
                    listener.destroyForcibly();
                }
            }
            scratch.completed();
        }
    }

    private static void awaitListening(Path log) throws Exception {
        org.awaitility.Awaitility.await("the listener's StatsD receiver").atMost(Duration.ofMinutes(1))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> Files.exists(log) && Files.readString(log).contains("StatsD receiver on udp"));
    }

    /**
     * Sends requests (3 lines each) for {@code seconds}, paced at {@code linesPerSecond} (0: unpaced), one line per
     * datagram as gunicorn does, or {@code batch} requests' lines per datagram (as a StatsD relay would).
     */
    private static long send(int port, String app, long linesPerSecond, int seconds, int batch) throws IOException {
        String[] request = {app + ".gunicorn.request.duration:1.305|ms", app + ".gunicorn.requests:1|c|@1.0",
                app + ".gunicorn.request.status.200:1|c|@1.0"};
        byte[][] datagrams;
        if (batch == 1) {
            datagrams = new byte[3][];
            for (int i = 0; i < 3; i++) {
                datagrams[i] = request[i].getBytes(StandardCharsets.US_ASCII);
            }
        } else {
            datagrams = new byte[][] {String.join("\n", java.util.Collections.nCopies(batch,
                    String.join("\n", request))).getBytes(StandardCharsets.US_ASCII)};
        }
        int linesPerLoop = batch == 1 ? 3 : 3 * batch;
        InetSocketAddress target = new InetSocketAddress("127.0.0.1", port);
        long sent = 0;
        long start = System.nanoTime();
        long end = start + TimeUnit.SECONDS.toNanos(seconds);
        try (DatagramChannel channel = DatagramChannel.open()) {
            channel.connect(target);
            ByteBuffer[] buffers = new ByteBuffer[datagrams.length];
            for (int i = 0; i < datagrams.length; i++) {
                buffers[i] = ByteBuffer.wrap(datagrams[i]);
            }
            while (true) {
                long now = System.nanoTime();
                if (now >= end) {
                    break;
                }
                if (linesPerSecond > 0 && sent >= (now - start) * linesPerSecond / 1_000_000_000L) {
                    Thread.onSpinWait();
                    continue;
                }
                for (ByteBuffer buffer : buffers) {
                    buffer.rewind();
                    channel.write(buffer);
                }
                sent += linesPerLoop;
            }
        }
        return sent;
    }

    /** Lines of {@code app} that reached Kafka, waiting for the flushes after the round. */
    private static long ingested(String bootstrap, String app, long sent) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        JsonSerde<StatsdMetrics> serde = JsonSerde.of(StatsdMetrics.class);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
            List<TopicPartition> partitions = consumer.partitionsFor(Topics.STATSD, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(Topics.STATSD, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long lines = 0;
            long quietSince = System.nanoTime();
            long last = -1;
            // Until the totals stop moving for 3 s (two flushes of silence), at most 60 s.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            lines = 0;
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    StatsdMetrics metrics = serde.deserialize(Topics.STATSD, record.value());
                    if (!metrics.app().equals(app)) {
                        continue;
                    }
                    for (StatsdMetrics.Metric metric : metrics.metrics()) {
                        lines += Math.round(metric.value() != null ? metric.value() : metric.count());
                    }
                }
                if (lines != last) {
                    last = lines;
                    quietSince = System.nanoTime();
                } else if (lines > 0 && System.nanoTime() - quietSince > TimeUnit.SECONDS.toNanos(3)) {
                    break;
                }
            }
            if (lines > sent) {
                throw new IllegalStateException("counted " + lines + " lines, sent " + sent);
            }
            return lines;
        }
    }

    private static long cpuTicks(long pid) throws IOException {
        // The listener runs under taskset (exec): same pid. utime+stime of the whole process, all threads.
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }
}
