package io.supervisorkafka.streams.supervisor;

import static io.supervisorkafka.streams.Fixtures.SERVER;
import static io.supervisorkafka.streams.Fixtures.T0;
import static io.supervisorkafka.streams.Fixtures.exitOf;
import static io.supervisorkafka.streams.Fixtures.info;
import static io.supervisorkafka.streams.Fixtures.observed;
import static io.supervisorkafka.streams.Fixtures.processEvent;
import static org.assertj.core.api.Assertions.assertThat;

import io.supervisorkafka.schemas.CheckStatus;
import io.supervisorkafka.schemas.ProcessState;
import io.supervisorkafka.schemas.ProcessStatus;
import io.supervisorkafka.testkit.SchemaValidator;
import io.supervisorkafka.schemas.ServiceCheck;
import io.supervisorkafka.schemas.SupervisorEvent;
import io.supervisorkafka.schemas.Topics;
import io.supervisorkafka.streams.ProcessorHarness;
import io.supervisorkafka.streams.common.CheckMessages;
import java.io.File;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.streams.processor.api.Record;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessCheckEmitterTest {

    /** 2026-11-22T00:41:03Z, as in the examples. */
    private static final long AT = Instant.parse("2026-11-22T00:41:03Z").toEpochMilli();

    @TempDir
    File stateDir;

    private ProcessorHarness<String, ProcessStatusChange, String, ServiceCheck> harness;

    @BeforeEach
    void start() {
        harness = new ProcessorHarness<>(new ProcessCheckEmitter(Duration.ZERO, WatchRules.none()), stateDir, T0);
        harness.withStore(ProcessCheckEmitter.storeBuilder());
        harness.start();
    }

    @AfterEach
    void close() {
        harness.close();
    }

    private List<Record<String, ServiceCheck>> send(ProcessStatus before, ProcessStatus after, Boolean expected) {
        ProcessStatusChange change = new ProcessStatusChange(SERVER, before, after, expected);
        String key = after != null ? after.key() : before.key();
        List<Record<String, ServiceCheck>> checks = harness.process(key, change, AT);
        checks.forEach(check -> {
            SchemaValidator.assertValid(Topics.SERVICE_CHECKS, check.value());
            assertThat(check.key()).isEqualTo(check.value().key());
        });
        return checks;
    }

    private static ProcessStatus status(String name, ProcessState state, Long pid, long at) {
        return ProcessStatusMerge.applyEvent(null, observed(name, state, pid, at), at);
    }

    @Test
    void aProcessSeenForTheFirstTimeIsReportedWithoutPrevious() {
        ProcessStatus running = status("probe", ProcessState.RUNNING, 3564L, AT);

        assertThat(send(null, running, null)).singleElement().satisfies(record -> {
            ServiceCheck check = record.value();
            assertThat(record.key()).isEqualTo("supervisord.process.status|web-1/probe:probe");
            assertThat(check.check()).isEqualTo(ServiceCheck.PROCESS_STATUS);
            assertThat(check.server()).isEqualTo(SERVER);
            assertThat(check.group()).isEqualTo("probe");
            assertThat(check.name()).isEqualTo("probe");
            assertThat(check.status()).isEqualTo(CheckStatus.OK);
            assertThat(check.previous()).isNull();
            assertThat(check.timestamp()).isEqualTo(AT);
            assertThat(check.message()).isEqualTo("process probe:probe on web-1 is RUNNING since 2026-11-22T00:41:03Z"
                    + " (pid 3564)");
        });
    }

    @Test
    void aChangeOfCheckStatusIsReportedWithThePreviousStatus() {
        ProcessStatus running = status("sleeper", ProcessState.RUNNING, 3944L, AT - 60_000);
        ProcessStatus exited = ProcessStatusMerge.applyEvent(running,
                observed("sleeper", ProcessState.EXITED, 3944L, AT), AT);

        assertThat(send(running, exited, false)).singleElement().satisfies(record -> {
            assertThat(record.value().status()).isEqualTo(CheckStatus.CRITICAL);
            assertThat(record.value().previous()).isEqualTo(CheckStatus.OK);
            assertThat(record.value().message()).isEqualTo(
                    "process sleeper:sleeper on web-1 is EXITED since 2026-11-22T00:41:03Z: exited unexpectedly");
        });
    }

    @Test
    void aStateChangeWithinTheSameCheckStatusIsNotReported() {
        ProcessStatus backoff = status("crasher", ProcessState.BACKOFF, null, AT - 3_000);
        ProcessStatus fatal = ProcessStatusMerge.applyEvent(backoff, observed("crasher", ProcessState.FATAL, null, AT),
                AT);

        assertThat(send(backoff, fatal, null)).isEmpty();
    }

    @Test
    void aRemovedProcessIsNotReported() {
        assertThat(send(status("gone", ProcessState.RUNNING, 1L, AT), null, null)).isEmpty();
    }

    @Test
    void theMessageOfAFatalProcessGivesTheSpawnError() {
        ProcessStatus fatal = ProcessStatusMerge.applySnapshotProcess(null, SERVER, info("crasher", "crasher", "FATAL",
                0, AT - 4_000, AT, AT, 0, "Exited too quickly (process log may have details)", ""), AT, AT);

        assertThat(ProcessCheckEmitter.message(fatal, null)).isEqualTo("process crasher:crasher on web-1 is FATAL "
                + "since 2026-11-22T00:41:03Z: Exited too quickly (process log may have details)");
    }

    @Test
    void theMessageOfAnExitedProcessGivesItsExitStatusWhenKnown() {
        ProcessStatus exited = ProcessStatusMerge.applySnapshotProcess(null, SERVER, info("sleeper", "sleeper", "EXITED",
                0, AT - 60_000, AT, AT, 137, "", "Nov 22 12:41 AM"), AT, AT);

        assertThat(ProcessCheckEmitter.message(exited, false)).isEqualTo("process sleeper:sleeper on web-1 is EXITED "
                + "since 2026-11-22T00:41:03Z: exited unexpectedly (exit status 137)");
        assertThat(ProcessCheckEmitter.message(exited, null)).endsWith(": exited (exit status 137)");
        assertThat(ProcessCheckEmitter.message(exited, true)).endsWith(": exited as expected (exit status 137)");
    }

    @Test
    void theMessageOfAStoppedProcessGivesItsLastExitStatusWhenKnown() {
        ProcessStatus stopped = ProcessStatusMerge.applySnapshotProcess(null, SERVER,
                info("sleeper", "sleeper", "STOPPED", 0, AT - 60_000, AT, AT, 0, "", "Nov 22 12:41 AM"), AT, AT);

        assertThat(ProcessCheckEmitter.message(stopped, null)).isEqualTo("process sleeper:sleeper on web-1 is STOPPED"
                + " since 2026-11-22T00:41:03Z: last exit status 0");
    }

    @Test
    void withTheExitRecordTheMessageSaysHowTheRunEndedHowLongItRanAndItsLastLine() {
        ProcessStatus running = ProcessStatusMerge.applyEvent(null, observed("sleeper", ProcessState.RUNNING, 3944L,
                AT - 12_000), AT - 12_000);
        SupervisorEvent killed = processEvent(9,
                "sleeper", "sleeper", "EXITED", "RUNNING", 3944L, false, AT);
        ProcessStatus exited = ProcessStatusMerge.applyEvent(running, observed(
                killed), AT);

        assertThat(ProcessCheckEmitter.message(ProcessStatusMerge.applyExit(exited,
                exitOf(killed, null, "SIGKILL", 12.3, null), AT), false))
                .isEqualTo("process sleeper:sleeper on web-1 was killed by SIGKILL after 12 s (not expected)");
        assertThat(ProcessCheckEmitter.message(ProcessStatusMerge.applyExit(exited,
                exitOf(killed, null, null, 754.0, "only output\n"), AT), false))
                .as("no cause known: the message as without the record, and the line")
                .isEqualTo("process sleeper:sleeper on web-1 is EXITED since 2026-11-22T00:41:03Z: exited "
                        + "unexpectedly: only output");
    }

    @Test
    void anExitIntoAnotherStateThanExitedNamesIt() {
        SupervisorEvent backoff = processEvent(2,
                "quick", "quick", "BACKOFF", "STARTING", null, null, AT);
        ProcessStatus status = ProcessStatusMerge.applyExit(ProcessStatusMerge.applyEvent(null,
                observed(backoff), AT),
                exitOf(backoff, 3, null, 0.04, "x\nImportError: flask\n"), AT);

        assertThat(ProcessCheckEmitter.message(status, null)).isEqualTo(
                "process quick:quick on web-1 exited with status 3 after 0 s, now BACKOFF: ImportError: flask");
    }

    @Test
    void runTimesReadAsAPersonSaysThem() {
        assertThat(List.of(0.04, 0.25, 2.0, 9.96, 12.4, 200.0, 3600.0, 7530.0))
                .extracting(CheckMessages::runTime)
                .containsExactly("0 s", "0.3 s", "2 s", "10 s", "12 s", "3 min 20 s", "1 h", "2 h 5 min");
    }
}
