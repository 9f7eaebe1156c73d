package io.supervisorkafka.streams;

import static org.assertj.core.api.Assertions.assertThat;

import io.supervisorkafka.schemas.JsonSerde;
import io.supervisorkafka.schemas.ProcessCounts;
import io.supervisorkafka.schemas.ProcessState;
import io.supervisorkafka.schemas.ProcessStatus;
import io.supervisorkafka.schemas.ServiceCheck;
import io.supervisorkafka.schemas.Topics;
import io.supervisorkafka.schemas.fleet.FleetSimulator.SimulatedRecord;
import io.supervisorkafka.schemas.fleet.FleetSimulator;
import io.supervisorkafka.testkit.FleetComparison;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole topology fed by the fleet simulator (crashes, restarts, flapping programs, snapshots spread over the
 * interval) for three simulated minutes: while processes are between states and once the fleet has settled, the
 * derived status of every process is the simulator's truth; at the end every host's counts agree with it (its states
 * with a count above 0); and each check's feed is one chain (each record's {@code previous} is the status of the
 * record before it).
 */
class SimulatedFleetTopologyTest {
    private static final long T0 = Fixtures.T0;
    private static final JsonSerde<ProcessStatus> STATUS = JsonSerde.of(ProcessStatus.class);
    private static final JsonSerde<ProcessCounts> COUNTS = JsonSerde.of(ProcessCounts.class);
    private static final JsonSerde<ServiceCheck> CHECKS = JsonSerde.of(ServiceCheck.class);

    @Test
    void theDerivedStatusIsTheSimulatedTruth(@TempDir Path stateDir) {
        FleetSimulator simulator = new FleetSimulator(new FleetSimulator.Settings("sim", 30, 10,
                Duration.ofSeconds(30), 3, 1, 4, Duration.ofSeconds(5), 42), T0);
        try (TopologyTestDriver driver = TopologyDrivers.start(stateDir, T0)) {
            Map<String, TestInputTopic<String, byte[]>> inputs = new HashMap<>();
            for (String topic : List.of(Topics.EVENTS, Topics.SNAPSHOTS, Topics.PROCESS_EXITS)) {
                inputs.put(topic, driver.createInputTopic(topic, new StringSerializer(), new ByteArraySerializer()));
            }
            TestOutputTopic<String, byte[]> checks = driver.createOutputTopic(Topics.SERVICE_CHECKS,
                    new StringDeserializer(), new ByteArrayDeserializer());
            TestOutputTopic<String, byte[]> statuses = driver.createOutputTopic(Topics.PROCESS_STATUS,
                    new StringDeserializer(), new ByteArrayDeserializer());
            Map<String, ProcessStatus> derived = new TreeMap<>();
            boolean comparedInFlight = false;
            FleetComparison.CheckChains chains = new FleetComparison.CheckChains();

            long end = T0 + Duration.ofMinutes(3).toMillis();
            long wallClock = T0;
            for (long t = T0; t <= end + 5_000; t += 20) {
                if (t == end) {
                    simulator.stopChanges();
                }
                for (SimulatedRecord record : simulator.advanceTo(t)) {
                    inputs.get(record.topic()).pipeInput(record.key(), record.value(), record.timestamp());
                }
                if (t - wallClock >= 1_000) {
                    driver.advanceWallClockTime(Duration.ofMillis(t - wallClock));
                    wallClock = t;
                }
                statuses.readKeyValuesToMap().forEach((key, value) ->
                        derived.put(key, STATUS.deserialize(Topics.PROCESS_STATUS, value)));
                Map<String, ProcessState> truth = simulator.truth();
                if (!comparedInFlight && t >= T0 + 100_000 && truth.values().stream()
                        .filter(state -> state != ProcessState.RUNNING).count() >= 2) {
                    // Mid-flight, with processes between states: each event is derived as it comes.
                    assertThat(FleetComparison.states(derived)).isEqualTo(truth);
                    comparedInFlight = true;
                }
                for (KeyValue<String, byte[]> check : checks.readKeyValuesToList()) {
                    chains.add(check.key, CHECKS.deserialize(Topics.SERVICE_CHECKS, check.value));
                }
            }
            assertThat(simulator.settled()).isTrue();
            assertThat(chains.breaks()).as("where a check's feed is not one chain").isEmpty();
            assertThat(chains.links()).as("checks that changed").isGreaterThan(100);

            assertThat(comparedInFlight).as("compared while processes were between states").isTrue();
            statuses.readKeyValuesToMap().forEach((key, value) ->
                    derived.put(key, STATUS.deserialize(Topics.PROCESS_STATUS, value)));
            assertThat(FleetComparison.states(derived)).isEqualTo(simulator.truth());

            Map<String, ProcessCounts> counts = new TreeMap<>();
            driver.createOutputTopic(Topics.PROCESS_COUNTS, new StringDeserializer(), new ByteArrayDeserializer())
                    .readKeyValuesToMap().forEach((server, value) ->
                            counts.put(server, COUNTS.deserialize(Topics.PROCESS_COUNTS, value)));
            assertThat(FleetComparison.nonZeroCounts(counts)).isEqualTo(simulator.countsByState());
        }
    }
}
