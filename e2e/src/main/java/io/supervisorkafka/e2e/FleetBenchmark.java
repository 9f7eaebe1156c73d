package io.supervisorkafka.e2e;

import io.supervisorkafka.schemas.CheckStatus;
import io.supervisorkafka.schemas.JsonSerde;
import io.supervisorkafka.schemas.ProcessCounts;
import io.supervisorkafka.schemas.ServiceCheck;
import io.supervisorkafka.schemas.Topics;
import io.supervisorkafka.schemas.fleet.FleetSimulator.SimulatedRecord;
import io.supervisorkafka.schemas.fleet.FleetSimulator;
import io.supervisorkafka.testkit.ChildProcess;
import io.supervisorkafka.testkit.Ports;
import io.supervisorkafka.testkit.ScratchDirectory;
import io.supervisorkafka.testkit.TopicCollector;
import io.supervisorkafka.tools.DevBroker;
import java.io.IOException;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
 * The Streams app at fleet scale, beside a raw copy of the same records. For each fleet shape (hosts x processes per
 * host) and number of app instances: a fresh broker, the built Streams app as a service at its defaults (topics of 6
 * partitions; 1, 2 or 3 instances of one application id, each with its own state directory), a raw Kafka Streams copy
 * (read, write unchanged, {@code exactly_once_v2}, the app's commit interval) from a topic of its own, and a probe
 * fleet of 10 x 10 processes whose programs crash 4 times a second. Then:
 * <ol>
 * <li>round by round, a new set of hosts ({@link FleetSimulator}, all RUNNING) produced at once to the raw copy's
 * input, timed until a read_committed consumer has every record from its output, and to {@code supervisor.snapshots},
 * timed until every host's {@code supervisor.process-counts} is right: both times, the ratio raw/app (goal: at least
 * 0.5), the app's processes and input records per second, and the records per second it wrote on its outputs;</li>
 * <li>another fleet of the shape on the wall clock for two snapshot intervals, as listeners publish: the probe exits'
 * latency from their {@code observedAt} to their CRITICAL on {@code supervisor.service-checks}, while its hosts appear
 * and once they are steady;</li>
 * <li>with nothing changing, the metric points per second the app writes (its punctuation) over 30 s;</li>
 * <li>the app's changelogs on the broker's disk, the instances' state directories, heap after a full collection
 * ({@code jcmd}) and resident sets, per 1,000 processes held.</li>
 * </ol>
 *
 * <p>Run: {@code ./mvnw -B -q install -DskipTests && ./mvnw -B -q -pl e2e exec:java
 * -Dexec.classpathScope=compile -Dexec.mainClass=io.supervisorkafka.e2e.FleetBenchmark
 * -Dexec.args="1000x10,100x100,10x1000 3 1,2,3"} (shapes, rounds, instance counts; the compile scope puts Kafka
 * Streams, which the raw copy runs in this JVM, on the class path). {@code -Dfleet.streams.config=FILE} passes
 * {@code --config FILE} to the app, to measure other settings, and {@code -Dfleet.streams.args="..."} other options
 * (e.g. {@code --warm-up 0s}); {@code -Dfleet.latencies=FILE} writes each probe
 * CRITICAL as a line: the exit's observedAt, ms until the CRITICAL was read, its partition, ms until its event was
 * read from {@code supervisor.events}.
 */
public final class FleetBenchmark {
    private static final int PARTITIONS = 6;
    private static final String RAW_INPUT = "fleet-bench.raw-input";
    private static final String RAW_OUTPUT = "fleet-bench.raw-output";
    private static final Duration PATIENCE = Duration.ofMinutes(10);
    private static final JsonSerde<ProcessCounts> COUNTS = JsonSerde.of(ProcessCounts.class);
    private static final JsonSerde<ServiceCheck> CHECKS = JsonSerde.of(ServiceCheck.class);
    /** What the app writes that readers see (not its changelogs). */
    private static final List<String> OUTPUTS = List.of(Topics.PROCESS_STATUS, Topics.SERVICE_CHECKS, Topics.METRICS,
            Topics.PROCESS_COUNTS);

    private FleetBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        String shapes = args.length > 0 ? args[0] : "1000x10,100x100,10x1000";
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        String instanceCounts = args.length > 2 ? args[2] : "1";
        List<String> lines = new ArrayList<>();
        for (String shape : shapes.split(",")) {
            String[] parts = shape.split("x");
            for (String instances : instanceCounts.split(",")) {
                lines.addAll(run(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]), rounds,
                        Integer.parseInt(instances)));
            }
        }
        System.out.println();
        lines.forEach(System.out::println);
        System.exit(0); // the raw copy's and the clients' non-daemon threads are closed; nothing else to wait for
    }

    /** {@code -Dfleet.streams.config=FILE} and {@code -Dfleet.streams.args="--warm-up 0s ..."}: the app's. */
    private static String[] appArgs() {
        List<String> args = new ArrayList<>();
        String config = System.getProperty("fleet.streams.config");
        if (config != null) {
            args.addAll(List.of("--config", config));
        }
        String more = System.getProperty("fleet.streams.args", "").trim();
        if (!more.isEmpty()) {
            args.addAll(List.of(more.split("\\s+")));
        }
        return args.toArray(String[]::new);
    }

    private static List<String> run(int hosts, int processesPerHost, int rounds, int instances) throws Exception {
        ScratchDirectory scratch = ScratchDirectory.create("fleet-bench");
        Path dir = scratch.path();
        List<String> lines = new ArrayList<>();
        String shape = String.format("%,d hosts x %,d processes, %d instance%s", hosts, processesPerHost, instances,
                instances == 1 ? "" : "s");
        List<ChildProcess> apps = new ArrayList<>();
        try (scratch; DevBroker broker = DevBroker.start(dir.resolve("broker"), "127.0.0.1", Ports.freeTcpPort(),
                Ports.freeTcpPort())) {
            String bootstrap = broker.bootstrapServers();
            try {
                for (int i = 1; i <= instances; i++) {
                    Path instanceDir = Files.createDirectories(dir.resolve("instance-" + i));
                    apps.add(Pipeline.startStreams(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
                            bootstrap, instanceDir, "fleet-bench", PARTITIONS, appArgs()));
                }
                createTopics(bootstrap, List.of(RAW_INPUT, RAW_OUTPUT));
                try (KafkaStreams rawCopy = startRawCopy(bootstrap, dir);
                     Producer<byte[], byte[]> producer = producer(bootstrap);
                     TopicCollector collector = new TopicCollector(bootstrap, List.of(RAW_OUTPUT,
                             Topics.PROCESS_COUNTS, Topics.METRICS, Topics.SERVICE_CHECKS, Topics.PROCESS_STATUS,
                             Topics.EVENTS));
                     ProbeFleet probe = new ProbeFleet(producer)) {
                    // The probe hosts' counts right: every instance has its tasks and the app is past its start.
                    Awaitility.await("the probe hosts' counts").atMost(PATIENCE).pollInterval(Duration.ofMillis(20))
                            .until(new CountsWatch(collector, Set.copyOf(probe.servers()), ProbeFleet.PER_HOST)
                                    ::allRight);
                    probe.startCrashing();
                    for (int round = 1; round <= rounds; round++) {
                        lines.add(round(shape, hosts, processesPerHost, round, collector, producer));
                    }
                    lines.addAll(steadyLoad(shape, hosts, processesPerHost, collector, producer));
                    probe.close();
                    lines.add(punctuation(shape, collector,
                            hosts * processesPerHost * (rounds + 1) + ProbeFleet.PROCESSES));
                }
                lines.add(footprint(shape, dir, apps, hosts * processesPerHost * (rounds + 1) + ProbeFleet.PROCESSES));
            } finally {
                apps.forEach(ChildProcess::close);
            }
            scratch.completed();
        }
        lines.forEach(System.out::println);
        return lines;
    }

    private static String round(String shape, int hosts, int processesPerHost, int round, TopicCollector collector,
                                Producer<byte[], byte[]> producer) {
        FleetSimulator simulator = new FleetSimulator(new FleetSimulator.Settings("r" + round + "-h", hosts,
                processesPerHost, Duration.ofSeconds(30), 0, 0, 0, Duration.ofSeconds(10), round),
                System.currentTimeMillis());
        List<SimulatedRecord> snapshots = simulator.snapshotRound();
        Set<String> servers = Set.copyOf(simulator.servers());

        int rawBefore = collector.count(RAW_OUTPUT);
        long rawStart = System.nanoTime();
        send(producer, RAW_INPUT, snapshots);
        Awaitility.await("the raw copy").atMost(PATIENCE).pollInterval(Duration.ofMillis(20))
                .until(() -> collector.count(RAW_OUTPUT) - rawBefore >= snapshots.size());
        double rawSeconds = (System.nanoTime() - rawStart) / 1e9;

        CountsWatch counts = new CountsWatch(collector, servers, processesPerHost);
        long appStartMillis = System.currentTimeMillis();
        long appStart = System.nanoTime();
        send(producer, Topics.SNAPSHOTS, snapshots);
        Awaitility.await("every host's counts").atMost(PATIENCE).pollInterval(Duration.ofMillis(20))
                .until(counts::allRight);
        double appSeconds = (System.nanoTime() - appStart) / 1e9;
        long appEndMillis = System.currentTimeMillis();
        long written = OUTPUTS.stream().mapToLong(topic -> collector.all(topic).stream()
                .filter(r -> r.receivedAtMillis() >= appStartMillis && r.receivedAtMillis() <= appEndMillis)
                .count()).sum();

        int processes = hosts * processesPerHost;
        return String.format("%s (%,d), round %d: raw copy %.2f s, app %.2f s, ratio %.2f; app %,.0f processes/s"
                        + " (%,.0f input records/s), %,.0f output records/s", shape, processes, round, rawSeconds,
                appSeconds, rawSeconds / appSeconds, processes / appSeconds, snapshots.size() / appSeconds,
                written / appSeconds);
    }

    /**
     * Another fleet of the shape, on the wall clock for two snapshot intervals as its listeners would publish (snapshots
     * spread over the 30 s): in the first its hosts appear, in the second their snapshots change nothing. The probe
     * hosts' exits meanwhile time the alerting feed under that load.
     */
    private static List<String> steadyLoad(String shape, int hosts, int processesPerHost, TopicCollector collector,
                                           Producer<byte[], byte[]> producer)
            throws InterruptedException, IOException {
        Duration interval = Duration.ofSeconds(30);
        long start = System.currentTimeMillis();
        FleetSimulator fleet = new FleetSimulator(new FleetSimulator.Settings("steady-h", hosts, processesPerHost,
                interval, 0, 0, 0, Duration.ofSeconds(10), 99), start);
        long end = start + 2 * interval.toMillis();
        for (long now = start; now < end; now = System.currentTimeMillis()) {
            for (SimulatedRecord record : fleet.advanceTo(now)) {
                producer.send(record.toProducerRecord(record.topic()));
            }
            Thread.sleep(20);
        }
        producer.flush();
        Thread.sleep(5_000); // the last exits' checks
        writeLatencies(collector);
        return List.of(
                exitLatency(shape + ", as its hosts appear (snapshots spread over 30 s)", collector, start,
                        start + interval.toMillis()),
                exitLatency(shape + ", steady (its snapshots change nothing)", collector,
                        start + interval.toMillis(), end));
    }

    /**
     * From a probe host's exit (its observedAt) within [from, to) to its CRITICAL read from supervisor.service-checks.
     */
    private static String exitLatency(String load, TopicCollector collector, long from, long to) {
        double[] millis = probeCriticals(collector).stream()
                .filter(critical -> critical.check().timestamp() >= from && critical.check().timestamp() < to)
                .mapToDouble(ProbeCritical::latencyMillis).toArray();
        if (millis.length == 0) {
            return load + ": no probe exit reached supervisor.service-checks";
        }
        return String.format("%s: exit -> CRITICAL, %d exits: p50 %.0f ms, p99 %.0f ms, max %.0f ms", load,
                millis.length, Figures.median(millis), Figures.percentile(millis, 99),
                Figures.percentile(millis, 100));
    }

    /** A probe host's CRITICAL as read from supervisor.service-checks. */
    private record ProbeCritical(ServiceCheck check, TopicCollector.Received received) {
        /** From the exit's observedAt to the CRITICAL read. */
        long latencyMillis() {
            return received.receivedAtMillis() - check.timestamp();
        }
    }

    private static List<ProbeCritical> probeCriticals(TopicCollector collector) {
        return collector.all(Topics.SERVICE_CHECKS).stream()
                .map(r -> new ProbeCritical(CHECKS.deserialize(Topics.SERVICE_CHECKS, r.value()), r))
                .filter(critical -> critical.check().server().startsWith(ProbeFleet.PREFIX)
                        && critical.check().status() == CheckStatus.CRITICAL)
                .toList();
    }

    /** {@code -Dfleet.latencies=FILE}: each probe CRITICAL, with when its event was read, to find where time went. */
    private static void writeLatencies(TopicCollector collector) throws IOException {
        String file = System.getProperty("fleet.latencies");
        if (file == null) {
            return;
        }
        Map<String, Long> eventArrivals = new HashMap<>();
        collector.all(Topics.EVENTS).forEach(r -> eventArrivals.putIfAbsent(r.key() + "@" + r.record().timestamp(),
                r.receivedAtMillis()));
        StringBuilder out = new StringBuilder();
        for (ProbeCritical critical : probeCriticals(collector)) {
            ServiceCheck check = critical.check();
            out.append(check.timestamp()).append(' ').append(critical.latencyMillis()).append(' ')
                    .append(critical.received().record().partition()).append(' ')
                    .append(eventArrivals.getOrDefault(check.server() + "@" + check.timestamp(), 0L)
                            - check.timestamp()).append('\n');
        }
        Files.writeString(Path.of(file), out);
    }

    private static String punctuation(String shape, TopicCollector collector, int processes)
            throws InterruptedException {
        int before = collector.count(Topics.METRICS);
        long start = System.nanoTime();
        Thread.sleep(30_000);
        double seconds = (System.nanoTime() - start) / 1e9;
        int metrics = collector.count(Topics.METRICS) - before;
        return String.format("%s: afterwards, nothing changing, %.0f metric points/s on"
                        + " supervisor.metrics (%,d processes: %.2f per process per 15 s)", shape, metrics / seconds,
                processes, metrics / seconds * 15 / processes);
    }

    /**
     * The app's state: its changelog topics on the broker's disk (what a restore reads back), the instances' state
     * directories (RocksDB keeps recent writes in memtables, so this trails), their heap after a full collection and
     * resident sets, per 1,000 processes held.
     */
    private static String footprint(String shape, Path dir, List<ChildProcess> apps, int processes)
            throws IOException, InterruptedException {
        long changelogBytes;
        try (var files = Files.walk(dir.resolve("broker"))) {
            // Log segments only: a partition's index files are preallocated (10 MB each, sparse).
            changelogBytes = files.filter(Files::isRegularFile)
                    .filter(file -> file.getFileName().toString().endsWith(".log"))
                    .filter(file -> file.getParent().getFileName().toString().contains("-changelog-"))
                    .mapToLong(file -> file.toFile().length()).sum();
        }
        long storeBytes = 0;
        long heapKb = 0;
        long residentKb = 0;
        for (int i = 0; i < apps.size(); i++) {
            try (var files = Files.walk(dir.resolve("instance-" + (i + 1)).resolve("streams-state"))) {
                storeBytes += files.filter(Files::isRegularFile).mapToLong(file -> file.toFile().length()).sum();
            }
            long pid = apps.get(i).pid();
            jcmd(pid, "GC.run");
            Matcher used = Pattern.compile("used (\\d+)K").matcher(jcmd(pid, "GC.heap_info"));
            heapKb += used.find() ? Long.parseLong(used.group(1)) : 0;
            residentKb += Figures.procStatusKb(pid, "VmRSS");
        }
        double thousands = processes / 1000.0;
        return String.format("%s: %,d processes held: changelogs %.1f MB (%.2f MB per 1,000), state directories %.1f"
                        + " MB, heap after a full GC %.1f MB (%.2f MB per 1,000), resident %.0f MB", shape, processes,
                changelogBytes / 1e6, changelogBytes / 1e6 / thousands, storeBytes / 1e6, heapKb / 1024.0,
                heapKb / 1024.0 / thousands, residentKb / 1024.0);
    }

    private static String jcmd(long pid, String command) throws IOException, InterruptedException {
        Process jcmd = new ProcessBuilder("jcmd", Long.toString(pid), command).redirectErrorStream(true).start();
        String out = new String(jcmd.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        jcmd.waitFor();
        return out;
    }

    /**
     * A small fleet beside the rounds' (10 hosts x 10 processes, {@value #CRASHES_PER_SECOND} crashes a second once
     * started), run on the wall clock by a thread of its own, whose exits time the alerting feed under the rounds'
     * load.
     */
    private static final class ProbeFleet implements AutoCloseable {
        static final String PREFIX = "probe";
        static final int HOSTS = 10;
        static final int PER_HOST = 10;
        static final int PROCESSES = HOSTS * PER_HOST;
        static final double CRASHES_PER_SECOND = 4;
        private final Producer<byte[], byte[]> producer;
        private final FleetSimulator quiet;
        private volatile FleetSimulator crashing;
        private final Thread thread;
        private volatile boolean running = true;

        ProbeFleet(Producer<byte[], byte[]> producer) {
            this.producer = producer;
            long now = System.currentTimeMillis();
            this.quiet = new FleetSimulator(new FleetSimulator.Settings(PREFIX, HOSTS, PER_HOST, Duration.ofSeconds(30),
                    0, 0, 0, Duration.ofSeconds(10), 7), now);
            send(producer, Topics.SNAPSHOTS, quiet.snapshotRound());
            this.thread = new Thread(this::run, "probe-fleet");
            this.thread.setDaemon(true);
        }

        List<String> servers() {
            return quiet.servers();
        }

        /** From now on its processes crash (the same hosts: the simulator is seeded alike). */
        void startCrashing() {
            FleetSimulator simulator = new FleetSimulator(new FleetSimulator.Settings(PREFIX, HOSTS, PER_HOST,
                    Duration.ofSeconds(30), CRASHES_PER_SECOND, 0, 0, Duration.ofSeconds(10), 7),
                    System.currentTimeMillis());
            simulator.snapshotRound(); // its hosts as the app knows them
            crashing = simulator;
            thread.start();
        }

        private void run() {
            while (running) {
                List<SimulatedRecord> due = crashing.advanceTo(System.currentTimeMillis());
                for (SimulatedRecord record : due) {
                    producer.send(record.toProducerRecord(record.topic()));
                }
                if (!due.isEmpty()) {
                    producer.flush();
                }
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        /** Stops its crashes; again is harmless. */
        @Override
        public void close() throws InterruptedException {
            running = false;
            thread.interrupt();
            thread.join();
        }
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
