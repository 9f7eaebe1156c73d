package io.supervisorkafka.streams.supervisor;

import static io.supervisorkafka.streams.Fixtures.SERVER;
import static io.supervisorkafka.streams.Fixtures.T0;
import static io.supervisorkafka.streams.Fixtures.exitOf;
import static io.supervisorkafka.streams.Fixtures.info;
import static io.supervisorkafka.streams.Fixtures.observed;
import static io.supervisorkafka.streams.Fixtures.processEvent;
import static io.supervisorkafka.streams.Fixtures.running;
import static org.assertj.core.api.Assertions.assertThat;

import io.supervisorkafka.schemas.ProcessStatus;
import io.supervisorkafka.schemas.ProcessStatus.LastExit;
import io.supervisorkafka.schemas.SupervisorEvent;
import io.supervisorkafka.schemas.Topics;
import io.supervisorkafka.testkit.SchemaValidator;
import org.junit.jupiter.api.Test;

/** How the listener's exit records merge into a status ({@link ProcessStatusMerge#applyExit}), and what keeps them. */
class ExitRecordMergeTest {

    private static final String STDERR = "Traceback (most recent call last):\n  File \"app.py\"\n"
            + "ImportError: no module named flask\n\n";

    private static ProcessStatus apply(ProcessStatus current, SupervisorEvent event, long now) {
        ProcessStatus next = ProcessStatusMerge.applyEvent(current, observed(event), now);
        SchemaValidator.assertValid(Topics.PROCESS_STATUS, next);
        return next;
    }

    private static ProcessStatus webRunning() {
        ProcessStatus starting = apply(null, processEvent(1, "web", "web", "STARTING", "STOPPED", null, null, T0),
                T0);
        return apply(starting, processEvent(2, "web", "web", "RUNNING", "STARTING", 4100L, null, T0 + 1_000),
                T0 + 1_000);
    }

    @Test
    void anExitRecordGivesTheExitStatusAndTheLastLineOfOutputAtOnce() {
        SupervisorEvent exitedEvent = processEvent(3, "web", "web", "EXITED", "RUNNING", 4100L, false, T0 + 3_000);
        ProcessStatus exited = apply(webRunning(), exitedEvent, T0 + 3_000);
        assertThat(exited.exitStatus()).isNull();
        assertThat(exited.lastExit()).isNull();

        ProcessStatus explained = ProcessStatusMerge.applyExit(exited, exitOf(exitedEvent, 3, null, 2.04, STDERR),
                T0 + 3_020);

        SchemaValidator.assertValid(Topics.PROCESS_STATUS, explained);
        assertThat(explained.exitStatus()).isEqualTo(3);
        assertThat(explained.lastExit()).isEqualTo(new LastExit("EXITED", false, 3, null, 2.04,
                "ImportError: no module named flask", "stderr", null, T0 + 3_000));
        assertThat(explained.state()).isEqualTo("EXITED");
        assertThat(explained.since()).isEqualTo(exited.since());
        assertThat(explained.observedAt()).as("what merges compare stays").isEqualTo(exited.observedAt());
        assertThat(ProcessStatusMerge.sameStatus(exited, explained)).isFalse();
    }

    @Test
    void aSignalIsExitStatusMinusOneAsSupervisordReportsIt() {
        SupervisorEvent killed = processEvent(3, "web", "web", "EXITED", "RUNNING", 4100L, false, T0 + 12_000);
        ProcessStatus explained = ProcessStatusMerge.applyExit(apply(webRunning(), killed, T0 + 12_000),
                exitOf(killed, null, "SIGKILL", 11.0, null), T0 + 12_010);

        assertThat(explained.exitStatus()).isEqualTo(-1);
        assertThat(explained.lastExit().signal()).isEqualTo("SIGKILL");
        assertThat(explained.lastExit().output()).isNull();
        assertThat(explained.lastExit().outputStream()).isNull();
    }

    @Test
    void theLastExitStaysWhileTheProcessStartsAndRunsAgainAndGoesAtItsNextExit() {
        SupervisorEvent exitedEvent = processEvent(3, "web", "web", "EXITED", "RUNNING", 4100L, false, T0 + 3_000);
        ProcessStatus explained = ProcessStatusMerge.applyExit(apply(webRunning(), exitedEvent, T0 + 3_000),
                exitOf(exitedEvent, 3, null, 2.0, STDERR), T0 + 3_000);

        ProcessStatus starting = apply(explained, processEvent(4, "web", "web", "STARTING", "EXITED", null, null,
                T0 + 3_050), T0 + 3_050);
        ProcessStatus again = apply(starting, processEvent(5, "web", "web", "RUNNING", "STARTING", 4200L, null,
                T0 + 4_050), T0 + 4_050);
        assertThat(again.lastExit()).isEqualTo(explained.lastExit());
        assertThat(again.exitStatus()).isEqualTo(3);

        ProcessStatus exitedAgain = apply(again, processEvent(6, "web", "web", "EXITED", "RUNNING", 4200L, false,
                T0 + 9_000), T0 + 9_000);
        assertThat(exitedAgain.lastExit()).as("a new exit: the old record would mislead").isNull();
        assertThat(exitedAgain.exitStatus()).isNull();
    }

    @Test
    void fatalKeepsTheLastBackoffsExitAndItsRecordFillsWhatItLacks() {
        SupervisorEvent backoffEvent = processEvent(2, "quick", "quick", "BACKOFF", "STARTING", null, null, T0 + 100);
        ProcessStatus backoff = ProcessStatusMerge.applyExit(
                apply(apply(null, processEvent(1, "quick", "quick", "STARTING", "STOPPED", null, null, T0), T0),
                        backoffEvent, T0 + 100),
                exitOf(backoffEvent, 3, null, 0.1, "ImportError: no module named flask\n"), T0 + 110);
        SupervisorEvent fatalEvent = processEvent(3, "quick", "quick", "FATAL", "BACKOFF", null, null, T0 + 200);

        ProcessStatus fatal = apply(backoff, fatalEvent, T0 + 200);
        assertThat(fatal.lastExit()).isEqualTo(backoff.lastExit());
        assertThat(fatal.exitStatus()).isEqualTo(3);

        ProcessStatus explained = ProcessStatusMerge.applyExit(fatal, exitOf(fatalEvent, null, null, null, null),
                T0 + 210);
        assertThat(explained.lastExit()).isEqualTo(new LastExit("FATAL", null, 3, null, 0.1,
                "ImportError: no module named flask", "stderr", null, T0 + 200));
        assertThat(explained.exitStatus()).isEqualTo(3);
    }

    @Test
    void aSnapshotOfTheSameStateKeepsTheRecordAndItsExitStatusOverSupervisordsZero() {
        SupervisorEvent fatalEvent = processEvent(3, "quick", "quick", "FATAL", "BACKOFF", null, null, T0);
        ProcessStatus fatal = ProcessStatusMerge.applyExit(apply(null, fatalEvent, T0),
                exitOf(fatalEvent, 3, null, 0.1, "boom\n"), T0);

        ProcessStatus snapshot = ProcessStatusMerge.applySnapshotProcess(fatal, SERVER, info("quick", "quick", "FATAL",
                0, T0 - 1_000, T0, T0 + 5_000, 0, "Exited too quickly (process log may have details)", ""),
                T0 + 5_000, T0 + 5_000);

        assertThat(snapshot.source()).isEqualTo(ProcessStatus.SOURCE_SNAPSHOT);
        assertThat(snapshot.spawnErr()).startsWith("Exited too quickly");
        assertThat(snapshot.exitStatus()).as("supervisord's 0 means none here").isEqualTo(3);
        assertThat(snapshot.lastExit()).isEqualTo(fatal.lastExit());
    }

    @Test
    void aSnapshotOfAnExitTheRecordDoesNotExplainDropsIt() {
        SupervisorEvent exitedEvent = processEvent(3, "web", "web", "EXITED", "RUNNING", 4100L, false, T0 + 3_000);
        ProcessStatus explained = ProcessStatusMerge.applyExit(apply(webRunning(), exitedEvent, T0 + 3_000),
                exitOf(exitedEvent, 3, null, 2.0, STDERR), T0 + 3_000);
        ProcessStatus rerun = apply(apply(explained, processEvent(4, "web", "web", "STARTING", "EXITED", null, null,
                T0 + 3_050), T0 + 3_050), processEvent(5, "web", "web", "RUNNING", "STARTING", 4200L, null,
                T0 + 4_050), T0 + 4_050);

        ProcessStatus stillRunning = ProcessStatusMerge.applySnapshotProcess(rerun, SERVER,
                running("web", 4200, T0 + 3_050, T0 + 10_000), T0 + 10_000, T0 + 10_000);
        assertThat(stillRunning.lastExit()).isEqualTo(explained.lastExit());
        assertThat(stillRunning.exitStatus()).as("supervisord forgets it at every spawn").isEqualTo(3);

        ProcessStatus stopped = ProcessStatusMerge.applySnapshotProcess(rerun, SERVER, info("web", "web", "STOPPED", 0,
                T0 + 3_050, T0 + 20_000, T0 + 21_000, 0, "", "Nov 22 12:41 AM"), T0 + 21_000, T0 + 21_000);
        assertThat(stopped.lastExit()).isNull();
        assertThat(stopped.exitStatus()).isZero();
    }

    @Test
    void theBackoffsRecordAfterTheFatalsFillsWhatTheFatalsLacks() {
        SupervisorEvent backoff = processEvent(2, "quick", "quick", "BACKOFF", "STARTING", null, null, T0 + 100);
        SupervisorEvent fatalEvent = processEvent(3, "quick", "quick", "FATAL", "BACKOFF", null, null, T0 + 200);
        ProcessStatus fatal = ProcessStatusMerge.applyExit(apply(apply(null, backoff, T0 + 100), fatalEvent, T0 + 200),
                exitOf(fatalEvent, null, null, null, null), T0 + 210);

        ProcessStatus filled = ProcessStatusMerge.applyExit(fatal, exitOf(backoff, 3, null, 0.1, "boom\n"), T0 + 220);

        assertThat(filled.lastExit()).isEqualTo(new LastExit("FATAL", null, 3, null, 0.1, "boom", "stderr", null,
                T0 + 200));
        assertThat(filled.exitStatus()).isEqualTo(3);
    }
}
