package io.supervisorkafka.streams;

import io.supervisorkafka.schemas.fleet.FleetSimulator;
import io.supervisorkafka.schemas.fleet.FleetSimulator.SimulatedRecord;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.function.BooleanSupplier;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the app's own topology, built from its own configuration, over a simulated fleet (snapshots, crashes,
 * restarts, flapping programs: {@link FleetSimulator}) on a {@link TopologyTestDriver} with a scratch state directory,
 * once at start, beside Kafka Streams joining its group, so that the JIT has compiled the processors, the serdes and
 * the store code before the fleet's records arrive.
 *
 * <p>Why: a JVM a few seconds old met a fleet arriving (100,000 processes appearing in its first 30 s,
 * {@code FleetBenchmark 10000x10 0 1}) with that code interpreted, and its C2 compiler took most of a core while
 * 3,333 processes a second came in: exit to CRITICAL p99 5.9-9.7 s in that first interval, 0.1-0.4 s once warm. The
 * same run with C1 alone gave 2.1 s, so the compiler's time was most of it; C1 alone is slower once warm (rounds of
 * 10,000 at 2.1-2.7 s against 1.6-1.8 s), hence compiling early rather than less. The simulated fleet feeds the
 * supervisord part (snapshots, events, exit records), which carries a fleet's volume; the gunicorn and docker parts,
 * a record per host every few seconds, compile as they run.
 *
 * <p>Nothing of it reaches the app: its own driver, stores in a directory removed afterwards, no broker. The cost is
 * CPU for at most the budget, on a thread of its own, once.
 */
final class TopologyWarmUp implements AutoCloseable {
    static final String THREAD = "topology-warmup";
    /** An upper bound: the app stops it sooner, once RUNNING (joining a group and restoring take seconds). */
    static final Duration DEFAULT_BUDGET = Duration.ofSeconds(30);
    private static final Logger log = LoggerFactory.getLogger(TopologyWarmUp.class);
    /** Simulated time: an hour of a small fleet snapshotting every second goes through every processor often. */
    private static final long SIMULATED_START = Instant.parse("2026-01-01T00:00:00Z").toEpochMilli();
    private static final long STEP_MILLIS = 100;

    /** What one warm-up went through: the simulated fleet's records in, the topology's records out. */
    record Result(long recordsIn, long recordsOut, Duration took) {
    }

    private final Thread thread;
    private volatile boolean stopping;

    private TopologyWarmUp(PipelineConfig config, Properties appProperties, Duration budget, Path scratch) {
        thread = new Thread(() -> {
            try {
                Result result = run(config, appProperties, budget, () -> stopping, scratch);
                log.info("warmed up the topology on a simulated fleet: {} records in, {} out, in {} ms",
                        result.recordsIn(), result.recordsOut(), result.took().toMillis());
            } catch (Exception | LinkageError e) {
                log.warn("topology warm-up stopped, which changes nothing but the first minute's speed: {}",
                        e.toString());
            }
        }, THREAD);
        thread.setDaemon(true);
    }

    /**
     * Beside the app's own state, under its {@code state.dir}: not in the temporary directory, where Kafka Streams
     * warns about a state directory, and one path per application, so that what a killed warm-up left is removed by
     * the next one rather than piling up.
     */
    static Path scratchDirectory(Properties appProperties) {
        StreamsConfig streamsConfig = new StreamsConfig(appProperties);
        return Path.of(streamsConfig.getString(StreamsConfig.STATE_DIR_CONFIG),
                ".warm-up-" + streamsConfig.getString(StreamsConfig.APPLICATION_ID_CONFIG));
    }

    /**
     * Starts a warm-up of at most {@code budget} on a thread of its own; none when the budget is zero, or when the
     * app's {@code state.dir} cannot be created (Kafka Streams then says why as it starts).
     */
    static TopologyWarmUp startInBackground(PipelineConfig config, Properties appProperties, Duration budget) {
        Path scratch = scratchDirectory(appProperties);
        TopologyWarmUp warmUp = new TopologyWarmUp(config, appProperties, budget, scratch);
        if (!budget.isZero() && !budget.isNegative() && stateDirectoryCreated(scratch)) {
            warmUp.thread.start();
        }
        return warmUp;
    }

    /**
     * Creates the app's {@code state.dir}, the scratch directory's parent, on the caller's thread, before the warm-up's
     * driver would create it as it creates the scratch directory: Kafka Streams looks whether its {@code state.dir}
     * exists, then creates it, and fails ("base state directory ... doesn't exist and couldn't be created") when
     * another thread created it in between.
     */
    static boolean stateDirectoryCreated(Path scratch) {
        try {
            Files.createDirectories(scratch.getParent());
            return true;
        } catch (IOException e) {
            log.debug("no warm-up: {}", e.toString());
            return false;
        }
    }

    /**
     * Pipes the simulated fleet's records through the topology of {@code config} until {@code budget} has passed or
     * {@code stop} says so, with its stores in {@code stateDir}, which it empties first and removes at the end.
     */
    static Result run(PipelineConfig config, Properties appProperties, Duration budget, BooleanSupplier stop,
                      Path stateDir) throws IOException {
        long started = System.nanoTime();
        long recordsIn = 0;
        long recordsOut = 0;
        removeRecursively(stateDir);
        try {
            Properties properties = new Properties();
            properties.putAll(appProperties);
            properties.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
            // Bounds the simulated fleet's shapes to what the app sees: hosts of a few processes, each snapshotting
            // every second so that a budget of seconds goes through many snapshots, with exits of every kind.
            FleetSimulator fleet = new FleetSimulator(new FleetSimulator.Settings("warm-up", 200, 10,
                    Duration.ofSeconds(1), 40, 10, 20, Duration.ofSeconds(3), 1), SIMULATED_START);
            try (TopologyTestDriver driver = new TopologyTestDriver(TopologyFactory.build(config), properties,
                    Instant.ofEpochMilli(SIMULATED_START))) {
                Map<String, TestInputTopic<byte[], byte[]>> inputs = new HashMap<>();
                Map<String, TestOutputTopic<byte[], byte[]>> outputs = new HashMap<>();
                for (long now = SIMULATED_START; System.nanoTime() - started < budget.toNanos()
                        && !stop.getAsBoolean(); now += STEP_MILLIS) {
                    for (SimulatedRecord record : fleet.advanceTo(now)) {
                        inputs.computeIfAbsent(record.topic(), topic -> driver.createInputTopic(topic,
                                new ByteArraySerializer(), new ByteArraySerializer()))
                                .pipeInput(record.key().getBytes(StandardCharsets.UTF_8),
                                        record.value(), record.timestamp());
                        recordsIn++;
                    }
                    driver.advanceWallClockTime(Duration.ofMillis(STEP_MILLIS));
                    // The driver keeps what the topology writes until read: read it, to keep the heap flat.
                    for (String topic : driver.producedTopicNames()) {
                        recordsOut += outputs.computeIfAbsent(topic, name -> driver.createOutputTopic(name,
                                new ByteArrayDeserializer(), new ByteArrayDeserializer())).readRecordsToList().size();
                    }
                }
            }
        } finally {
            removeRecursively(stateDir);
        }
        return new Result(recordsIn, recordsOut, Duration.ofNanos(System.nanoTime() - started));
    }

    boolean running() {
        return thread.isAlive();
    }

    /** Asks the warm-up to stop after its current step; returns at once. */
    void stop() {
        stopping = true;
    }

    /** Stops the warm-up, if still running, and waits for it to have removed its state directory. */
    @Override
    public void close() {
        close(Duration.ofSeconds(5));
    }

    /** {@link #close()} waiting at most {@code timeout}: it stops after its current step (up to ~350 ms while cold). */
    void close(Duration timeout) {
        stopping = true;
        if (thread.isAlive() && timeout.toMillis() > 0) {
            try {
                thread.join(timeout.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void removeRecursively(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                Files.deleteIfExists(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                Files.deleteIfExists(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
