package io.supervisorkafka.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.supervisorkafka.schemas.JsonSerde;
import io.supervisorkafka.schemas.ProcessCounts;
import io.supervisorkafka.schemas.ProcessState;
import io.supervisorkafka.schemas.ProcessStatus;
import io.supervisorkafka.schemas.ServiceCheck;
import io.supervisorkafka.schemas.Topics;
import io.supervisorkafka.schemas.fleet.FleetSimulator.SimulatedRecord;
import io.supervisorkafka.schemas.fleet.FleetSimulator;
import io.supervisorkafka.testkit.ChildProcess;
import io.supervisorkafka.testkit.FleetComparison;
import io.supervisorkafka.testkit.MultiBrokerKafka;
import io.supervisorkafka.testkit.TopicCollector;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults at fleet scale: three instances of the Streams app (separate JVMs, one consumer group) on a three-broker KRaft
 * cluster (replication 3, {@code min.insync.replicas} 2), fed by the fleet simulator on the wall clock (200 hosts of 5
 * processes, crashes, restarts and flapping programs). While it runs, one instance is killed with {@code kill -9} and
 * the broker coordinating the app's group is stopped; once the two survivors have taken the group over and the
 * alerting feed has moved on, the broker and the instance come back. Then the simulated changes stop and, when the
 * fleet has settled, the derived status of every process must be the simulator's truth, every host's counts must
 * agree with it, and every check's feed, read as a read_committed consumer does, must be one chain (no record lost,
 * none repeated). Prints how long after the broker and the instance came back the status matched the truth.
 */
class FleetFaultsEndToEndTest {
    static final String APPLICATION_ID = "fleet-faults";
    static final int INSTANCES = 3;
    static final int PARTITIONS = 6;
    static final Duration PATIENCE = Duration.ofMinutes(3);
    /**
     * 1,000 processes: what a 2-core CI machine affords beside three brokers and three instances. Snapshots every 10 s
     * (20 a second across the fleet) so that every process has a derived status soon after the start.
     */
    static final FleetSimulator.Settings FLEET = new FleetSimulator.Settings("fault", 200, 5, Duration.ofSeconds(10),
            3, 0.5, 4, Duration.ofSeconds(5), 7);
    static final int PROCESSES = FLEET.hosts() * FLEET.processesPerHost();
    static final JsonSerde<ServiceCheck> CHECKS = JsonSerde.of(ServiceCheck.class);

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path dir;

    @Test
    void statusCountsAndTheAlertingFeedComeThroughAKilledInstanceAndAStoppedBroker() throws Exception {
        Path streamsConfig = dir.resolve("streams.properties");
        // A killed instance's partitions move to the survivors once its session expires: keep that short here.
        Files.writeString(streamsConfig, "session.timeout.ms=6000\nheartbeat.interval.ms=1000\n");
        List<ChildProcess> instances = new ArrayList<>();
        try (MultiBrokerKafka kafka = MultiBrokerKafka.start();
             Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            String bootstrap = kafka.bootstrapServers();
            try {
                for (int i = 0; i < INSTANCES; i++) {
                    instances.add(startInstance(bootstrap, i, streamsConfig));
                }
                try (TopicCollector collector = new TopicCollector(bootstrap,
                        List.of(Topics.PROCESS_STATUS, Topics.PROCESS_COUNTS, Topics.SERVICE_CHECKS));
                     SimulatorRun fleet = new SimulatorRun(bootstrap)) {
                    run(kafka, admin, instances, collector, fleet, streamsConfig);
                }
            } finally {
                instances.forEach(ChildProcess::close);
            }
        }
    }

    private void run(MultiBrokerKafka kafka, Admin admin, List<ChildProcess> instances, TopicCollector collector,
                     SimulatorRun fleet, Path streamsConfig) throws Exception {
        long start = System.nanoTime();
        // Each poll reads every status record so far: once a second keeps that cost off the instances' CPU.
        await("a derived status for each of the " + PROCESSES + " processes").atMost(PATIENCE)
                .pollInterval(Duration.ofSeconds(1))
                .until(() -> collector.latestByKey(Topics.PROCESS_STATUS, ProcessStatus.class).size() == PROCESSES);
        await("all three instances in the group").atMost(PATIENCE).pollInterval(Duration.ofMillis(500))
                .until(() -> stableGroupOf(admin, INSTANCES));
        System.out.printf("fleet faults: %d processes derived, %d instances in the group, %.1f s after the start%n",
                PROCESSES, INSTANCES, seconds(start));

        // The broker that coordinates the group: stopping it moves the group's coordinator and the leaders it had.
        int stoppedBroker = group(admin).coordinator().id();
        int killed = 1;
        int checksBefore = collector.count(Topics.SERVICE_CHECKS);
        long faultsAt = System.nanoTime();
        instances.get(killed).kill9();
        instances.get(killed).process().waitFor();
        kafka.stopBroker(stoppedBroker);
        await("the two survivors taking the group over").atMost(PATIENCE).pollInterval(Duration.ofMillis(500))
                .until(() -> stableGroupOf(admin, INSTANCES - 1));
        int checksAtTakeOver = collector.count(Topics.SERVICE_CHECKS);
        await("the alerting feed moving on with an instance killed and broker " + stoppedBroker + " stopped")
                .atMost(PATIENCE).pollInterval(Duration.ofMillis(500))
                .until(() -> collector.count(Topics.SERVICE_CHECKS) >= checksAtTakeOver + 50);
        System.out.printf("fleet faults: instance %d killed, broker %d stopped; survivors took over in %.1f s, %d "
                        + "checks since the faults%n", killed, stoppedBroker, seconds(faultsAt),
                collector.count(Topics.SERVICE_CHECKS) - checksBefore);

        kafka.startBroker(stoppedBroker);
        instances.set(killed, startInstance(kafka.bootstrapServers(), killed, streamsConfig));
        long backAt = System.nanoTime();
        await("the restarted instance back in the group").atMost(PATIENCE).pollInterval(Duration.ofMillis(500))
                .until(() -> stableGroupOf(admin, INSTANCES));
        double rejoinSeconds = seconds(backAt);

        fleet.stopChanges();
        await("the simulated fleet settling").atMost(PATIENCE).until(fleet::settled);
        fleet.flush();
        Map<String, ProcessState> truth = fleet.truth();
        Map<String, Map<String, Integer>> countsTruth = fleet.countsByState();
        await("the derived status and counts matching the simulator's truth").atMost(PATIENCE)
                .pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
                    assertThat(FleetComparison.states(collector.latestByKey(Topics.PROCESS_STATUS,
                            ProcessStatus.class))).isEqualTo(truth);
                    assertThat(FleetComparison.nonZeroCounts(collector.latestByKey(Topics.PROCESS_COUNTS,
                            ProcessCounts.class))).isEqualTo(countsTruth);
                });
        double recoverySeconds = seconds(backAt);

        assertThat(fleet.failure()).as("a record the simulator could not send (its truth would not be Kafka's)")
                .isNull();
        FleetComparison.CheckChains chains = new FleetComparison.CheckChains();
        for (TopicCollector.Received record : collector.all(Topics.SERVICE_CHECKS)) {
            chains.add(record.key(), CHECKS.deserialize(Topics.SERVICE_CHECKS, record.value()));
        }
        assertThat(chains.breaks()).as("where a check's feed is not one chain").isEmpty();
        assertThat(chains.links()).as("transitions in the alerting feed").isGreaterThan(100);
        for (int i = 0; i < INSTANCES; i++) {
            assertThat(instances.get(i).isAlive()).as("instance %d, see %s", i, instances.get(i).log()).isTrue();
        }
        System.out.printf("fleet faults: recovery: broker %d and instance %d back; the instance in the group after "
                        + "%.1f s, the derived status of all %d processes and the counts equal to the truth after "
                        + "%.1f s (changes stopped at %.1f s); %d records simulated, %d checks in %d chains; "
                        + "%.1f s in all%n", stoppedBroker, killed, rejoinSeconds, PROCESSES, recoverySeconds,
                rejoinSeconds, fleet.sent(), chains.links() + chains.checks(), chains.checks(), seconds(start));
    }

    private ChildProcess startInstance(String bootstrap, int instance, Path streamsConfig) throws Exception {
        Path instanceDir = Files.createDirectories(dir.resolve("instance-" + instance));
        return Pipeline.startStreams(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap), bootstrap,
                instanceDir, APPLICATION_ID, PARTITIONS, MultiBrokerKafka.REPLICATION, "--config",
                streamsConfig.toString());
    }

    private static ConsumerGroupDescription group(Admin admin)
            throws InterruptedException, ExecutionException, TimeoutException {
        return admin.describeConsumerGroups(List.of(APPLICATION_ID)).describedGroups().get(APPLICATION_ID)
                .get(10, TimeUnit.SECONDS);
    }

    /** Whether the group is stable with this many members; not yet while its coordinator is moving. */
    private static boolean stableGroupOf(Admin admin, int members) throws InterruptedException {
        try {
            ConsumerGroupDescription group = group(admin);
            return group.groupState() == GroupState.STABLE && group.members().size() == members;
        } catch (ExecutionException | TimeoutException coordinatorMoving) {
            return false;
        }
    }

    private static double seconds(long sinceNanos) {
        return (System.nanoTime() - sinceNanos) / 1e9;
    }

    /**
     * The simulator on the wall clock, on a thread of its own, its records sent as the listeners send them (acks=all,
     * idempotent: in order per host, through a stopped broker). The simulator is read under its own lock.
     */
    private static final class SimulatorRun implements AutoCloseable {
        private static final long STEP_MILLIS = 20;
        private final FleetSimulator simulator = new FleetSimulator(FLEET, System.currentTimeMillis());
        private final Producer<byte[], byte[]> producer;
        private final Thread thread;
        private final AtomicReference<Exception> failure = new AtomicReference<>();
        private final AtomicLong sent = new AtomicLong();
        private volatile boolean running = true;

        SimulatorRun(String bootstrap) {
            producer = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                    ProducerConfig.ACKS_CONFIG, "all",
                    ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                    ProducerConfig.LINGER_MS_CONFIG, 5,
                    ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                    ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class));
            thread = new Thread(this::run, "fleet-simulator");
            thread.setDaemon(true);
            thread.start();
        }

        private void run() {
            try {
                while (running) {
                    List<SimulatedRecord> due;
                    synchronized (simulator) {
                        due = simulator.advanceTo(System.currentTimeMillis());
                    }
                    for (SimulatedRecord record : due) {
                        producer.send(record.toProducerRecord(record.topic()), (metadata, e) -> {
                            if (e != null) {
                                failure.compareAndSet(null, e);
                            }
                        });
                    }
                    sent.addAndGet(due.size());
                    // The simulated clock's step, not a wait for something to happen.
                    Thread.sleep(STEP_MILLIS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                failure.compareAndSet(null, e);
            }
        }

        void stopChanges() {
            synchronized (simulator) {
                simulator.stopChanges();
            }
        }

        boolean settled() {
            synchronized (simulator) {
                return simulator.settled();
            }
        }

        Map<String, ProcessState> truth() {
            synchronized (simulator) {
                return simulator.truth();
            }
        }

        Map<String, Map<String, Integer>> countsByState() {
            synchronized (simulator) {
                return simulator.countsByState();
            }
        }

        /** Returns once every record sent so far is acknowledged (or has failed: see {@link #failure}). */
        void flush() {
            producer.flush();
        }

        Exception failure() {
            return failure.get();
        }

        long sent() {
            return sent.get();
        }

        @Override
        public void close() throws InterruptedException {
            running = false;
            thread.join(10_000);
            producer.close(Duration.ofSeconds(10));
        }
    }
}
