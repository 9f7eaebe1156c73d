package io.supervisorkafka.tools;

import io.supervisorkafka.schemas.ProcessState;
import io.supervisorkafka.schemas.Topics;
import io.supervisorkafka.schemas.cli.BrokerCheck;
import io.supervisorkafka.schemas.fleet.FleetSimulator.SimulatedRecord;
import io.supervisorkafka.schemas.fleet.FleetSimulator;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code supervisor-kafka simulate}: what a fleet of listeners would publish, into a real cluster. */
@Command(name = "simulate", mixinStandardHelpOptions = true, sortOptions = false, usageHelpWidth = 100,
        abbreviateSynopsis = true,
        usageHelpAutoWidth = true,
        description = {"Publishes what the listeners of a simulated fleet would: a snapshot of every host each"
                + " --snapshot-interval (the hosts spread over it), and PROCESS_STATE events with the listeners' exit"
                + " records for crashes, restarts and flapping programs, into supervisor.snapshots, supervisor.events"
                + " and supervisor.process-exits, on the wall clock. Repeatable with --seed. For load and fault"
                + " tests of the Streams app; no supervisord is involved."},
        footer = {"", "Durations: 500ms, 30s, 5m, 1h or PT30S.",
                "Exit codes: 0 done; 1 no broker answered or it refused a record; 2 bad usage or an unreadable"
                        + " --config file."})
final class SimulateCommand implements Callable<Integer> {
    private static final Duration STEP = Duration.ofMillis(20);
    private static final Duration REPORT_EVERY = Duration.ofSeconds(10);

    @Mixin
    ConnectionOptions connection;

    @Option(names = "--hosts", paramLabel = "N", defaultValue = "100", description = "Simulated hosts (default:"
            + " ${DEFAULT-VALUE}).")
    int hosts;

    @Option(names = "--processes-per-host", paramLabel = "N", defaultValue = "10",
            description = "Programs on each host (default: ${DEFAULT-VALUE}).")
    int processesPerHost;

    @Option(names = "--snapshot-interval", paramLabel = "DURATION", converter = DurationConverter.class,
            defaultValue = "30s", description = "How often each host publishes a snapshot (default: ${DEFAULT-VALUE},"
            + " the listener's).")
    Duration snapshotInterval;

    @Option(names = "--crashes-per-second", paramLabel = "RATE", defaultValue = "1",
            description = "Crashes across the fleet: a RUNNING process killed, then restarted by supervisord"
                    + " (default: ${DEFAULT-VALUE}).")
    double crashesPerSecond;

    @Option(names = "--restarts-per-second", paramLabel = "RATE", defaultValue = "0.2",
            description = "Restarts by an operator across the fleet (default: ${DEFAULT-VALUE}).")
    double restartsPerSecond;

    @Option(names = "--flapping", paramLabel = "N", defaultValue = "0",
            description = "Processes that crash every --flap-every (default: ${DEFAULT-VALUE}).")
    int flapping;

    @Option(names = "--flap-every", paramLabel = "DURATION", converter = DurationConverter.class,
            defaultValue = "10s", description = "The flapping processes' rhythm (default: ${DEFAULT-VALUE}).")
    Duration flapEvery;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "1", description = "Seed of the simulation"
            + " (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--host-prefix", paramLabel = "NAME", defaultValue = "sim",
            description = "Server ids are NAME-00001 ... (default: ${DEFAULT-VALUE}).")
    String hostPrefix;

    @Option(names = "--duration", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Stop after this long (default: until interrupted).")
    Duration duration;

    @Option(names = "--partitions", paramLabel = "N", defaultValue = "6",
            description = "Partitions of the input topics it creates when missing (default: ${DEFAULT-VALUE}).")
    int partitions;

    @Option(names = "--truth", paramLabel = "FILE",
            description = "At the end, write the simulated state of every process to FILE as JSON, by the"
                    + " process-status key (server/group:name).")
    Path truthFile;

    @Spec
    CommandSpec spec;

    private volatile boolean stopping;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        FleetSimulator.Settings settings;
        Properties connectionSettings;
        try {
            settings = new FleetSimulator.Settings(hostPrefix, hosts, processesPerHost, snapshotInterval,
                    crashesPerSecond, restartsPerSecond, flapping, flapEvery, seed);
            connectionSettings = connection.consumerSettings();
        } catch (IllegalArgumentException bad) {
            err.println("supervisor-kafka simulate: " + bad.getMessage());
            return 2;
        }
        Map<String, Object> clientSettings = ConnectionOptions.asMap(connectionSettings);
        try {
            BrokerCheck.requireReachable(clientSettings, TailCommand.BROKER_TIMEOUT);
            createMissingTopics(clientSettings);
        } catch (BrokerCheck.BrokerUnreachableException e) {
            err.println("supervisor-kafka simulate: " + e.getMessage());
            return 1;
        }
        Thread main = Thread.currentThread();
        Thread hook = new Thread(() -> {
            stopping = true;
            try {
                main.join(TimeUnit.SECONDS.toMillis(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "simulate-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try (Producer<byte[], byte[]> producer = new KafkaProducer<>(producerSettings(clientSettings))) {
            run(new FleetSimulator(settings, System.currentTimeMillis()), producer, err);
        } finally {
            if (!stopping) {
                Runtime.getRuntime().removeShutdownHook(hook);
            }
        }
        return 0;
    }

    private void run(FleetSimulator simulator, Producer<byte[], byte[]> producer, PrintWriter err)
            throws IOException, InterruptedException {
        long start = System.currentTimeMillis();
        long end = duration == null ? Long.MAX_VALUE : start + duration.toMillis();
        long nextReport = start + REPORT_EVERY.toMillis();
        Map<String, Long> sent = new TreeMap<>();
        long sentSinceReport = 0;
        err.printf("supervisor-kafka simulate: %d hosts x %d processes, seed %d%n", hosts, processesPerHost, seed);
        err.flush();
        while (!stopping) {
            long now = Math.min(System.currentTimeMillis(), end);
            for (SimulatedRecord record : simulator.advanceTo(now)) {
                producer.send(record.toProducerRecord(record.topic()));
                sent.merge(record.topic(), 1L, Long::sum);
                sentSinceReport++;
            }
            if (now >= end) {
                break;
            }
            if (now >= nextReport) {
                err.printf("supervisor-kafka simulate: %.0f records/s; sent so far %s%n",
                        sentSinceReport * 1000.0 / (REPORT_EVERY.toMillis() + now - nextReport), sent);
                err.flush();
                sentSinceReport = 0;
                nextReport = now + REPORT_EVERY.toMillis();
            }
            Thread.sleep(STEP.toMillis());
        }
        producer.flush();
        err.printf("supervisor-kafka simulate: sent %s in %.1f s%n", sent,
                (System.currentTimeMillis() - start) / 1000.0);
        err.flush();
        if (truthFile != null) {
            writeTruth(simulator.truth());
        }
    }

    private void writeTruth(Map<String, ProcessState> truth) throws IOException {
        Files.writeString(truthFile, io.supervisorkafka.schemas.Json.MAPPER.writeValueAsString(truth) + "\n");
    }

    private void createMissingTopics(Map<String, Object> clientSettings) {
        try (Admin admin = Admin.create(clientSettings)) {
            Set<String> existing = admin.listTopics().names().get(1, TimeUnit.MINUTES);
            List<NewTopic> missing = new ArrayList<>();
            for (String topic : List.of(Topics.EVENTS, Topics.SNAPSHOTS, Topics.PROCESS_EXITS)) {
                if (!existing.contains(topic)) {
                    missing.add(new NewTopic(topic, Optional.of(partitions), Optional.empty()));
                }
            }
            if (!missing.isEmpty()) {
                admin.createTopics(missing).all().get(1, TimeUnit.MINUTES);
            }
        } catch (java.util.concurrent.ExecutionException e) {
            if (!(e.getCause() instanceof org.apache.kafka.common.errors.TopicExistsException)) {
                throw new IllegalStateException("cannot create the input topics: " + e.getCause().getMessage(), e);
            }
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("cannot create the input topics: the broker did not answer in time", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Map<String, Object> producerSettings(Map<String, Object> clientSettings) {
        Map<String, Object> settings = new java.util.HashMap<>(clientSettings);
        settings.put(ProducerConfig.ACKS_CONFIG, "all");
        settings.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        settings.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        settings.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        settings.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        return settings;
    }
}
