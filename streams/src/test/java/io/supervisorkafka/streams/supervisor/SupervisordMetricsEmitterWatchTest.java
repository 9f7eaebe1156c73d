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
import io.supervisorkafka.streams.ProcessorHarness;
import io.supervisorkafka.streams.supervisor.SupervisordMetricsInput.CountsChanged;
import io.supervisorkafka.streams.supervisor.SupervisordMetricsInput.ProcessChanged;
import io.supervisorkafka.streams.supervisor.SupervisordMetricsInput.RestartsChanged;
import java.io.File;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link SupervisordMetricsEmitter} under watch rules, and the restart counts. */
class SupervisordMetricsEmitterWatchTest {

    /** web-1 does not watch {@code cron} and takes STOPPED for OK. */
    private static final WatchRules WATCH = WatchRules.parse(Map.of("watch.rules", "web",
            "watch.web.servers", SERVER, "watch.web.proc_names_exclude", "cron",
            "watch.web.status_mapping_override", "STOPPED:OK"));

    @TempDir
    File stateDir;

    private ProcessorHarness<String, SupervisordMetricsInput, String, MetricPoint> harness;
    private KeyValueStore<String, ProcessStatus> statuses;
    private KeyValueStore<String, ProcessFlapping> flapping;

    @BeforeEach
    void start() {
        harness = new ProcessorHarness<>(new SupervisordMetricsEmitter(Duration.ofSeconds(15), Duration.ofMinutes(5),
                WATCH), stateDir, T0);
        statuses = harness.withStore(ProcessStatusDeriver.storeBuilder());
        harness.withStore(SupervisordConnectivityChecker.storeBuilder());
        flapping = harness.withStore(ProcessFlappingDetector.storeBuilder());
        harness.start();
    }

    @AfterEach
    void close() {
        harness.close();
    }

    private ProcessStatus stored(String name, ProcessState state, Long pid) {
        ProcessStatus status = ProcessStatusMerge.applyEvent(null, observed(name, state, pid, T0), T0);
        statuses.put(status.key(), status);
        return status;
    }

    private static List<MetricPoint> points(List<Record<String, MetricPoint>> records) {
        return records.stream().map(Record::value).toList();
    }

    @Test
    void anExcludedProcessHasNoPointsAndTheCountsAreOfTheWatchedUnderTheOverride() {
        ProcessStatus cron = stored("cron", ProcessState.FATAL, null);
        stored("web", ProcessState.RUNNING, 4100L);
        ProcessStatus parked = stored("parked", ProcessState.STOPPED, null);

        assertThat(points(harness.process(cron.key(), new ProcessChanged(cron), T0))).isEmpty();
        List<MetricPoint> counts = points(harness.process(SERVER, new CountsChanged(SERVER,
                new ProcessCounts(SERVER, 1, 2, 0, 3, Map.of(), T0)), T0));
        assertThat(counts).extracting(point -> point.tags().get("status"), MetricPoint::value)
                .containsExactly(tuple("up", 2.0), tuple("down", 0.0), tuple("unknown", 0.0));
        assertThat(points(harness.process(parked.key(), new ProcessChanged(parked), T0)))
                .as("its uptime; the counts follow the counts topic's, which any state change moves")
                .extracting(MetricPoint::name).containsExactly("supervisord.process.uptime");
    }

    @Test
    void restartsArePointsOnEachRestartAndOnThePunctuationAgainstTheWallClock() {
        ProcessStatus web = stored("web", ProcessState.RUNNING, 4100L);
        stored("cron", ProcessState.RUNNING, 4200L);
        flapping.put(web.key(), ProcessFlapping.first(SERVER, "web", "web")
                .occurred(true, true, T0 - 290_000, 0, 100).occurred(true, true, T0 - 10_000, 0, 100));

        assertThat(points(harness.process(SERVER, new RestartsChanged(SERVER, "web", "web", 2, T0 - 10_000), T0)))
                .singleElement().satisfies(point -> {
                    assertThat(point.name()).isEqualTo("supervisord.process.restarts");
                    assertThat(point.value()).isEqualTo(2.0);
                    assertThat(point.tags()).isEqualTo(Map.of("server", SERVER, "supervisord_server", SERVER,
                            "supervisord_group", "web", "supervisord_process", "web"));
                });
        assertThat(points(harness.process(SERVER, new RestartsChanged(SERVER, "cron", "cron", 9, T0), T0)))
                .isEmpty();

        List<MetricPoint> later = points(harness.punctuateAt(T0 + 15_000));
        assertThat(later).filteredOn(point -> point.name().equals("supervisord.process.restarts"))
                .extracting(point -> point.tags().get("supervisord_process"), MetricPoint::value)
                .as("the first restart left the window; cron is not watched").containsExactly(tuple("web", 1.0));
        assertThat(later).filteredOn(point -> point.name().equals("supervisord.process.uptime"))
                .extracting(point -> point.tags().get("supervisord_process")).containsExactly("web");
    }

    @Test
    void thePunctuationSendsRestartsWhileThereWereAnyLatelyAndOnceMoreAfterTheFallToZero() {
        ProcessStatus web = stored("web", ProcessState.RUNNING, 4100L);
        stored("worker", ProcessState.RUNNING, 4300L);
        flapping.put(web.key(), ProcessFlapping.first(SERVER, "web", "web").occurred(true, true, T0, 0, 100));

        assertThat(restartPoints(harness.punctuateAt(T0 + 290_000))).as("within the window; worker never restarted")
                .containsExactly(tuple("web", 1.0));
        assertThat(restartPoints(harness.punctuateAt(T0 + 305_000))).as("the fall to 0")
                .containsExactly(tuple("web", 0.0));
        assertThat(restartPoints(harness.punctuateAt(T0 + 400_000))).as("quiet since").isEmpty();
    }

    private static List<Tuple> restartPoints(List<Record<String, MetricPoint>> records) {
        return points(records).stream().filter(point -> point.name().equals("supervisord.process.restarts"))
                .map(point -> tuple(point.tags().get("supervisord_process"), point.value())).toList();
    }

    @Test
    void aServerWithoutRuleIsCountedAsTheTopicCountsIt() {
        ProcessCounts counts = new ProcessCounts("db-1", 1, 1, 1, 3, Map.of(), T0);

        assertThat(points(harness.process("db-1", new CountsChanged("db-1", counts), T0)))
                .extracting(MetricPoint::value).containsExactly(1.0, 1.0, 1.0);
        assertThat(WATCH.forServer("db-1").checkStatus(ProcessState.STOPPED)).isEqualTo(CheckStatus.CRITICAL);
    }
}
