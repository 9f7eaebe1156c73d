package io.supervisorkafka.streams.supervisor;

import static io.supervisorkafka.streams.Fixtures.SERVER;
import static io.supervisorkafka.streams.Fixtures.T0;
import static io.supervisorkafka.streams.Fixtures.observed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.supervisorkafka.schemas.CheckStatus;
import io.supervisorkafka.schemas.MetricPoint;
import io.supervisorkafka.schemas.ProcessCounts;
import io.supervisorkafka.schemas.ProcessState;
import io.supervisorkafka.schemas.ProcessStatus;
import io.supervisorkafka.testkit.SchemaValidator;
import io.supervisorkafka.schemas.Topics;
import io.supervisorkafka.streams.ProcessorHarness;
import io.supervisorkafka.streams.supervisor.SupervisordMetricsInput.CountsChanged;
import io.supervisorkafka.streams.supervisor.SupervisordMetricsInput.InstanceStateChanged;
import io.supervisorkafka.streams.supervisor.SupervisordMetricsInput.ProcessChanged;
import java.io.File;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SupervisordMetricsEmitterTest {

    @TempDir
    File stateDir;

    private ProcessorHarness<String, SupervisordMetricsInput, String, MetricPoint> harness;
    private KeyValueStore<String, ProcessStatus> statuses;
    private KeyValueStore<String, SupervisordConnectivity> servers;

    @BeforeEach
    void start() {
        harness = new ProcessorHarness<>(new SupervisordMetricsEmitter(Duration.ofSeconds(15), Duration.ofMinutes(5),
                WatchRules.none()), stateDir, T0);
        statuses = harness.withStore(ProcessStatusDeriver.storeBuilder());
        servers = harness.withStore(SupervisordConnectivityChecker.storeBuilder());
        harness.withStore(ProcessFlappingDetector.storeBuilder());
        harness.start();
    }

    @AfterEach
    void close() {
        harness.close();
    }

    private static List<MetricPoint> validated(List<Record<String, MetricPoint>> records) {
        records.forEach(record -> {
            SchemaValidator.assertValid(Topics.METRICS, record.value());
            assertThat(record.key()).isEqualTo(record.value().tags().get("server"));
            assertThat(record.value().type()).isEqualTo(MetricPoint.GAUGE);
        });
        return records.stream().map(Record::value).toList();
    }

    private ProcessStatus stored(ProcessStatus status) {
        statuses.put(status.key(), status);
        return status;
    }

    @Test
    void aStatusChangeEmitsTheProcessUptime() {
        ProcessStatus starting = ProcessStatusMerge.applyEvent(null, observed("probe", ProcessState.STARTING, null, T0),
                T0);
        ProcessStatus running = ProcessStatusMerge.applyEvent(starting, observed("probe", ProcessState.RUNNING, 3564L,
                T0 + 1_000), T0 + 42_000);

        List<MetricPoint> points = validated(harness.process(running.key(), new ProcessChanged(running), T0));

        assertThat(points).singleElement().satisfies(point -> {
            assertThat(point.name()).isEqualTo("supervisord.process.uptime");
            assertThat(point.value()).isEqualTo(42.0);
            assertThat(point.timestamp()).isEqualTo(T0 + 42_000);
            assertThat(point.tags()).isEqualTo(Map.of("server", SERVER, "supervisord_server", SERVER,
                    "supervisord_group", "probe", "supervisord_process", "probe"));
        });
    }

    @Test
    void countsAreEmittedForUpDownAndUnknownZerosIncluded() {
        ProcessCounts counts = new ProcessCounts(SERVER, 2, 1, 0, 3, Map.of(), T0);

        List<MetricPoint> points = validated(harness.process(SERVER, new CountsChanged(SERVER, counts), T0));

        assertThat(points).extracting(MetricPoint::name, point -> point.tags().get("status"), MetricPoint::value)
                .containsExactly(tuple("supervisord.process.count", "up", 2.0),
                        tuple("supervisord.process.count", "down", 1.0),
                        tuple("supervisord.process.count", "unknown", 0.0));
    }

    @Test
    void aServerWithoutProcessesCountsZeroEverywhere() {
        List<MetricPoint> points = validated(harness.process(SERVER, new CountsChanged(SERVER, null), T0));

        assertThat(points).extracting(MetricPoint::value).containsExactly(0.0, 0.0, 0.0);
    }

    @Test
    void aSupervisordStateChangeEmitsTheInstanceState() {
        List<MetricPoint> points = validated(harness.process(SERVER, new InstanceStateChanged(SERVER, -1, T0), T0));

        assertThat(points).singleElement().satisfies(point -> {
            assertThat(point.name()).isEqualTo("supervisord.instance.state");
            assertThat(point.value()).isEqualTo(-1.0);
            assertThat(point.tags()).isEqualTo(Map.of("server", SERVER, "supervisord_server", SERVER));
        });
    }

    @Test
    void thePunctuationReemitsEverythingWithUptimeAgainstTheWallClock() {
        stored(ProcessStatusMerge.applyEvent(null, observed("probe", ProcessState.RUNNING, 3564L, T0), T0));
        stored(ProcessStatusMerge.applyEvent(null, observed("crasher", ProcessState.FATAL, null, T0), T0));
        stored(ProcessStatusMerge.applyEvent(null, new SupervisorInput.ProcessStateObserved("web-2", "api", "api",
                ProcessState.STARTING, null, null, T0), T0));
        servers.put(SERVER, new SupervisordConnectivity(SERVER, CheckStatus.OK, T0, null, null, "4.2.5", T0, T0,
                "RUNNING", 1, T0));

        List<MetricPoint> first = validated(harness.punctuateAt(T0 + 15_000));
        List<MetricPoint> second = validated(harness.punctuateAt(T0 + 30_000));

        assertThat(uptimeOf(first, "probe")).isEqualTo(15.0);
        assertThat(uptimeOf(second, "probe")).as("keeps moving with the wall clock").isEqualTo(30.0);
        assertThat(uptimeOf(second, "crasher")).isZero();
        assertThat(second).filteredOn(point -> point.name().equals("supervisord.process.count"))
                .extracting(point -> point.tags().get("server"), point -> point.tags().get("status"),
                        MetricPoint::value)
                .containsExactlyInAnyOrder(tuple(SERVER, "up", 1.0), tuple(SERVER, "down", 1.0),
                        tuple(SERVER, "unknown", 0.0), tuple("web-2", "up", 0.0), tuple("web-2", "down", 0.0),
                        tuple("web-2", "unknown", 1.0));
        assertThat(second).filteredOn(point -> point.name().equals("supervisord.instance.state"))
                .singleElement().satisfies(point -> {
                    assertThat(point.value()).isEqualTo(1.0);
                    assertThat(point.timestamp()).isEqualTo(T0 + 30_000);
                });
    }

    @Test
    void aLargeStoreIsReemittedInStepsOfWholeServersOncePerInterval() {
        for (int server = 0; server < 12; server++) {
            for (int process = 0; process < 10; process++) {
                stored(ProcessStatusMerge.applyEvent(null, new SupervisorInput.ProcessStateObserved(
                        String.format("web-%02d", server), "p" + process, "p" + process, ProcessState.RUNNING,
                        null, null, T0), T0));
            }
        }

        List<List<MetricPoint>> steps = new java.util.ArrayList<>();
        for (long at = T0; at <= T0 + 1_000; at += 250) {
            steps.add(validated(harness.punctuateAt(at)));
        }
        List<MetricPoint> nextCycle = validated(harness.punctuateAt(T0 + 15_000));

        assertThat(steps).extracting(step -> uptimes(step).size()).containsExactly(50, 50, 20, 0, 0);
        assertThat(steps.stream().flatMap(step -> uptimes(step).stream())
                .map(point -> point.tags().get("server") + "/" + point.tags().get("supervisord_process")).distinct()
                .count()).as("every process once a cycle").isEqualTo(120);
        assertThat(steps.get(0)).filteredOn(point -> point.name().equals("supervisord.process.count"))
                .extracting(point -> point.tags().get("server")).as("whole servers, each with its counts")
                .containsOnly("web-00", "web-01", "web-02", "web-03", "web-04").hasSize(15);
        assertThat(uptimes(nextCycle)).as("the next cycle, an interval after the first began").hasSize(50);
    }

    @Test
    void aStoreFilledAfterACycleBeganCatchesUpOnceTheCycleIsOverdue() {
        validated(harness.punctuateAt(T0)); // the first cycle, of an empty store: as a new app meets its fleet
        int servers = 2_400;
        storeRunning(servers, T0);

        java.util.Set<String> reemitted = new java.util.HashSet<>();
        long at = T0 + 15_000;
        for (; at <= T0 + 15_000 + 31_000 && reemitted.size() < servers * 10; at += 250) {
            uptimes(validated(harness.punctuateAt(at))).forEach(point ->
                    reemitted.add(point.tags().get("server") + "/" + point.tags().get("supervisord_process")));
        }

        assertThat(reemitted).as("every process of the cycle").hasSize(servers * 10);
        // Sized by the empty cycle before it, 50 processes a step, the cycle took 120 s.
        assertThat(at - (T0 + 15_000)).as("the cycle's length: about two intervals at most")
                .isLessThanOrEqualTo(31_000);
    }

    @Test
    void rewrittenProcessesDoNotMakeACycleOnTimeFaster() {
        int servers = 600;
        storeRunning(servers, T0);
        long at = T0;
        for (int reemitted = 0; reemitted < servers * 10; at += 250) {
            reemitted += uptimes(validated(harness.punctuateAt(at))).size();
        }
        storeRunning(servers, T0 + 1_000); // every process written again, as each snapshot does

        List<MetricPoint> firstStep = validated(harness.punctuateAt(at + 15_000));

        // 6,000 processes over 60 steps, whole servers of 10; RocksDB's estimate would count each key twice.
        assertThat(uptimes(firstStep)).hasSize(100);
    }

    private void storeRunning(int servers, long at) {
        for (int server = 0; server < servers; server++) {
            for (int process = 0; process < 10; process++) {
                stored(ProcessStatusMerge.applyEvent(null, new SupervisorInput.ProcessStateObserved(
                        String.format("web-%04d", server), "p" + process, "p" + process, ProcessState.RUNNING,
                        null, null, at), at));
            }
        }
    }

    private static List<MetricPoint> uptimes(List<MetricPoint> points) {
        return points.stream().filter(point -> point.name().equals("supervisord.process.uptime")).toList();
    }

    private static double uptimeOf(List<MetricPoint> points, String process) {
        return points.stream()
                .filter(point -> point.name().equals("supervisord.process.uptime"))
                .filter(point -> point.tags().get("supervisord_process").equals(process))
                .findFirst().orElseThrow().value();
    }
}
