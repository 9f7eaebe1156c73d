package io.supervisorkafka.streams.supervisor;

import static io.supervisorkafka.streams.Fixtures.SERVER;
import static io.supervisorkafka.streams.Fixtures.T0;
import static io.supervisorkafka.streams.Fixtures.failedSnapshot;
import static io.supervisorkafka.streams.Fixtures.info;
import static io.supervisorkafka.streams.Fixtures.running;
import static io.supervisorkafka.streams.Fixtures.snapshot;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import io.supervisorkafka.schemas.CheckStatus;
import io.supervisorkafka.schemas.MetricPoint;
import io.supervisorkafka.schemas.ProcessCounts;
import io.supervisorkafka.schemas.ProcessStatus;
import io.supervisorkafka.schemas.ServiceCheck;
import io.supervisorkafka.schemas.SupervisorEvent;
import io.supervisorkafka.schemas.SupervisorSnapshot;
import io.supervisorkafka.schemas.Topics;
import io.supervisorkafka.streams.Fixtures;
import io.supervisorkafka.streams.TopologyDrivers;
import io.supervisorkafka.streams.TopologyOutputs;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole topology on TopologyTestDriver, fed with the reference capture of a real supervisord. */
class SupervisorTopologyTest {

    private static final String PROBE = "web-1/probe:probe";
    private static final String CRASHER = "web-1/crasher:crasher";
    private static final String SLEEPER = "web-1/sleeper:sleeper";

    @TempDir
    Path stateDir;

    private TopologyTestDriver driver;
    private SupervisordInputs inputs;
    private TopologyOutputs outputs;
    private final List<List<SupervisorEvent>> runs = SupervisordEventsCapture.runs(SERVER);

    @BeforeEach
    void start() {
        long wallClock = SupervisordEventsCapture.RUN_STARTS[0];
        driver = TopologyDrivers.start(stateDir, wallClock);
        inputs = new SupervisordInputs(driver, wallClock);
        outputs = new TopologyOutputs(driver);
    }

    @AfterEach
    void close() {
        driver.close();
    }

    private void wallClockAt(long at) {
        inputs.wallClockAt(at);
    }

    private void send(SupervisorEvent event) {
        inputs.send(event);
    }

    private void send(List<SupervisorEvent> run) {
        run.forEach(this::send);
    }

    private void send(SupervisorSnapshot snapshot) {
        inputs.send(snapshot);
    }

    private long lastObservedAt(int run) {
        List<SupervisorEvent> events = runs.get(run);
        return events.get(events.size() - 1).observedAt();
    }

    @Test
    void theReferenceCaptureEndsWithTheCrasherFatalAndCountedDown() {
        send(runs.get(0));
        outputs.drain();

        Map<String, ProcessStatus> latest = outputs.latestStatuses();
        assertThat(latest).containsOnlyKeys(PROBE, CRASHER, SLEEPER);
        assertThat(latest.get(PROBE).state()).isEqualTo("RUNNING");
        assertThat(latest.get(PROBE).pid()).isEqualTo(3564L);
        assertThat(latest.get(CRASHER).state()).isEqualTo("FATAL");
        assertThat(latest.get(CRASHER).check()).isEqualTo(CheckStatus.CRITICAL);
        assertThat(latest.get(SLEEPER).state()).isEqualTo("STOPPED");

        ProcessCounts counts = outputs.counts.get(outputs.counts.size() - 1).value;
        assertThat(counts.up()).isEqualTo(1);
        assertThat(counts.down()).isEqualTo(2);
        assertThat(counts.unknown()).isZero();
        assertThat(counts.total()).isEqualTo(3);
        assertThat(counts.byState()).contains(entry("RUNNING", 1), entry("FATAL", 1), entry("STOPPED", 1),
                entry("BACKOFF", 0));
        assertThat(outputs.counts).as("only when the counts change").extracting(record -> record.value)
                .doesNotHaveDuplicates();

        List<ServiceCheck> crasherChecks = outputs.checksOf("supervisord.process.status|" + CRASHER);
        assertThat(crasherChecks).extracting(ServiceCheck::status).containsExactly(CheckStatus.UNKNOWN,
                CheckStatus.CRITICAL, CheckStatus.UNKNOWN, CheckStatus.CRITICAL, CheckStatus.UNKNOWN,
                CheckStatus.CRITICAL);
        assertThat(crasherChecks.get(0).previous()).isNull();
        assertThat(outputs.metricsNamed(SupervisorCatalog.PROCESS_COUNT.name())).filteredOn(
                point -> point.tags().get("status").equals("down")).last()
                .extracting(MetricPoint::value).isEqualTo(2.0);
    }

    @Test
    void aKilledProcessIsCriticalThenOkAgainOnceRestarted() {
        send(runs.get(0));
        List<ServiceCheck> sleeper = outputs.drain().checksOf("supervisord.process.status|" + SLEEPER);

        assertThat(sleeper).extracting(ServiceCheck::status).containsExactly(
                CheckStatus.UNKNOWN, CheckStatus.OK,          // STARTING, RUNNING pid 3566
                CheckStatus.CRITICAL, CheckStatus.UNKNOWN,    // STOPPING (STOPPED stays CRITICAL), STARTING
                CheckStatus.OK, CheckStatus.CRITICAL,         // RUNNING pid 3944, EXITED by kill -9
                CheckStatus.UNKNOWN, CheckStatus.OK,          // STARTING, RUNNING pid 4026
                CheckStatus.CRITICAL);                        // STOPPING
        ServiceCheck killed = sleeper.get(5);
        assertThat(killed.previous()).isEqualTo(CheckStatus.OK);
        assertThat(killed.message()).startsWith("process sleeper:sleeper on web-1 is EXITED since 2026-11-22T")
                .endsWith(": exited unexpectedly");
        ServiceCheck restarted = sleeper.get(7);
        assertThat(restarted.previous()).isEqualTo(CheckStatus.UNKNOWN);
        assertThat(restarted.message()).startsWith("process sleeper:sleeper on web-1 is RUNNING since ")
                .endsWith(" (pid 4026)");
    }

    @Test
    void uptimeGrowsWithTheWallClock() {
        send(runs.get(0));
        long end = lastObservedAt(0);
        outputs.drain();

        wallClockAt(end + 15_000);
        double first = probeUptime(outputs.drain().metricsNamed(SupervisorCatalog.PROCESS_UPTIME.name()));
        wallClockAt(end + 30_000);
        double second = probeUptime(outputs.drain().metricsNamed(SupervisorCatalog.PROCESS_UPTIME.name()));

        assertThat(first).isPositive();
        assertThat(second).isEqualTo(first + 15);
        assertThat(outputs.metricsNamed(SupervisorCatalog.PROCESS_COUNT.name()))
                .extracting(point -> point.tags().get("status")).containsExactlyInAnyOrder("up", "down", "unknown");
    }

    private static double probeUptime(List<MetricPoint> uptimes) {
        return uptimes.stream().filter(point -> point.tags().get("supervisord_process").equals("probe"))
                .reduce((a, b) -> b).orElseThrow().value();
    }

    @Test
    void redeliveriesAreDroppedButARestartedSupervisordIsNot() {
        send(runs.get(0));
        outputs.drain();

        send(runs.get(0).subList(15, 25));
        assertThat(outputs.drain().isEmpty()).as("redelivered events change nothing").isTrue();

        send(runs.get(1));
        Map<String, ProcessStatus> latest = outputs.drain().latestStatuses();
        assertThat(latest.get(PROBE).pid()).as("serials from 0 again, new instance").isEqualTo(7589L);
        assertThat(latest.get(SLEEPER).pid()).isEqualTo(7591L);
        assertThat(latest.get(CRASHER).state()).isEqualTo("FATAL");
    }

    @Test
    void aSnapshotRemovesAProcessNoLongerConfiguredAndTheCountsFollow() {
        send(runs.get(0));
        long at = lastObservedAt(0) + 5_000;
        outputs.drain();

        send(snapshot(at, running("probe", 3564, SupervisordEventsCapture.RUN_STARTS[0], at),
                info("sleeper", "sleeper", "STOPPED", 0, at - 20_000, at - 10_000, at, 0, "", "Nov 22 12:30 AM")));
        outputs.drain();

        assertThat(outputs.statuses).filteredOn(record -> record.value == null)
                .extracting(record -> record.key).containsExactly(CRASHER);
        assertThat(outputs.latestStatuses()).doesNotContainKey(CRASHER);
        ProcessCounts counts = outputs.counts.get(outputs.counts.size() - 1).value;
        assertThat(counts.total()).isEqualTo(2);
        assertThat(counts.down()).isEqualTo(1);
        assertThat(outputs.checksOf("supervisord.can_connect|web-1")).singleElement()
                .satisfies(check -> assertThat(check.status()).isEqualTo(CheckStatus.OK));
        assertThat(outputs.metricsNamed(SupervisorCatalog.INSTANCE_STATE.name())).singleElement()
                .satisfies(point -> assertThat(point.value()).isEqualTo(1.0));
    }

    @Test
    void aServerWhoseProcessesAreAllGoneGetsACountsTombstone() {
        send(runs.get(0));
        outputs.drain();

        send(snapshot(lastObservedAt(0) + 5_000));

        assertThat(outputs.drain().statuses).hasSize(3).allSatisfy(record -> assertThat(record.value).isNull());
        // Once for the snapshot that removed all three: none left.
        assertThat(outputs.counts).singleElement().satisfies(record -> {
            assertThat(record.key).isEqualTo(SERVER);
            assertThat(record.value).isNull();
        });
        List<MetricPoint> countMetrics = outputs.metricsNamed(SupervisorCatalog.PROCESS_COUNT.name());
        assertThat(countMetrics.subList(countMetrics.size() - 3, countMetrics.size())).extracting(MetricPoint::value)
                .containsExactly(0.0, 0.0, 0.0);
    }

    @Test
    void canConnectIsOkThenUnknownWhenSnapshotsStopThenCriticalOnFailure() {
        long at = SupervisordEventsCapture.RUN_STARTS[0];
        send(snapshot(at));
        assertThat(outputs.drain().checks).singleElement()
                .satisfies(check -> assertThat(check.value.status()).isEqualTo(CheckStatus.OK));

        wallClockAt(at + 105_000);
        assertThat(outputs.drain().checks).singleElement().satisfies(check -> {
            assertThat(check.value.status()).isEqualTo(CheckStatus.UNKNOWN);
            assertThat(check.value.previous()).isEqualTo(CheckStatus.OK);
        });

        send(failedSnapshot(SERVER, at + 120_000, "[Errno 111] Connection refused"));
        assertThat(outputs.drain().checks).singleElement().satisfies(check -> {
            assertThat(check.value.status()).isEqualTo(CheckStatus.CRITICAL);
            assertThat(check.value.previous()).isEqualTo(CheckStatus.UNKNOWN);
            assertThat(check.value.message()).endsWith(": [Errno 111] Connection refused");
        });
    }

    @Test
    void aSnapshotTakenBeforeAnEventItIsProcessedAfterDoesNotRollItBack() {
        send(runs.get(0).subList(0, 21)); // up to the EXITED of sleeper (kill -9)
        SupervisorEvent exited = runs.get(0).get(20);
        assertThat(exited.eventName()).isEqualTo("PROCESS_STATE_EXITED");
        outputs.drain();

        // Taken 300 ms before the listener read the EXITED event, while the process still ran.
        send(snapshot(exited.observedAt() - 300, running("sleeper", 3944, exited.observedAt() - 5_000,
                        exited.observedAt() - 300), running("probe", 3564, SupervisordEventsCapture.RUN_STARTS[0],
                        exited.observedAt() - 300),
                info("crasher", "crasher", "FATAL", 0, 0, 0, 0, 0, "Exited too quickly (process log may have details)",
                        "")));
        outputs.drain();

        assertThat(outputs.statuses).extracting(record -> record.key).doesNotContain(SLEEPER);
        assertThat(outputs.checksOf("supervisord.process.status|" + SLEEPER)).isEmpty();
    }

    @Test
    void aNewerSnapshotCorrectsWhatALostEventLeftWrong() {
        send(runs.get(0).subList(0, 20)); // sleeper RUNNING pid 3944; its EXITED event is lost
        long at = runs.get(0).get(19).observedAt() + 2_000;
        outputs.drain();

        send(snapshot(at, info("sleeper", "sleeper", "EXITED", 0, at - 10_000, at - 1_000, at, -1, "",
                "Nov 22 12:26 AM")));
        outputs.drain();

        assertThat(outputs.latestStatuses().get(SLEEPER).state()).isEqualTo("EXITED");
        assertThat(outputs.checksOf("supervisord.process.status|" + SLEEPER)).singleElement().satisfies(check -> {
            assertThat(check.status()).isEqualTo(CheckStatus.CRITICAL);
            assertThat(check.message()).endsWith(": exited (exit status -1)");
        });
    }

    @Test
    void unreadableRecordsAreSkippedAndProcessingGoesOn() {
        // The dead letter record itself is checked on a real broker (StreamsAppTest): this driver does not capture it.
        TestInputTopic<String, byte[]> rawEvents = driver.createInputTopic(Topics.EVENTS, new StringSerializer(),
                new ByteArraySerializer());
        TestInputTopic<String, byte[]> rawSnapshots = driver.createInputTopic(Topics.SNAPSHOTS,
                new StringSerializer(), new ByteArraySerializer());

        rawEvents.pipeInput(SERVER, "{not json".getBytes(StandardCharsets.UTF_8));
        rawEvents.pipeInput(SERVER, "{\"server\":\"web-1\",\"serial\":\"many\"}".getBytes(StandardCharsets.UTF_8));
        rawSnapshots.pipeInput(SERVER, "[]".getBytes(StandardCharsets.UTF_8));
        send(runs.get(0).get(0));
        // Valid JSON but not a snapshot: must not read as "no process left".
        rawSnapshots.pipeInput(SERVER, "{}".getBytes(StandardCharsets.UTF_8));

        assertThat(outputs.drain().latestStatuses()).containsOnlyKeys(PROBE);
        assertThat(outputs.statuses).noneMatch(record -> record.value == null);
    }

    @Test
    void eventsWithoutProcessStateAreIgnored() {
        send(runs.get(0).stream().filter(event -> event.eventName().startsWith("TICK_")).toList());

        assertThat(outputs.drain().isEmpty()).isTrue();
    }

    @Test
    void theDroppedDuplicatesMetricCountsEveryRedeliveryAndNothingElse() {
        for (long serial = 0; serial < 10; serial++) {
            send(probeRunning(serial, T0 + serial));
        }
        assertThat(droppedDuplicates()).isZero();

        // The listener's spool replays serials 3 to 5 after a crash, and supervisord resends 5 once more.
        for (long serial = 3; serial <= 5; serial++) {
            send(probeRunning(serial, T0 + 20_000 + serial));
        }
        send(probeRunning(5, T0 + 30_000));
        send(probeRunning(10, T0 + 30_001));

        assertThat(droppedDuplicates()).isEqualTo(4);
    }

    private static SupervisorEvent probeRunning(long serial, long observedAt) {
        return Fixtures.processEvent(serial, "probe", "probe", "RUNNING", 3564L, observedAt);
    }

    private long droppedDuplicates() {
        return ((Number) EventDeduplicator.droppedDuplicates(driver.metrics()).orElseThrow().metricValue())
                .longValue();
    }
}
