package io.supervisorkafka.streams.supervisor;

import static io.supervisorkafka.streams.Fixtures.SERVER;
import static io.supervisorkafka.streams.Fixtures.T0;
import static io.supervisorkafka.streams.Fixtures.info;
import static io.supervisorkafka.streams.Fixtures.observed;
import static io.supervisorkafka.streams.Fixtures.running;
import static org.assertj.core.api.Assertions.assertThat;

import io.supervisorkafka.schemas.CheckStatus;
import io.supervisorkafka.schemas.ProcessState;
import io.supervisorkafka.schemas.ProcessStatus;
import io.supervisorkafka.testkit.SchemaValidator;
import io.supervisorkafka.schemas.SupervisorEvent;
import io.supervisorkafka.schemas.Topics;
import io.supervisorkafka.testkit.SchemaValidator;
import io.supervisorkafka.streams.supervisor.SupervisorInput.GroupRemoved;
import io.supervisorkafka.streams.supervisor.SupervisorInput.ProcessStateObserved;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class ProcessStatusMergeTest {

    private static ProcessStatus event(ProcessStatus current, ProcessStateObserved event, long now) {
        ProcessStatus status = ProcessStatusMerge.applyEvent(current, event, now);
        SchemaValidator.assertValid(Topics.PROCESS_STATUS, status);
        return status;
    }

    private static ProcessStatus snapshot(ProcessStatus current, long observedAt,
                                          io.supervisorkafka.schemas.SupervisorSnapshot.ProcessInfo info, long now) {
        ProcessStatus status = ProcessStatusMerge.applySnapshotProcess(current, SERVER, info, observedAt, now);
        SchemaValidator.assertValid(Topics.PROCESS_STATUS, status);
        return status;
    }

    @Nested
    class Events {

        @Test
        void anEventForAnUnknownProcessCreatesIt() {
            ProcessStatus status = event(null, observed("probe", ProcessState.STARTING, null, T0), T0 + 5);

            assertThat(status.key()).isEqualTo("web-1/probe:probe");
            assertThat(status.state()).isEqualTo("STARTING");
            assertThat(status.stateCode()).isEqualTo(10);
            assertThat(status.pid()).isNull();
            assertThat(status.startedAt()).isEqualTo(T0);
            assertThat(status.since()).isEqualTo(T0);
            assertThat(status.check()).isEqualTo(CheckStatus.UNKNOWN);
            assertThat(status.source()).isEqualTo(ProcessStatus.SOURCE_EVENT);
            assertThat(status.observedAt()).isEqualTo(T0);
            assertThat(status.updatedAt()).isEqualTo(T0 + 5);
            assertThat(status.uptime()).isZero();
        }

        @Test
        void runningKeepsTheStartTimeOfStartingAndSetsThePid() {
            ProcessStatus starting = event(null, observed("probe", ProcessState.STARTING, null, T0), T0);
            ProcessStatus running = event(starting, observed("probe", ProcessState.RUNNING, 3564L, T0 + 1_000),
                    T0 + 61_000);

            assertThat(running.state()).isEqualTo("RUNNING");
            assertThat(running.pid()).isEqualTo(3564L);
            assertThat(running.startedAt()).isEqualTo(T0);
            assertThat(running.since()).isEqualTo(T0 + 1_000);
            assertThat(running.uptime()).isEqualTo(61);
            assertThat(running.check()).isEqualTo(CheckStatus.OK);
        }

        @Test
        void runningWithoutAKnownStartUsesWhenItWasObserved() {
            ProcessStatus running = event(null, observed("probe", ProcessState.RUNNING, 3564L, T0), T0 + 10_000);

            assertThat(running.startedAt()).isEqualTo(T0);
            assertThat(running.uptime()).isEqualTo(10);
        }

        @Test
        void runningAfterAnExitDoesNotReuseTheOldRunsStartTime() {
            ProcessStatus exited = event(event(null, observed("probe", ProcessState.RUNNING, 1L, T0), T0),
                    observed("probe", ProcessState.EXITED, 1L, T0 + 60_000), T0 + 60_000);
            // The STARTING event was missed: the new run started no earlier than RUNNING was observed.
            ProcessStatus running = event(exited, observed("probe", ProcessState.RUNNING, 2L, T0 + 70_000),
                    T0 + 70_000);

            assertThat(running.startedAt()).isEqualTo(T0 + 70_000);
            assertThat(running.uptime()).isZero();
        }

        @Test
        void statesWithoutAProcessClearThePidAndHaveNoUptime() {
            ProcessStatus running = event(null, observed("sleeper", ProcessState.RUNNING, 3944L, T0), T0);
            ProcessStatus exited = event(running, observed("sleeper", ProcessState.EXITED, 3944L, T0 + 30_000),
                    T0 + 30_000);

            assertThat(exited.pid()).isNull();
            assertThat(exited.uptime()).isZero();
            assertThat(exited.startedAt()).isEqualTo(T0);
            assertThat(exited.check()).isEqualTo(CheckStatus.CRITICAL);
            assertThat(exited.since()).isEqualTo(T0 + 30_000);
        }

        @Test
        void stoppingKeepsThePidAndCountsUptimeAsDatadogDoes() {
            ProcessStatus running = event(null, observed("sleeper", ProcessState.RUNNING, 3566L, T0), T0);
            ProcessStatus stopping = event(running, observed("sleeper", ProcessState.STOPPING, 3566L, T0 + 20_000),
                    T0 + 20_000);

            assertThat(stopping.pid()).isEqualTo(3566L);
            assertThat(stopping.uptime()).isEqualTo(20);
            assertThat(stopping.check()).isEqualTo(CheckStatus.CRITICAL);
        }

        @Test
        void backoffHasUptimeSinceTheLastSpawn() {
            ProcessStatus starting = event(null, observed("crasher", ProcessState.STARTING, null, T0), T0);
            ProcessStatus backoff = event(starting, observed("crasher", ProcessState.BACKOFF, null, T0 + 300),
                    T0 + 2_300);

            assertThat(backoff.startedAt()).isEqualTo(T0);
            assertThat(backoff.uptime()).isEqualTo(2);
            assertThat(backoff.pid()).isNull();
        }

        @Test
        void aNewExitForgetsTheLastExitStatus() {
            ProcessStatus fromSnapshot = snapshot(null, T0,
                    info("sleeper", "sleeper", "EXITED", 0, T0 - 60_000, T0 - 1_000, T0, 137, "", "Nov 22 12:40 AM"),
                    T0);
            ProcessStatus starting = event(fromSnapshot, observed("sleeper", ProcessState.STARTING, null, T0 + 1_000),
                    T0 + 1_000);
            ProcessStatus running = event(starting, observed("sleeper", ProcessState.RUNNING, 9L, T0 + 2_000),
                    T0 + 2_000);
            ProcessStatus exited = event(running, observed("sleeper", ProcessState.EXITED, 9L, T0 + 3_000),
                    T0 + 3_000);

            assertThat(running.exitStatus()).as("still the last exit status while running").isEqualTo(137);
            assertThat(running.description()).as("supervisord's description of the EXITED state").isNull();
            assertThat(exited.exitStatus()).as("unknown until a snapshot tells").isNull();
        }

        @Test
        void theSpawnErrorSurvivesFromBackoffToFatalOnly() {
            ProcessStatus backoff = snapshot(null, T0,
                    info("crasher", "crasher", "BACKOFF", 0, T0 - 1_000, T0 - 500, T0, 0,
                            "Exited too quickly (process log may have details)", "Exited too quickly"), T0);
            ProcessStatus fatal = event(backoff, observed("crasher", ProcessState.FATAL, null, T0 + 3_000),
                    T0 + 3_000);
            ProcessStatus starting = event(backoff, observed("crasher", ProcessState.STARTING, null, T0 + 3_000),
                    T0 + 3_000);

            assertThat(fatal.spawnErr()).isEqualTo("Exited too quickly (process log may have details)");
            assertThat(starting.spawnErr()).isNull();
        }

        @Test
        void anEventRepeatingTheKnownStateKeepsWhenItBegan() {
            ProcessStatus fromSnapshot = snapshot(null, T0 + 5_000, running("probe", 3564, T0, T0 + 5_000),
                    T0 + 5_000);
            // The listener read the RUNNING event after the snapshot was taken.
            ProcessStatus confirmed = event(fromSnapshot, observed("probe", ProcessState.RUNNING, 3564L, T0 + 6_000),
                    T0 + 6_000);

            assertThat(confirmed.since()).isEqualTo(fromSnapshot.since());
            assertThat(confirmed.startedAt()).isEqualTo(T0);
            assertThat(confirmed.observedAt()).isEqualTo(T0 + 6_000);
            assertThat(ProcessStatusMerge.sameStatus(fromSnapshot, confirmed)).isTrue();
        }

        @Test
        void eventsOfOneServerApplyInLogOrderWhateverTheirClock() {
            ProcessStatus running = event(null, observed("probe", ProcessState.RUNNING, 1L, T0 + 10_000), T0);
            // The listener's clock stepped back; the events topic order is still the order supervisord sent them.
            ProcessStatus stopping = event(running, observed("probe", ProcessState.STOPPING, 1L, T0 + 5_000), T0);

            assertThat(stopping.state()).isEqualTo("STOPPING");
        }
    }

    @Nested
    class Snapshots {

        @Test
        void aSnapshotEstablishesTheTruthOfAProcess() {
            ProcessStatus status = snapshot(null, T0, info("crasher", "crasher", "FATAL", 0, T0 - 9_000, T0 - 5_000,
                    T0, 1, "Exited too quickly (process log may have details)", "Exited too quickly (process log "
                            + "may have details)"), T0 + 100);

            assertThat(status.state()).isEqualTo("FATAL");
            assertThat(status.stateCode()).isEqualTo(200);
            assertThat(status.pid()).as("pid 0 means none").isNull();
            assertThat(status.startedAt()).isEqualTo(T0 - 9_000);
            assertThat(status.exitStatus()).isEqualTo(1);
            assertThat(status.spawnErr()).isEqualTo("Exited too quickly (process log may have details)");
            assertThat(status.source()).isEqualTo(ProcessStatus.SOURCE_SNAPSHOT);
            assertThat(status.observedAt()).isEqualTo(T0);
            assertThat(status.since()).as("the stop time supervisord reports").isEqualTo(T0 - 5_000);
            assertThat(status.uptime()).isZero();
        }

        @Test
        void aRunningProcessFirstSeenInASnapshotIsRunningSinceItsStart() {
            ProcessStatus status = snapshot(null, T0, running("probe", 3564, T0 - 3_600_000, T0), T0 + 1_000);

            assertThat(status.pid()).isEqualTo(3564L);
            assertThat(status.since()).isEqualTo(T0 - 3_600_000);
            assertThat(status.uptime()).isEqualTo(3_601);
            assertThat(status.description()).isEqualTo("pid 3564, uptime 0:00:42");
        }

        @Test
        void emptyStringsOfSupervisordAreAbsentValues() {
            ProcessStatus status = snapshot(null, T0,
                    info("idle", "idle", "STOPPED", 0, 0, 0, T0, 0, "", ""), T0);

            assertThat(status.spawnErr()).isNull();
            assertThat(status.description()).isNull();
            assertThat(status.startedAt()).as("never started").isNull();
            assertThat(status.since()).isEqualTo(T0);
        }

        @Test
        void aStateSupervisordMayAddLaterIsUnknown() {
            ProcessStatus status = snapshot(null, T0, info("odd", "odd", "HIBERNATING", 0, 0, 0, T0, 0, "", ""), T0);

            assertThat(status.state()).isEqualTo("UNKNOWN");
            assertThat(status.stateCode()).isEqualTo(1000);
            assertThat(status.check()).isEqualTo(CheckStatus.UNKNOWN);
        }

        @Test
        void aSnapshotRepeatingTheStateKeepsWhenItBegan() {
            ProcessStatus running = event(null, observed("probe", ProcessState.RUNNING, 3564L, T0), T0);
            ProcessStatus refreshed = snapshot(running, T0 + 30_000, running("probe", 3564, T0 - 800, T0 + 30_000),
                    T0 + 30_000);

            assertThat(refreshed.since()).isEqualTo(T0);
            assertThat(refreshed.startedAt()).as("supervisord's own start time is the better one")
                    .isEqualTo(T0 - 1_000);
            assertThat(refreshed.source()).isEqualTo(ProcessStatus.SOURCE_SNAPSHOT);
        }

        @Test
        void aNewerSnapshotOverridesWhatEventsSaid() {
            ProcessStatus running = event(null, observed("sleeper", ProcessState.RUNNING, 3944L, T0), T0);
            // The EXITED event was lost; the next snapshot knows.
            ProcessStatus exited = snapshot(running, T0 + 30_000,
                    info("sleeper", "sleeper", "EXITED", 0, T0 - 1_000, T0 + 20_000, T0 + 30_000, -1, "", "x"),
                    T0 + 30_000);

            assertThat(exited.state()).isEqualTo("EXITED");
            assertThat(exited.pid()).isNull();
            assertThat(exited.exitStatus()).isEqualTo(-1);
            assertThat(exited.since()).isEqualTo(T0 + 20_000);
        }
    }

    @Nested
    class OutOfOrder {

        @Test
        void anEventObservedAfterTheSnapshotWinsEvenWhenProcessedFirst() {
            ProcessStatus exited = event(null, observed("sleeper", ProcessState.EXITED, 3944L, T0 + 2_000),
                    T0 + 2_000);
            // Taken at T0 while the process still ran, processed after the event.
            ProcessStatus afterSnapshot = snapshot(exited, T0, running("sleeper", 3944, T0 - 60_000, T0), T0 + 3_000);

            assertThat(afterSnapshot).isSameAs(exited);
        }

        @Test
        void anOlderSnapshotNeverRollsBackANewerEvent() {
            ProcessStatus running = event(null, observed("probe", ProcessState.RUNNING, 7589L, T0 + 2_000),
                    T0 + 2_000);
            ProcessStatus afterSnapshot = snapshot(running, T0,
                    info("probe", "probe", "STARTING", 0, T0 - 500, 0, T0, 0, "", ""), T0 + 3_000);

            assertThat(afterSnapshot).isSameAs(running);
        }

        @Test
        void anOlderSnapshotThatAgreesFillsWhatEventsCannotTell() {
            ProcessStatus running = event(null, observed("sleeper", ProcessState.RUNNING, 3944L, T0 + 1_000),
                    T0 + 1_000);
            // Killed at T0 + 1.2 s; the snapshot at T0 + 1.5 s saw it before the listener read the EXITED event.
            ProcessStatus exited = event(running, observed("sleeper", ProcessState.EXITED, 3944L, T0 + 2_000),
                    T0 + 2_000);
            ProcessStatus filled = snapshot(exited, T0 + 1_500,
                    info("sleeper", "sleeper", "EXITED", 0, T0 - 60_000, T0 + 1_000, T0 + 1_500, -1, "",
                            "Nov 22 12:41 AM"), T0 + 3_000);

            assertThat(filled.exitStatus()).isEqualTo(-1);
            assertThat(filled.description()).isEqualTo("Nov 22 12:41 AM");
            assertThat(filled.startedAt()).as("known values are kept").isEqualTo(T0 + 1_000);
            assertThat(filled.source()).isEqualTo(ProcessStatus.SOURCE_EVENT);
            assertThat(filled.observedAt()).isEqualTo(T0 + 2_000);
            assertThat(filled.since()).isEqualTo(T0 + 2_000);
        }

        @Test
        void anOlderSnapshotFillsTheStartTimeOfARunningProcess() {
            ProcessStatus running = event(null, observed("probe", ProcessState.RUNNING, 3564L, T0 + 2_000),
                    T0 + 2_000);
            ProcessStatus withoutStart = new ProcessStatus(running.server(), running.group(), running.name(),
                    running.state(), running.stateCode(), running.pid(), null, 0, null, null, null, running.check(),
                    running.since(), running.source(), running.observedAt(), running.updatedAt());
            ProcessStatus filled = snapshot(withoutStart, T0 + 1_000, running("probe", 3564, T0 - 9_000, T0 + 1_000),
                    T0 + 11_000);

            assertThat(filled.startedAt()).isEqualTo(T0 - 9_000);
            assertThat(filled.uptime()).isEqualTo(20);
        }

        @Test
        void anOlderSnapshotOfAnotherPidFillsNothing() {
            ProcessStatus running = event(null, observed("probe", ProcessState.RUNNING, 7589L, T0 + 2_000),
                    T0 + 2_000);
            ProcessStatus afterSnapshot = snapshot(running, T0 + 1_000, running("probe", 3564, T0 - 9_000, T0),
                    T0 + 3_000);

            assertThat(afterSnapshot).isSameAs(running);
        }

        @Test
        void anEventObservedBeforeASnapshotDoesNotRollItBack() {
            ProcessStatus fromSnapshot = snapshot(null, T0 + 5_000, running("probe", 3564, T0 + 1_000, T0 + 5_000),
                    T0 + 5_000);
            ProcessStatus afterEvent = event(fromSnapshot, observed("probe", ProcessState.STARTING, null, T0 + 500),
                    T0 + 6_000);

            assertThat(afterEvent).isSameAs(fromSnapshot);
        }

        @Test
        void anEventAtTheSameMillisecondAsTheSnapshotApplies() {
            ProcessStatus fromSnapshot = snapshot(null, T0, running("probe", 3564, T0 - 1_000, T0), T0);
            ProcessStatus stopping = event(fromSnapshot, observed("probe", ProcessState.STOPPING, 3564L, T0), T0);

            assertThat(stopping.state()).isEqualTo("STOPPING");
        }
    }

    @Nested
    class Removal {

        @Test
        void aProcessLastSeenBeforeTheSnapshotIsGone() {
            ProcessStatus status = event(null, observed("old", ProcessState.RUNNING, 1L, T0), T0);

            assertThat(ProcessStatusMerge.goneFrom(status, T0 + 1)).isTrue();
            assertThat(ProcessStatusMerge.goneFrom(status, T0)).as("observed at the same moment").isFalse();
            assertThat(ProcessStatusMerge.goneFrom(status, T0 - 1)).as("created after the snapshot").isFalse();
        }

        @Test
        void aGroupRemovalRemovesWhatWasSeenUpToIt() {
            ProcessStatus status = event(null, observed("web", ProcessState.STOPPED, null, T0), T0);

            assertThat(ProcessStatusMerge.removedWith(status, new GroupRemoved(SERVER, "web", T0))).isTrue();
            assertThat(ProcessStatusMerge.removedWith(status, new GroupRemoved(SERVER, "web", T0 - 1))).isFalse();
        }
    }

    @Test
    void sameStatusIgnoresWhatMovesWithEveryObservation() {
        ProcessStatus a = snapshot(null, T0, running("probe", 3564, T0 - 1_000, T0), T0);
        ProcessStatus later = snapshot(a, T0 + 30_000, info("probe", "probe", "RUNNING", 3564, T0 - 1_000, 0,
                T0 + 30_000, 0, "", "pid 3564, uptime 0:00:31"), T0 + 30_000);
        ProcessStatus otherPid = snapshot(a, T0 + 30_000, running("probe", 3565, T0 + 29_000, T0 + 30_000),
                T0 + 30_000);

        assertThat(later.uptime()).isNotEqualTo(a.uptime());
        assertThat(ProcessStatusMerge.sameStatus(a, later)).isTrue();
        assertThat(ProcessStatusMerge.sameStatus(a, otherPid)).isFalse();
        assertThat(ProcessStatusMerge.sameStatus(null, a)).isFalse();
        assertThat(ProcessStatusMerge.sameStatus(null, null)).isTrue();
    }

    @Test
    void theReferenceCaptureEndsAsSupervisordLeftIt() {
        Map<String, ProcessStatus> statuses = new TreeMap<>();
        List<List<SupervisorEvent>> runs = SupervisordEventsCapture.runs(SERVER);
        for (SupervisorEvent event : runs.get(0)) {
            SupervisorInput.fromEvent(SERVER, event).ifPresent(input -> {
                if (input instanceof ProcessStateObserved observed) {
                    String key = ProcessStatus.key(SERVER, observed.group(), observed.name());
                    ProcessStatus after = event(statuses.get(key), observed, event.observedAt());
                    assertThat(after.state()).isEqualTo(observed.state().name());
                    statuses.put(key, after);
                }
            });
        }

        assertThat(statuses).containsOnlyKeys("web-1/crasher:crasher", "web-1/probe:probe", "web-1/sleeper:sleeper");
        ProcessStatus probe = statuses.get("web-1/probe:probe");
        assertThat(probe.state()).isEqualTo("RUNNING");
        assertThat(probe.pid()).isEqualTo(3564L);
        assertThat(probe.check()).isEqualTo(CheckStatus.OK);
        ProcessStatus crasher = statuses.get("web-1/crasher:crasher");
        assertThat(crasher.state()).isEqualTo("FATAL");
        assertThat(crasher.pid()).isNull();
        assertThat(crasher.check()).isEqualTo(CheckStatus.CRITICAL);
        ProcessStatus sleeper = statuses.get("web-1/sleeper:sleeper");
        assertThat(sleeper.state()).isEqualTo("STOPPED");
        assertThat(sleeper.pid()).as("STOPPED carries the dead pid; it is not kept").isNull();
        assertThat(sleeper.uptime()).isZero();
    }
}
