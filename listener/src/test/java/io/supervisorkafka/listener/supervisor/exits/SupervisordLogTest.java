package io.supervisorkafka.listener.supervisor.exits;

import static org.assertj.core.api.Assertions.assertThat;

import io.supervisorkafka.listener.supervisor.exits.SupervisordLog.Kind;
import io.supervisorkafka.listener.supervisor.exits.SupervisordLog.Line;
import io.supervisorkafka.listener.supervisor.exits.SupervisordLog.Run;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * supervisord 4.2.5's own main log lines (test resources {@code supervisord-4.2.5-logs}, captured from the Debian
 * package's supervisord running every exit path: see the README of the supervisor source).
 */
class SupervisordLogTest {

    private static String resource(String name) throws IOException {
        try (InputStream in = SupervisordLogTest.class.getResourceAsStream("/supervisord-4.2.5-logs/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** The full log up to and including the first line that contains {@code marker}: the log as a listener reads it. */
    private static String upTo(String log, String marker) {
        int at = log.indexOf(marker);
        assertThat(at).as(marker).isNotNegative();
        return log.substring(0, log.indexOf('\n', at) + 1);
    }

    private static Line line(String text) {
        return SupervisordLog.parseLine(text);
    }

    @Test
    void everyKindOfLineAsSupervisordWritesIt() {
        assertThat(line("2026-11-30 19:41:26,942 WARN exited: quick3 (exit status 3; not expected)")).isEqualTo(
                new Line(LocalDateTime.parse("2026-11-30T19:41:26.942"), Kind.EXITED, "quick3", 0, 3, null, false));
        assertThat(line("2026-11-30 19:41:52,354 INFO exited: run3exp (exit status 3; expected)"))
                .satisfies(l -> {
                    assertThat(l.exitStatus()).isEqualTo(3);
                    assertThat(l.expected()).isTrue();
                });
        assertThat(line("2026-11-30 19:42:31,925 WARN exited: sleeper (terminated by SIGKILL; not expected)"))
                .satisfies(l -> {
                    assertThat(l.kind()).isEqualTo(Kind.EXITED);
                    assertThat(l.signal()).isEqualTo("SIGKILL");
                    assertThat(l.exitStatus()).isNull();
                    assertThat(l.expected()).isFalse();
                });
        assertThat(line("2026-11-30 19:43:07,251 WARN exited: sleeper (terminated by SIGTERM; not expected)").signal())
                .isEqualTo("SIGTERM");
        assertThat(line("2026-11-30 19:42:57,425 WARN stopped: sleeper (terminated by SIGTERM)")).satisfies(l -> {
            assertThat(l.kind()).isEqualTo(Kind.STOPPED);
            assertThat(l.signal()).isEqualTo("SIGTERM");
            assertThat(l.expected()).isNull();
        });
        assertThat(line("2026-11-30 19:43:01,714 WARN stopped: stubborn (terminated by SIGKILL)").signal())
                .isEqualTo("SIGKILL");
        assertThat(line("2026-11-30 19:47:02,729 INFO stopped: graceful (exit status 0)").exitStatus()).isZero();
        assertThat(line("2026-11-30 19:41:46,154 INFO spawned: 'run3' with pid 26210")).isEqualTo(
                new Line(LocalDateTime.parse("2026-11-30T19:41:46.154"), Kind.SPAWNED, "run3", 26210, null, null,
                        null));
        assertThat(line("2026-11-30 19:41:33,692 INFO gave up: quick3 entered FATAL state, too many start retries too"
                + " quickly")).satisfies(l -> {
                    assertThat(l.kind()).isEqualTo(Kind.GAVE_UP);
                    assertThat(l.name()).isEqualTo("quick3");
                });
    }

    @Test
    void theFormsDecodeWaitStatusHasBesideTheCapturedOnes() {
        // supervisor/options.py decode_wait_status and signame: a core dump, and a signal Python has no name for.
        assertThat(line("2026-11-30 19:50:00,001 WARN exited: seg (terminated by SIGSEGV (core dumped); not"
                + " expected)")).satisfies(l -> {
                    assertThat(l.signal()).isEqualTo("SIGSEGV");
                    assertThat(l.expected()).isFalse();
                });
        assertThat(line("2026-11-30 19:50:00,001 WARN exited: rt (terminated by signal 34; not expected)").signal())
                .isEqualTo("signal 34");
        assertThat(line("2026-11-30 19:50:00,001 WARN exited: odd (unknown termination cause 0x137f; not expected)"))
                .satisfies(l -> {
                    assertThat(l.exitStatus()).isNull();
                    assertThat(l.signal()).isNull();
                });
        assertThat(line("2026-11-30 19:50:00,001 INFO exited: has (parens) (exit status 2; expected)").name())
                .isEqualTo("has (parens)");
    }

    @Test
    void otherLinesContinuationLinesAndACutFirstLineAreSkipped() throws IOException {
        String excerpt = resource("supervisord-log-excerpt.txt");
        List<Line> lines = SupervisordLog.parse(excerpt);
        assertThat(lines).extracting(Line::kind).doesNotContainNull();
        // The excerpt's lines of interest, no more: not "killing", "waiting", "discarding", the CRIT record and its
        // traceback, "started with pid" nor "spawnerr".
        long ofInterest = excerpt.lines().filter(l -> l.matches("\\S+ \\S+ [A-Z]{4} (spawned|exited|stopped|gave up):"
                + " .*")).count();
        assertThat(lines).hasSize((int) ofInterest);
        assertThat(SupervisordLog.parse("13:52,354 INFO exited: run3exp (exit status 3; expected)\n")).isEmpty();
        assertThat(SupervisordLog.parse("ited: run3 (exit status 3; not expected)\r\n2026-11-30 19:41:48,243 WARN"
                + " exited: run3 (exit status 3; not expected)\r\n")).singleElement()
                .extracting(Line::name).isEqualTo("run3");
    }

    @Test
    void theWholeCapturedLogParsesIntoItsSpawnsAndEnds() throws IOException {
        List<Line> lines = SupervisordLog.parse(resource("supervisord-full.txt"));
        assertThat(lines.stream().filter(l -> l.kind() == Kind.SPAWNED)).isNotEmpty()
                .allSatisfy(l -> assertThat(l.pid()).isPositive());
        assertThat(lines.stream().filter(l -> l.kind() == Kind.EXITED))
                .allSatisfy(l -> assertThat(l.exitStatus() != null || l.signal() != null).isTrue());
        assertThat(lines).extracting(Line::time).isSorted();
    }

    @Test
    void aRunThatExitedAfterRunningIsFoundByThePidOfItsEvent() throws IOException {
        // PROCESS_STATE_EXITED processname:run3 groupname:run3 from_state:RUNNING expected:0 pid:26210
        String log = upTo(resource("supervisord-full.txt"), "exited: run3 (exit status 3");
        Run run = SupervisordLog.find(SupervisordLog.parse(log), "run3", false, 26210, false);
        assertThat(run.ended().exitStatus()).isEqualTo(3);
        assertThat(run.ended().expected()).isFalse();
        assertThat(run.pid()).isEqualTo(26210);
        assertThat(run.runSeconds()).isEqualTo(2.089); // 19:41:46,154 -> 19:41:48,243
    }

    @Test
    void anAutorestartedRunIsToldFromTheNextOneByItsPid() throws IOException {
        // The log read after later runs: their spawned lines and ends follow the first's.
        List<Line> lines = SupervisordLog.parse(resource("supervisord-full.txt"));
        assertThat(SupervisordLog.find(lines, "run3auto", false, 26567, false)).satisfies(run -> {
            assertThat(run.ended().time()).isEqualTo(LocalDateTime.parse("2026-11-30T19:42:01.761"));
            assertThat(run.runSeconds()).isEqualTo(2.213);
        });
        assertThat(SupervisordLog.find(lines, "run3auto", false, 26607, false).ended().time())
                .isEqualTo(LocalDateTime.parse("2026-11-30T19:42:03.986"));
        // The last run was stopped, not exited: its STOPPED event finds the stopped line, an EXITED one nothing.
        assertThat(SupervisordLog.find(lines, "run3auto", true, 26631, false).ended().signal()).isEqualTo("SIGTERM");
        assertThat(SupervisordLog.find(lines, "run3auto", false, 26631, false)).isNull();
    }

    @Test
    void aQuickExitHasNoPidInItsBackoffEventAndIsTheLatestExitOfTheName() throws IOException {
        String full = resource("supervisord-full.txt");
        // PROCESS_STATE_BACKOFF processname:quick3 groupname:quick3 from_state:STARTING tries:1
        Run first = SupervisordLog.find(SupervisordLog.parse(upTo(full, "19:41:26,942 WARN exited: quick3")),
                "quick3", false, 0, false);
        assertThat(first.ended().exitStatus()).isEqualTo(3);
        assertThat(first.pid()).isEqualTo(25767);
        assertThat(first.runSeconds()).isEqualTo(0.182);
        // Read late, after the retry was spawned: still the exit before it.
        Run late = SupervisordLog.find(SupervisordLog.parse(upTo(full, "19:41:28,078 INFO spawned: 'quick3'")),
                "quick3", false, 0, false);
        assertThat(late.pid()).isEqualTo(25767);
    }

    @Test
    void fatalIsTheLastExitBeforeGaveUp() throws IOException {
        // PROCESS_STATE_FATAL processname:quick3 groupname:quick3 from_state:BACKOFF
        List<Line> lines = SupervisordLog.parse(upTo(resource("supervisord-full.txt"), "19:41:33,692 INFO gave up"));
        Run run = SupervisordLog.find(lines, "quick3", false, 0, true);
        assertThat(run.ended().exitStatus()).isEqualTo(3);
        assertThat(run.pid()).isEqualTo(25931);
        assertThat(run.runSeconds()).isEqualTo(0.133);
    }

    @Test
    void signalsAndStopsOfTheCapturedRuns() throws IOException {
        List<Line> lines = SupervisordLog.parse(resource("supervisord-full.txt"));
        // kill -9: PROCESS_STATE_EXITED processname:sleeper ... expected:0 pid:26969
        assertThat(SupervisordLog.find(lines, "sleeper", false, 26969, false).ended()).satisfies(l -> {
            assertThat(l.signal()).isEqualTo("SIGKILL");
            assertThat(l.expected()).isFalse();
        });
        // supervisorctl stop of a program that ignores SIGTERM: killed after stopwaitsecs.
        Run stubborn = SupervisordLog.find(lines, "stubborn", true, 27639, false);
        assertThat(stubborn.ended().signal()).isEqualTo("SIGKILL");
        assertThat(stubborn.runSeconds()).isEqualTo(3.562);
        assertThat(SupervisordLog.find(lines, "graceful", true, 3342, false).ended().exitStatus()).isZero();
    }

    @Test
    void aWindowThatCutsTheSpawnedLineAwayStillFindsTheExitOfThePid() throws IOException {
        String log = upTo(resource("supervisord-full.txt"), "exited: run3 (exit status 3");
        String window = log.substring(log.indexOf("'run3' with pid 26210") + 3); // begins inside the spawned line
        Run run = SupervisordLog.find(SupervisordLog.parse(window), "run3", false, 26210, false);
        assertThat(run.ended().exitStatus()).isEqualTo(3);
        assertThat(run.spawned()).isNull();
        assertThat(run.runSeconds()).isNull();
    }

    @Test
    void nothingIsFoundWhereTheLogDoesNotTell() throws IOException {
        List<Line> lines = SupervisordLog.parse(resource("supervisord-full.txt"));
        assertThat(SupervisordLog.find(lines, "nosuch", false, 0, false)).isNull();
        assertThat(SupervisordLog.find(lines, "run3", false, 99999, false)).isNull();
        assertThat(SupervisordLog.find(List.of(), "run3", false, 26210, false)).isNull();
        // A spawned line with no end yet: that run is still going.
        assertThat(SupervisordLog.find(SupervisordLog.parse("2026-11-30 19:41:46,154 INFO spawned: 'run3' with pid"
                + " 26210\n"), "run3", false, 26210, false)).isNull();
    }
}
