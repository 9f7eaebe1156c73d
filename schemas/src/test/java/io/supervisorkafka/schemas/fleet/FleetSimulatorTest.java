package io.supervisorkafka.schemas.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.supervisorkafka.schemas.JsonSerde;
import io.supervisorkafka.schemas.ProcessExit;
import io.supervisorkafka.schemas.ProcessState;
import io.supervisorkafka.schemas.ProcessStatus;
import io.supervisorkafka.schemas.SupervisorEvent;
import io.supervisorkafka.schemas.SupervisorSnapshot;
import io.supervisorkafka.schemas.Topics;
import io.supervisorkafka.schemas.fleet.FleetSimulator.Settings;
import io.supervisorkafka.schemas.fleet.FleetSimulator.SimulatedRecord;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class FleetSimulatorTest {
    private static final long T0 = 1_764_547_200_000L;
    private static final JsonSerde<SupervisorEvent> EVENTS = JsonSerde.of(SupervisorEvent.class);
    private static final JsonSerde<SupervisorSnapshot> SNAPSHOTS = JsonSerde.of(SupervisorSnapshot.class);
    private static final JsonSerde<ProcessExit> EXITS = JsonSerde.of(ProcessExit.class);

    private static Settings busy(long seed) {
        return new Settings("sim", 20, 10, Duration.ofSeconds(30), 5, 1, 3, Duration.ofSeconds(4), seed);
    }

    /** Advances in steps of {@code stepMillis} until {@code untilMillis}, as the command does on the wall clock. */
    private static List<SimulatedRecord> run(FleetSimulator simulator, long untilMillis, long stepMillis) {
        List<SimulatedRecord> records = new ArrayList<>();
        for (long t = T0; t <= untilMillis; t += stepMillis) {
            records.addAll(simulator.advanceTo(t));
        }
        return records;
    }

    @Test
    void theSameSeedGivesTheSameRecordsAndAnotherSeedOthers() {
        List<SimulatedRecord> first = run(new FleetSimulator(busy(7), T0), T0 + 120_000, 20);
        List<SimulatedRecord> again = run(new FleetSimulator(busy(7), T0), T0 + 120_000, 20);
        List<SimulatedRecord> other = run(new FleetSimulator(busy(8), T0), T0 + 120_000, 20);

        assertThat(again).hasSameSizeAs(first);
        for (int i = 0; i < first.size(); i++) {
            assertThat(again.get(i).value()).isEqualTo(first.get(i).value());
            assertThat(again.get(i).key()).isEqualTo(first.get(i).key());
        }
        assertThat(other.stream().map(r -> new String(r.value())).toList())
                .isNotEqualTo(first.stream().map(r -> new String(r.value())).toList());
    }

    @Test
    void everyHostSnapshotsOncePerIntervalSpreadOverIt() {
        FleetSimulator simulator = new FleetSimulator(Settings.quiet(50, 4), T0);

        List<SimulatedRecord> firstInterval = run(simulator, T0 + 29_999, 100);

        assertThat(firstInterval).allSatisfy(r -> assertThat(r.topic()).isEqualTo(Topics.SNAPSHOTS));
        assertThat(firstInterval.stream().map(SimulatedRecord::key).toList())
                .doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(simulator.servers());
        assertThat(firstInterval.stream().mapToLong(SimulatedRecord::timestamp).distinct().count())
                .as("spread over the interval, not all at once").isGreaterThan(40);
        SupervisorSnapshot snapshot = SNAPSHOTS.deserialize(Topics.SNAPSHOTS, firstInterval.get(0).value());
        assertThat(snapshot.ok()).isTrue();
        assertThat(snapshot.processes()).hasSize(4).allSatisfy(p -> {
            assertThat(p.state()).isEqualTo("RUNNING");
            assertThat(p.pid()).isPositive();
        });
        assertThat(simulator.snapshotRound()).hasSize(50);
    }

    @Test
    void eachCrashIsAnUnexpectedExitWithItsExitRecordThenARestartAfterStartsecs() {
        FleetSimulator simulator = new FleetSimulator(
                new Settings("sim", 10, 10, Duration.ofMinutes(10), 2, 0, 0, Duration.ofSeconds(10), 3), T0);
        List<SimulatedRecord> records = run(simulator, T0 + 20_000, 10);

        List<SupervisorEvent> events = events(records);
        List<SupervisorEvent> exits = events.stream().filter(e -> e.eventName().equals("PROCESS_STATE_EXITED"))
                .toList();
        assertThat(exits).hasSizeBetween(30, 41);
        Map<String, ProcessExit> exitRecords = records.stream().filter(r -> r.topic().equals(Topics.PROCESS_EXITS))
                .map(r -> EXITS.deserialize(Topics.PROCESS_EXITS, r.value()))
                .collect(Collectors.toMap(ProcessExit::eventId, e -> e));
        for (SupervisorEvent exit : exits) {
            assertThat(exit.fields()).containsEntry("expected", "0").containsEntry("from_state", "RUNNING")
                    .containsKey("pid");
            ProcessExit record = exitRecords.get(exit.eventId());
            assertThat(record).as("the exit record of " + exit.eventId()).isNotNull();
            assertThat(record.signal()).isEqualTo("SIGKILL");
            assertThat(record.pid()).isEqualTo(Long.valueOf(exit.fields().get("pid")));
            List<SupervisorEvent> after = events.stream().filter(e -> e.server().equals(exit.server())
                    && e.fields().get("processname").equals(exit.fields().get("processname"))
                    && e.serial() > exit.serial()).limit(2).toList();
            if (exit.observedAt() + FleetSimulator.STARTSECS.toMillis() <= T0 + 20_000) {
                assertThat(after).extracting(SupervisorEvent::eventName)
                        .containsExactly("PROCESS_STATE_STARTING", "PROCESS_STATE_RUNNING");
                assertThat(after.get(1).observedAt() - after.get(0).observedAt())
                        .isEqualTo(FleetSimulator.STARTSECS.toMillis());
                assertThat(after.get(1).fields().get("pid")).isNotEqualTo(exit.fields().get("pid"));
            }
        }
        assertThat(events).extracting(SupervisorEvent::serial).as("serials count up per host")
                .isNotEmpty();
        Map<String, Long> lastSerial = new HashMap<>();
        for (SupervisorEvent event : events) {
            Long previous = lastSerial.put(event.server(), event.poolSerial());
            assertThat(event.poolSerial()).isEqualTo(previous == null ? 0 : previous + 1);
        }
    }

    @Test
    void theTruthIsWhatTheEventsAndSnapshotsSay() {
        FleetSimulator simulator = new FleetSimulator(busy(11), T0);
        List<SimulatedRecord> records = run(simulator, T0 + 95_000, 20);

        Map<String, ProcessState> fromRecords = new TreeMap<>();
        for (SimulatedRecord record : records) {
            if (record.topic().equals(Topics.SNAPSHOTS)) {
                SupervisorSnapshot s = SNAPSHOTS.deserialize(Topics.SNAPSHOTS, record.value());
                s.processes().forEach(p -> fromRecords.put(ProcessStatus.key(s.server(), p.group(), p.name()),
                        ProcessState.ofName(p.state())));
            } else if (record.topic().equals(Topics.EVENTS)) {
                SupervisorEvent e = EVENTS.deserialize(Topics.EVENTS, record.value());
                fromRecords.put(ProcessStatus.key(e.server(), e.fields().get("groupname"),
                        e.fields().get("processname")), ProcessState.valueOf(e.eventName().substring(14)));
            }
        }
        assertThat(fromRecords).isEqualTo(simulator.truth()).hasSize(200);
        assertThat(simulator.truth().values()).as("some in the middle of a crash or a restart")
                .contains(ProcessState.RUNNING);
        Map<String, Map<String, Integer>> counts = simulator.countsByState();
        assertThat(counts).hasSize(20);
        assertThat(counts.values()).allSatisfy(byState ->
                assertThat(byState.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(10));
    }

    @Test
    void flappingProcessesCrashInRhythmAndTheFleetSettlesOnceChangesStop() {
        FleetSimulator simulator = new FleetSimulator(
                new Settings("sim", 2, 5, Duration.ofSeconds(30), 0, 0, 2, Duration.ofSeconds(3), 5), T0);
        List<SupervisorEvent> events = events(run(simulator, T0 + 30_000, 50));
        Map<String, Long> exitsByProcess = events.stream()
                .filter(e -> e.eventName().equals("PROCESS_STATE_EXITED"))
                .collect(Collectors.groupingBy(e -> e.server() + "/" + e.fields().get("processname"),
                        Collectors.counting()));
        assertThat(exitsByProcess).containsOnlyKeys("sim-00001/proc-0001", "sim-00001/proc-0002");
        assertThat(exitsByProcess.values()).allSatisfy(n -> assertThat(n).isEqualTo(10L));

        simulator.stopChanges();
        run(simulator, T0 + 30_000 + 2 * FleetSimulator.STARTSECS.toMillis(), 50);
        assertThat(simulator.settled()).isTrue();
        assertThat(Set.copyOf(simulator.truth().values())).containsExactly(ProcessState.RUNNING);
    }

    @Test
    void refusesAFleetItCannotSimulate() {
        assertThatThrownBy(() -> new Settings("sim", 0, 10, Duration.ofSeconds(30), 0, 0, 0, Duration.ofSeconds(10),
                1)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 1");
        assertThatThrownBy(() -> new Settings("sim", 1, 10, Duration.ofSeconds(30), -1, 0, 0, Duration.ofSeconds(10),
                1)).hasMessageContaining("negative");
        assertThatThrownBy(() -> new Settings("sim", 1, 10, Duration.ofSeconds(30), 0, 0, 11, Duration.ofSeconds(10),
                1)).hasMessageContaining("flapping");
    }

    private static List<SupervisorEvent> events(List<SimulatedRecord> records) {
        return records.stream().filter(r -> r.topic().equals(Topics.EVENTS))
                .map(r -> EVENTS.deserialize(Topics.EVENTS, r.value())).toList();
    }
}
