package io.supervisorkafka.streams.supervisor;

import static io.supervisorkafka.streams.Fixtures.INSTANCE;
import static io.supervisorkafka.streams.Fixtures.SERVER;
import static io.supervisorkafka.streams.Fixtures.T0;
import static io.supervisorkafka.streams.Fixtures.exitOf;
import static io.supervisorkafka.streams.Fixtures.observed;
import static io.supervisorkafka.streams.Fixtures.processEvent;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.supervisorkafka.schemas.CheckStatus;
import io.supervisorkafka.schemas.ServiceCheck;
import io.supervisorkafka.schemas.SupervisorEvent;
import io.supervisorkafka.schemas.Topics;
import io.supervisorkafka.streams.Fixtures;
import io.supervisorkafka.streams.ProcessorHarness;
import io.supervisorkafka.streams.supervisor.FlappingUpdate.FlappingChanged;
import io.supervisorkafka.streams.supervisor.FlappingUpdate.RestartsCounted;
import io.supervisorkafka.streams.supervisor.SupervisorInput.ExitExplained;
import io.supervisorkafka.testkit.SchemaValidator;
import java.io.File;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.processor.api.Record;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessFlappingDetectorTest {

    private static final FlappingPolicy POLICY = new FlappingPolicy(3, Duration.ofMinutes(5), Duration.ofMinutes(2));

    @TempDir
    File stateDir;

    private ProcessorHarness<String, SupervisorInput, String, FlappingUpdate> harness;
    private long serial;

    private void start(WatchRules watch) {
        harness = new ProcessorHarness<>(new ProcessFlappingDetector(POLICY, Duration.ofSeconds(15), watch), stateDir,
                T0);
        harness.withStore(ProcessFlappingDetector.storeBuilder());
        harness.start();
    }

    @AfterEach
    void close() {
        harness.close();
    }

    private List<FlappingUpdate> send(SupervisorEvent event) {
        return harness.process(SERVER, observed(event), event.observedAt()).stream().map(Record::value).toList();
    }

    private static List<ServiceCheck> checks(List<? extends FlappingUpdate> updates) {
        List<ServiceCheck> checks = new ArrayList<>();
        updates.forEach(update -> {
            if (update instanceof FlappingChanged changed) {
                SchemaValidator.assertValid(Topics.SERVICE_CHECKS, changed.check());
                checks.add(changed.check());
            }
        });
        return checks;
    }

    private List<ServiceCheck> punctuateAt(long at) {
        return checks(harness.punctuateAt(at).stream().map(Record::value).toList());
    }

    /** One crash and restart of the program, {@code at} its exit: the updates of both. */
    private List<FlappingUpdate> crashAndRestart(long at, int exitStatus) {
        SupervisorEvent exited = processEvent(serial++, "web", "web", "EXITED", "RUNNING", 4100 + serial, false, at);
        List<FlappingUpdate> updates = new ArrayList<>(send(exited));
        harness.process(SERVER, new ExitExplained(SERVER, exitOf(exited, exitStatus, null, 2.0,
                "fatal: database unreachable\n")), at);
        updates.addAll(send(processEvent(serial++, "web", "web", "STARTING", "EXITED", null, null, at + 50)));
        return updates;
    }

    @Test
    void restartsAndUnexpectedExitsWithinTheWindowMakeItCriticalOnceThenQuietMakesItOk() {
        start(WatchRules.none());

        assertThat(checks(crashAndRestart(T0, 1))).isEmpty();
        assertThat(checks(crashAndRestart(T0 + 30_000, 1))).isEmpty();
        List<ServiceCheck> third = checks(crashAndRestart(T0 + 60_000, 1));
        assertThat(third).singleElement().satisfies(check -> {
            assertThat(check.key()).isEqualTo("supervisord.process.flapping|web-1/web:web");
            assertThat(check.status()).isEqualTo(CheckStatus.CRITICAL);
            assertThat(check.previous()).isNull();
            assertThat(check.timestamp()).isEqualTo(T0 + 60_000);
            assertThat(check.message()).isEqualTo("process web:web on web-1 is flapping: restarted 2 times and "
                    + "exited unexpectedly 3 times within 5 min (threshold 3); last exit status 1: fatal: database "
                    + "unreachable");
        });
        assertThat(checks(crashAndRestart(T0 + 90_000, 1))).as("only on change").isEmpty();

        assertThat(punctuateAt(T0 + 90_050 + 119_000)).as("not quiet long enough").isEmpty();
        assertThat(punctuateAt(T0 + 90_050 + 120_000)).singleElement().satisfies(check -> {
            assertThat(check.status()).isEqualTo(CheckStatus.OK);
            assertThat(check.previous()).isEqualTo(CheckStatus.CRITICAL);
            assertThat(check.message()).isEqualTo("process web:web on web-1 is no longer flapping: no restart or "
                    + "unexpected exit since 2026-11-22T00:42:30Z");
        });
        assertThat(punctuateAt(T0 + 3_600_000)).isEmpty();
    }

    @Test
    void criticalAgainAfterOkHasOkAsPrevious() {
        start(WatchRules.none());
        for (int i = 0; i < 3; i++) {
            crashAndRestart(T0 + i * 1_000L, 1);
        }
        punctuateAt(T0 + 600_000);

        List<ServiceCheck> again = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            again.addAll(checks(crashAndRestart(T0 + 700_000 + i * 1_000L, 1)));
        }
        assertThat(again).extracting(ServiceCheck::status, ServiceCheck::previous)
                .containsExactly(tuple(CheckStatus.CRITICAL, CheckStatus.OK));
    }

    @Test
    void occurrencesOutsideTheWindowDoNotCount() {
        start(WatchRules.none());

        List<ServiceCheck> checks = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            checks.addAll(checks(crashAndRestart(T0 + i * 200_000L, 1)));
        }
        assertThat(checks).isEmpty();
    }

    @Test
    void everyRestartCountsTheRestartsWithinTheWindow() {
        start(WatchRules.none());

        assertThat(crashAndRestart(T0, 1)).filteredOn(RestartsCounted.class::isInstance).singleElement()
                .isEqualTo(new RestartsCounted(SERVER, "web", "web", 1, T0 + 50));
        assertThat(crashAndRestart(T0 + 10_000, 1)).filteredOn(RestartsCounted.class::isInstance)
                .extracting(update -> ((RestartsCounted) update).restarts()).containsExactly(2);
        assertThat(crashAndRestart(T0 + 400_000, 1)).filteredOn(RestartsCounted.class::isInstance)
                .extracting(update -> ((RestartsCounted) update).restarts()).containsExactly(1);
    }

    @Test
    void startsFromStoppedAreNoRestartsSoARestartingSupervisordDoesNotCount() {
        start(WatchRules.none());

        List<FlappingUpdate> updates = new ArrayList<>();
        for (int run = 0; run < 5; run++) {
            // supervisord restarted: a new instance starts every program from STOPPED
            SupervisorEvent starting = Fixtures.event(SERVER, INSTANCE + run, 0, "PROCESS_STATE_STARTING",
                    Map.of("processname", "web", "groupname", "web", "from_state", "STOPPED"), T0 + run * 1_000L);
            updates.addAll(send(starting));
            updates.addAll(send(processEvent(serial++, "web", "web", "STOPPED", "STOPPING", 4100L, null,
                    T0 + run * 1_000L + 500)));
        }
        assertThat(updates).isEmpty();
    }

    @Test
    void backoffsAreUnexpectedExitsAndExpectedExitsAreNot() {
        start(WatchRules.none());
        List<ServiceCheck> checks = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            checks.addAll(checks(send(processEvent(serial++, "web", "web", "EXITED", "RUNNING", 4100L, true,
                    T0 + i * 100L))));
        }
        assertThat(checks).isEmpty();

        checks.addAll(checks(send(processEvent(serial++, "quick", "quick", "BACKOFF", "STARTING", null, null, T0))));
        checks.addAll(checks(send(processEvent(serial++, "quick", "quick", "BACKOFF", "STARTING", null, null,
                T0 + 1_100))));
        checks.addAll(checks(send(processEvent(serial++, "quick", "quick", "BACKOFF", "STARTING", null, null,
                T0 + 3_200))));
        assertThat(checks).singleElement().satisfies(check -> assertThat(check.message()).isEqualTo(
                "process quick:quick on web-1 is flapping: exited unexpectedly 3 times within 5 min (threshold 3)"));
    }

    @Test
    void anExcludedProcessNeitherFlapsNorCountsRestarts() {
        start(WatchRules.parse(Map.of("watch.rules", "r", "watch.r.proc_regex_exclude", "we")));

        List<FlappingUpdate> updates = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            updates.addAll(crashAndRestart(T0 + i * 1_000L, 1));
        }
        assertThat(updates).isEmpty();
    }

    @Test
    void aQuietTimeLongerThanTheWindowStillEndsTheFlapping() {
        harness = new ProcessorHarness<>(new ProcessFlappingDetector(new FlappingPolicy(3, Duration.ofMinutes(1),
                Duration.ofMinutes(3)), Duration.ofSeconds(15), WatchRules.none()), stateDir, T0);
        harness.withStore(ProcessFlappingDetector.storeBuilder());
        harness.start();
        for (int i = 0; i < 3; i++) {
            crashAndRestart(T0 + i * 1_000L, 1);
        }

        assertThat(punctuateAt(T0 + 2_050 + 120_000)).as("out of the window, not quiet long enough yet").isEmpty();
        assertThat(punctuateAt(T0 + 2_050 + 180_000)).extracting(ServiceCheck::status)
                .containsExactly(CheckStatus.OK);
    }
}
