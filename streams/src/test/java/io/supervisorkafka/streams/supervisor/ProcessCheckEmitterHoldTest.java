package io.supervisorkafka.streams.supervisor;

import static io.supervisorkafka.streams.Fixtures.SERVER;
import static io.supervisorkafka.streams.Fixtures.T0;
import static io.supervisorkafka.streams.Fixtures.exitOf;
import static io.supervisorkafka.streams.Fixtures.observed;
import static io.supervisorkafka.streams.Fixtures.processEvent;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.supervisorkafka.schemas.CheckStatus;
import io.supervisorkafka.schemas.ProcessExit;
import io.supervisorkafka.schemas.ProcessStatus;
import io.supervisorkafka.schemas.ServiceCheck;
import io.supervisorkafka.schemas.SupervisorEvent;
import io.supervisorkafka.schemas.Topics;
import io.supervisorkafka.streams.ProcessorHarness;
import io.supervisorkafka.testkit.SchemaValidator;
import java.io.File;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.processor.api.Record;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ProcessCheckEmitter} holding the check of an exit for its record, and applying the watch rules. The changes
 * fed to it are those {@link ProcessStatusMerge} makes of the events.
 */
class ProcessCheckEmitterHoldTest {

    private static final Duration WAIT = Duration.ofMillis(100);

    @TempDir
    File stateDir;

    private ProcessorHarness<String, ProcessStatusChange, String, ServiceCheck> harness;
    private ProcessStatus current;

    private void start(Duration wait, WatchRules watch) {
        harness = new ProcessorHarness<>(new ProcessCheckEmitter(wait, watch), stateDir, T0);
        harness.withStore(ProcessCheckEmitter.storeBuilder());
        harness.start();
    }

    @AfterEach
    void close() {
        harness.close();
    }

    /** Applies the event as the deriver would and sends the change; a record is awaited when {@code awaited}. */
    private List<ServiceCheck> event(SupervisorEvent event, boolean awaited) {
        ProcessStatus before = current;
        current = ProcessStatusMerge.applyEvent(before, observed(event), event.observedAt());
        ProcessStatusChange change = new ProcessStatusChange(SERVER, before, current,
                observed(event).exitExpected(), null, awaited ? event.eventId() : null);
        return checks(harness.process(current.key(), change, event.observedAt()));
    }

    private List<ServiceCheck> exitRecord(ProcessExit exit) {
        ProcessStatus before = current;
        current = ProcessStatusMerge.applyExit(before, exit, exit.fetchedAt());
        return checks(harness.process(current.key(), new ProcessStatusChange(SERVER, before, current, null, exit,
                null), exit.observedAt()));
    }

    private static List<ServiceCheck> checks(List<Record<String, ServiceCheck>> records) {
        records.forEach(record -> {
            SchemaValidator.assertValid(Topics.SERVICE_CHECKS, record.value());
            assertThat(record.key()).isEqualTo(record.value().key());
        });
        return records.stream().map(Record::value).toList();
    }

    private void running() {
        event(processEvent(1, "web", "web", "STARTING", "STOPPED", null, null, T0), false);
        event(processEvent(2, "web", "web", "RUNNING", "STARTING", 4100L, null, T0 + 1_000), false);
    }

    private static SupervisorEvent exited(long serial, long at) {
        return processEvent(serial, "web", "web", "EXITED", "RUNNING", 4100L, false, at);
    }

    @Test
    void theCheckOfAnExitWaitsForItsRecordAndTellsWhy() {
        start(WAIT, WatchRules.none());
        running();
        SupervisorEvent exited = exited(3, T0 + 3_000);

        assertThat(event(exited, true)).as("held").isEmpty();
        assertThat(checks(harness.punctuateAt(T0 + 50))).isEmpty();
        assertThat(exitRecord(exitOf(exited, 3, null, 2.0, "ImportError: no module named flask\n")))
                .singleElement().satisfies(check -> {
                    assertThat(check.status()).isEqualTo(CheckStatus.CRITICAL);
                    assertThat(check.previous()).isEqualTo(CheckStatus.OK);
                    assertThat(check.timestamp()).as("when it exited").isEqualTo(T0 + 3_000);
                    assertThat(check.message()).isEqualTo("process web:web on web-1 exited with status 3 after 2 s "
                            + "(not expected): ImportError: no module named flask");
                });
        assertThat(checks(harness.punctuateAt(T0 + 1_000))).as("sent once").isEmpty();
    }

    @Test
    void withoutItsRecordInTimeTheCheckGoesOutWithoutIt() {
        start(WAIT, WatchRules.none());
        running();
        SupervisorEvent exited = exited(3, T0 + 3_000);
        event(exited, true);

        assertThat(checks(harness.punctuateAt(T0 + 99))).isEmpty();
        assertThat(checks(harness.punctuateAt(T0 + 100))).singleElement().satisfies(check -> {
            assertThat(check.status()).isEqualTo(CheckStatus.CRITICAL);
            assertThat(check.timestamp()).isEqualTo(T0 + 3_000);
            assertThat(check.message()).endsWith(": exited unexpectedly");
        });
        assertThat(exitRecord(exitOf(exited, 3, null, 2.0, "late\n"))).as("the record only updates the status")
                .isEmpty();
    }

    @Test
    void theNextChangeOfTheProcessSendsTheHeldCheckFirstSoThatTheChainHolds() {
        start(WAIT, WatchRules.none());
        running();
        event(exited(3, T0 + 3_000), true);

        List<ServiceCheck> checks = event(processEvent(4, "web", "web", "STARTING", "EXITED", null, null, T0 + 3_050),
                false);

        assertThat(checks).extracting(ServiceCheck::status, ServiceCheck::previous).containsExactly(
                tuple(CheckStatus.CRITICAL, CheckStatus.OK),
                tuple(CheckStatus.UNKNOWN, CheckStatus.CRITICAL));
        assertThat(checks(harness.punctuateAt(T0 + 1_000))).isEmpty();
    }

    @Test
    void aHeldCheckSurvivesARestartOfTheProcessor() {
        start(WAIT, WatchRules.none());
        running();
        event(exited(3, T0 + 3_000), true);
        harness.close();

        harness = new ProcessorHarness<>(new ProcessCheckEmitter(WAIT, WatchRules.none()), stateDir, T0);
        // The store of the first run, as the changelog would restore it.
        harness.withStore(ProcessCheckEmitter.storeBuilder());
        harness.start();

        assertThat(checks(harness.punctuateAt(T0 + 100))).singleElement()
                .satisfies(check -> assertThat(check.status()).isEqualTo(CheckStatus.CRITICAL));
    }

    @Test
    void aZeroWaitNeverHolds() {
        start(Duration.ZERO, WatchRules.none());
        running();

        assertThat(event(exited(3, T0 + 3_000), true)).singleElement()
                .satisfies(check -> assertThat(check.status()).isEqualTo(CheckStatus.CRITICAL));
    }

    @Test
    void anExcludedProcessHasNoCheck() {
        start(WAIT, WatchRules.parse(Map.of("watch.rules", "r", "watch.r.proc_names_exclude", "web")));

        event(processEvent(1, "web", "web", "STARTING", "STOPPED", null, null, T0), false);
        assertThat(event(processEvent(2, "web", "web", "RUNNING", "STARTING", 4100L, null, T0 + 1_000), false))
                .isEmpty();
        assertThat(event(exited(3, T0 + 3_000), false)).isEmpty();
    }

    @Test
    void theStatusMappingOverrideDecidesTheStatusAndWhetherItChanged() {
        start(WAIT, WatchRules.parse(Map.of("watch.rules", "r", "watch.r.servers", SERVER,
                "watch.r.status_mapping_override", "STOPPED:OK,STOPPING:OK,EXITED:WARNING")));
        running();

        assertThat(event(processEvent(3, "web", "web", "STOPPING", "RUNNING", 4100L, null, T0 + 2_000), false))
                .as("RUNNING to STOPPING: OK to OK").isEmpty();
        assertThat(event(processEvent(4, "web", "web", "STOPPED", "STOPPING", 4100L, null, T0 + 2_100), false))
                .isEmpty();
        event(processEvent(5, "web", "web", "STARTING", "STOPPED", null, null, T0 + 3_000), false);
        event(processEvent(6, "web", "web", "RUNNING", "STARTING", 4200L, null, T0 + 4_000), false);
        assertThat(event(processEvent(7, "web", "web", "EXITED", "RUNNING", 4200L, false, T0 + 5_000), false))
                .singleElement().satisfies(check -> {
                    assertThat(check.status()).isEqualTo(CheckStatus.WARNING);
                    assertThat(check.previous()).isEqualTo(CheckStatus.OK);
                });
    }

    @Test
    void itTicksOnlyWhileACheckIsHeldForEveryPunctuationMakesTheTaskCommit() {
        start(WAIT, WatchRules.none());
        running();
        assertThat(ticking()).isZero();

        event(exited(3, T0 + 3_000), true);
        assertThat(ticking()).isOne();
        assertThat(checks(harness.punctuateAt(T0 + 100))).hasSize(1);
        assertThat(ticking()).isZero();
    }

    private long ticking() {
        return harness.context.scheduledPunctuators().stream().filter(punctuator -> !punctuator.cancelled()).count();
    }
}
