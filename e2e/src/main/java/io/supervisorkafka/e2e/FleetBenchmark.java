package io.supervisorkafka.e2e;

import io.supervisorkafka.schemas.JsonSerde;
import io.supervisorkafka.schemas.ProcessCounts;
import io.supervisorkafka.schemas.Topics;
import io.supervisorkafka.testkit.ChildProcess;
import io.supervisorkafka.testkit.Ports;
import io.supervisorkafka.testkit.TopicCollector;
import io.supervisorkafka.tools.DevBroker;
import io.supervisorkafka.tools.fleet.FleetSimulator;
import io.supervisorkafka.tools.fleet.FleetSimulator.SimulatedRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;
import org.awaitility.Awaitility;

/**
 * How long one round of snapshots of a simulated fleet takes to become derived output, beside a raw copy of the same
 * records. For each fleet shape (hosts x processes per host): a fresh broker, the built Streams app as a service at its
 * defaults with its topics of 6 partitions, and a raw Kafka Streams copy (read, write unchanged, {@code
 * exactly_once_v2}, the app's commit interval) from a topic of its own; then, round by round, a new set of hosts
 * ({@link FleetSimulator}, all RUNNING) produced once to the raw copy's input, timed until a read_committed consumer
 * has every record from its output, and once to {@code supervisor.snapshots}, timed until every host's
 * {@code supervisor.process-counts} is right. Prints both times, the ratio raw/app (goal: at least 0.5) and the app's
 * processes per second; after the rounds, with nothing changing, the records per second the app writes on
 * {@code supervisor.metrics} (its punctuation: uptimes) over 30 s.
 *
 * <p>Run: {@code ./mvnw -B -q install -DskipTests && ./mvnw -B -q -pl e2e exec:java
 * -Dexec.classpathScope=compile -Dexec.mainClass=io.supervisorkafka.e2e.FleetBenchmark
 * -Dexec.args="1000x10,100x100,10x1000 3"} (shapes, rounds; the compile scope puts Kafka Streams, which the raw copy
 * runs in this JVM, on the class path). {@code -Dfleet.streams.config=FILE} passes {@code --config FILE} to the app, to
 * measure other settings.
 */
public final class FleetBenchmark {
    private static final int PARTITIONS = 6;
    private static final String RAW_INPUT = "fleet-bench.raw-input";
    private static final String RAW_OUTPUT = "fleet-bench.raw-output";
    private static final Duration PATIENCE = Duration.ofMinutes(10);
    private static final JsonSerde<ProcessCounts> COUNTS = JsonSerde.of(ProcessCounts.class);

    private FleetBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        String shapes = args.length > 0 ? args[0] : "1000x10,100x100,10x1000";
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        List<String> lines = new ArrayList<>();
        for (String shape : shapes.split(",")) {
            String[] parts = shape.split("x");
            lines.addAll(run(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]), rounds));
        }
        System.out.println();
        lines.forEach(System.out::println);
        System.exit(0); // the raw copy's and the clients' non-daemon threads are closed; nothing else to wait for
    }

    private static String[] appArgs() {
        String config = System.getProperty("fleet.streams.config");
        return config == null ? new String[0] : new String[] {"--config", config};
    }

    private static List<String> run(int hosts, int processesPerHost, int rounds) throws Exception {
        Path dir = Files.createTempDirectory("fleet-bench");
        List<String> lines = new ArrayList<>();
        try (DevBroker broker = DevBroker.start(dir.resolve("broker"), "127.0.0.1", Ports.freeTcpPort(),
                Ports.freeTcpPort());
             ChildProcess streams = Pipeline.startStreams(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                     broker.bootstrapServers()), broker.bootstrapServers(), dir, "fleet-bench", PARTITIONS,
                     appArgs())) {
            String bootstrap = broker.bootstrapServers();
            createTopics(bootstrap, List.of(RAW_INPUT, RAW_OUTPUT));
            try (KafkaStreams rawCopy = startRawCopy(bootstrap, dir);
                 Producer<byte[], byte[]> producer = producer(bootstrap);
                 TopicCollector collector = new TopicCollector(bootstrap,
                         List.of(RAW_OUTPUT, Topics.PROCESS_COUNTS, Topics.METRICS))) {
                for (int round = 1; round <= rounds; round++) {
                    FleetSimulator simulator = new FleetSimulator(new FleetSimulator.Settings("r" + round + "-h",
                            hosts, processesPerHost, Duration.ofSeconds(30), 0, 0, 0, Duration.ofSeconds(10), round),
                            System.currentTimeMillis());
                    List<SimulatedRecord> snapshots = simulator.snapshotRound();
                    Set<String> servers = Set.copyOf(simulator.servers());

                    int rawBefore = collector.all(RAW_OUTPUT).size();
                    long rawStart = System.nanoTime();
                    send(producer, RAW_INPUT, snapshots);
                    Awaitility.await("the raw copy").atMost(PATIENCE).pollInterval(Duration.ofMillis(20))
                            .until(() -> collector.all(RAW_OUTPUT).size() - rawBefore >= snapshots.size());
                    double rawSeconds = (System.nanoTime() - rawStart) / 1e9;

                    CountsWatch counts = new CountsWatch(collector, servers, processesPerHost);
                    long appStart = System.nanoTime();
                    send(producer, Topics.SNAPSHOTS, snapshots);
                    Awaitility.await("every host's counts").atMost(PATIENCE).pollInterval(Duration.ofMillis(20))
                            .until(counts::allRight);
                    double appSeconds = (System.nanoTime() - appStart) / 1e9;

                    int processes = hosts * processesPerHost;
                    String line = String.format("%,d hosts x %,d processes (%,d), round %d: raw copy %.2f s, app %.2f"
                                    + " s, ratio %.2f; app %,.0f processes/s", hosts, processesPerHost, processes,
                            round, rawSeconds, appSeconds, rawSeconds / appSeconds, processes / appSeconds);
                    System.out.println(line);
                    lines.add(line);
                }
                int before = collector.all(Topics.METRICS).size();
                long start = System.nanoTime();
                Thread.sleep(30_000);
                double seconds = (System.nanoTime() - start) / 1e9;
                int metrics = collector.all(Topics.METRICS).size() - before;
                String line = String.format("%,d hosts x %,d processes: afterwards, nothing changing, %.0f metric"
                        + " points/s on supervisor.metrics (%d processes: %.2f per process per 15 s)", hosts,
                        processesPerHost, metrics / seconds, hosts * processesPerHost * rounds,
                        metrics / seconds * 15 / (hosts * processesPerHost * rounds));
                System.out.println(line);
                lines.add(line);
            }
        }
        return lines;
    }

    /**
     * Whether the latest counts of each server of a round say all its processes RUNNING; each poll reads only the
     * counts records that arrived since the last, so that the check costs the machine little while the app works.
     */
    private static final class CountsWatch {
        private final TopicCollector collector;
        private final Set<String> servers;
        private final int processesPerHost;
        private final Set<String> right = new java.util.HashSet<>();
        private int seen;

        CountsWatch(TopicCollector collector, Set<String> servers, int processesPerHost) {
            this.collector = collector;
            this.servers = servers;
            this.processesPerHost = processesPerHost;
        }

        boolean allRight() {
            List<TopicCollector.Received> all = collector.all(Topics.PROCESS_COUNTS);
            for (; seen < all.size(); seen++) {
                TopicCollector.Received r = all.get(seen);
                if (servers.contains(r.key())) {
                    ProcessCounts c = COUNTS.deserialize(Topics.PROCESS_COUNTS, r.value());
                    if (c.total() == processesPerHost && c.byState().getOrDefault("RUNNING", 0) == processesPerHost) {
                        right.add(r.key());
                    } else {
                        right.remove(r.key());
                    }
                }
            }
            return right.size() == servers.size();
        }
    }

    private static void send(Producer<byte[], byte[]> producer, String topic, List<SimulatedRecord> records) {
        for (SimulatedRecord record : records) {
            producer.send(record.toProducerRecord(topic));
        }
        producer.flush();
    }

    private static void createTopics(String bootstrap, List<String> topics) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            List<NewTopic> newTopics = topics.stream()
                    .map(t -> new NewTopic(t, Optional.of(PARTITIONS), Optional.empty())).toList();
            admin.createTopics(newTopics).all().get(1, TimeUnit.MINUTES);
        }
    }

    /** Reads the raw input and writes it unchanged, as the app would be configured: exactly_once_v2, its commits. */
    private static KafkaStreams startRawCopy(String bootstrap, Path dir) {
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream(RAW_INPUT, Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()))
                .to(RAW_OUTPUT, Produced.with(Serdes.ByteArray(), Serdes.ByteArray()));
        Properties properties = new Properties();
        properties.put(StreamsConfig.APPLICATION_ID_CONFIG, "fleet-bench-raw-copy");
        properties.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        properties.put(StreamsConfig.STATE_DIR_CONFIG, dir.resolve("raw-copy-state").toString());
        properties.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        properties.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, "50"); // the app's default (StreamsMain)
        properties.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, 1);
        KafkaStreams streams = new KafkaStreams(builder.build(), properties);
        streams.start();
        Awaitility.await("the raw copy RUNNING").atMost(Duration.ofMinutes(2))
                .until(() -> streams.state() == KafkaStreams.State.RUNNING);
        return streams;
    }

    private static Producer<byte[], byte[]> producer(String bootstrap) {
        Map<String, Object> settings = new HashMap<>();
        settings.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        settings.put(ProducerConfig.ACKS_CONFIG, "all");
        settings.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        settings.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        settings.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        return new KafkaProducer<>(settings);
    }
}
