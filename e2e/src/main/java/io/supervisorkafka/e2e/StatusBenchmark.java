package io.supervisorkafka.e2e;

import io.supervisorkafka.schemas.CheckStatus;
import io.supervisorkafka.schemas.JsonSerde;
import io.supervisorkafka.schemas.ProcessStatus;
import io.supervisorkafka.schemas.Topics;
import io.supervisorkafka.testkit.Ports;
import io.supervisorkafka.testkit.ScratchDirectory;
import io.supervisorkafka.tools.DevBroker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * How long {@code bin/supervisor-kafka status} takes on a large fleet, as an operator runs it: a new JVM each time,
 * against a real broker whose compacted {@code supervisor.process-status} holds one record per process (100 per
 * server, a fifth of them EXITED with a last line of output, as the Streams app writes them), read to its end. The
 * smallest fleet gives the fixed cost: the JVM, the broker check and the consumer's start. Needs GNU time
 * ({@code /usr/bin/time}, Debian package {@code time}) for the CPU time.
 *
 * <p>Run: {@code ./mvnw -q install -DskipTests && ./mvnw -q -pl e2e exec:java
 * -Dexec.mainClass=io.supervisorkafka.e2e.StatusBenchmark -Dexec.args="10,10000,100000 5 3"} (fleet sizes, runs per
 * size, partitions).
 */
public final class StatusBenchmark {
    private static final int PROCESSES_PER_SERVER = 100;

    public static void main(String[] args) throws Exception {
        List<Integer> sizes = new ArrayList<>();
        for (String size : (args.length > 0 ? args[0] : "10,10000,100000").split(",")) {
            sizes.add(Integer.parseInt(size.trim()));
        }
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        int partitions = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        ScratchDirectory scratch = ScratchDirectory.create(Path.of("/tmp"), "sk-status-bench-");
        Path dir = scratch.path();
        try (scratch; DevBroker broker = DevBroker.start(dir.resolve("broker"), "127.0.0.1", Ports.freeTcpPort(),
                Ports.freeTcpPort())) {
            String bootstrap = broker.bootstrapServers();
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
                admin.createTopics(List.of(new NewTopic(Topics.PROCESS_STATUS, Optional.of(partitions),
                                Optional.empty()).configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG,
                                TopicConfig.CLEANUP_POLICY_COMPACT))))
                        .all().get(1, TimeUnit.MINUTES);
            }
            System.out.printf("status against a real broker, %d partitions, %d runs per fleet size (each a new JVM)%n",
                    partitions, runs);
            int written = 0;
            long bytes = 0;
            try (KafkaProducer<String, ProcessStatus> producer = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.LINGER_MS_CONFIG, "20",
                    ProducerConfig.BATCH_SIZE_CONFIG, "262144"), new StringSerializer(),
                    JsonSerde.of(ProcessStatus.class))) {
                JsonSerde<ProcessStatus> serde = JsonSerde.of(ProcessStatus.class);
                for (int size : sizes) {
                    for (; written < size; written++) {
                        ProcessStatus status = process(written);
                        bytes += serde.serialize(Topics.PROCESS_STATUS, status).length;
                        producer.send(new ProducerRecord<>(Topics.PROCESS_STATUS, status.key(), status));
                    }
                    producer.flush();
                    Runs table = time(dir, runs, bootstrap);
                    Runs summary = time(dir, runs, bootstrap, "--summary");
                    System.out.printf("%,9d processes (%,d servers, %,.1f MB of records): table %s; --summary %s%n",
                            size, (size + PROCESSES_PER_SERVER - 1) / PROCESSES_PER_SERVER, bytes / 1e6,
                            figures(table), figures(summary));
                }
            }
            scratch.completed();
        }
    }

    /** One fleet size's runs: wall and CPU (user + system) seconds of each. */
    private record Runs(double[] wallMillis, double[] cpuMillis) {
    }

    /**
     * {@code status} in a new JVM, each run, its table to a file: the wall time, and the CPU time GNU time counts
     * (the machine may be shared: the CPU time is the steadier figure).
     */
    private static Runs time(Path dir, int runs, String bootstrap, String... options) throws Exception {
        double[] wall = new double[runs];
        double[] cpu = new double[runs];
        Path times = dir.resolve("status.time");
        for (int i = 0; i < runs; i++) {
            List<String> command = new ArrayList<>(List.of("/usr/bin/time", "-f", "%U %S", "-o", times.toString(),
                    Checkout.bin().toString(), "status", "--bootstrap-servers", bootstrap));
            command.addAll(List.of(options));
            Path out = dir.resolve("status.out");
            long start = System.nanoTime();
            Process process = new ProcessBuilder(command).redirectOutput(out.toFile())
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            int code = process.waitFor();
            wall[i] = (System.nanoTime() - start) / 1e6;
            if (code != 2) {
                throw new IllegalStateException("status exited with " + code + ", not 2 (CRITICAL processes)");
            }
            // The last line: GNU time writes "Command exited with non-zero status 2" before it.
            List<String> lines = Files.readAllLines(times);
            String[] userSystem = lines.get(lines.size() - 1).trim().split("\\s+");
            cpu[i] = (Double.parseDouble(userSystem[0]) + Double.parseDouble(userSystem[1])) * 1000;
        }
        return new Runs(wall, cpu);
    }

    /** Process {@code i}: server {@code bench-<i/100>}, every fifth one EXITED with a reason, the rest RUNNING. */
    private static ProcessStatus process(int i) {
        String server = String.format("bench-%05d", i / PROCESSES_PER_SERVER);
        String name = "worker_" + (i % PROCESSES_PER_SERVER);
        long now = System.currentTimeMillis();
        if (i % 5 == 0) {
            ProcessStatus.LastExit exit = new ProcessStatus.LastExit("EXITED", false, 3, null, 2.0,
                    "worker: lost the connection to the database at db-1:5432", "stderr", null, now);
            return new ProcessStatus(server, "workers", name, "EXITED", 100, null, now - 2_000, 0, 3, null,
                    "Dec 01 04:00 AM", CheckStatus.CRITICAL, now, ProcessStatus.SOURCE_EVENT, now, now, exit);
        }
        return new ProcessStatus(server, "workers", name, "RUNNING", 20, 10_000L + i, now - 3_600_000, 3600, 0,
                null, "pid " + (10_000 + i) + ", uptime 1:00:00", CheckStatus.OK, now - 3_600_000,
                ProcessStatus.SOURCE_SNAPSHOT, now, now, null);
    }

    private static String figures(Runs runs) {
        return String.format("median %,.0f ms wall (min %,.0f, max %,.0f), %,.0f ms CPU (min %,.0f)",
                Figures.median(runs.wallMillis()), min(runs.wallMillis()), max(runs.wallMillis()),
                Figures.median(runs.cpuMillis()), min(runs.cpuMillis()));
    }

    private static double min(double[] values) {
        return java.util.Arrays.stream(values).min().orElse(0);
    }

    private static double max(double[] values) {
        return java.util.Arrays.stream(values).max().orElse(0);
    }
}
