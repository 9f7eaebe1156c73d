package io.supervisorkafka.listener.supervisor.exits;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.List;

/**
 * Coverage-guided fuzzing (Jazzer) of the reading of supervisord's main log, with whatever a window of it may hold
 * (the window is cut anywhere, a process name can be almost anything): it never throws, every line it keeps is whole,
 * and a run it finds is one of the name asked for, ending as the event says, with a run time that is not negative.
 * Crashing inputs are kept under src/test/resources and replayed on every run.
 */
class SupervisordLogFuzzTest {

    @FuzzTest(maxDuration = "15s")
    void anyWindowOfTheLogGivesWholeLinesAndRunsOfTheNameAskedFor(FuzzedDataProvider data) {
        String name = data.consumeString(20);
        boolean stopped = data.consumeBoolean();
        boolean fatal = data.consumeBoolean();
        long pid = data.consumeLong(0, 40000);
        String text = data.consumeRemainingAsString();

        List<SupervisordLog.Line> lines = SupervisordLog.parse(text);
        assertThat(lines.size()).isLessThanOrEqualTo((int) text.chars().filter(c -> c == '\n').count() + 1);
        for (SupervisordLog.Line line : lines) {
            assertThat(line.time()).isNotNull();
            assertThat(line.name()).isNotNull().doesNotContain("\n");
            assertThat(text).contains(line.name());
            if (line.kind() == SupervisordLog.Kind.SPAWNED) {
                assertThat(line.pid()).isNotNegative();
            }
            if (line.signal() != null) {
                assertThat(line.exitStatus()).isNull();
            }
        }
        SupervisordLog.Run run = SupervisordLog.find(lines, name, stopped, pid, fatal);
        if (run != null) {
            assertThat(run.ended().name()).isEqualTo(name);
            assertThat(run.ended().kind()).isEqualTo(stopped ? SupervisordLog.Kind.STOPPED
                    : SupervisordLog.Kind.EXITED);
            if (run.spawned() != null) {
                assertThat(run.spawned().name()).isEqualTo(name);
            }
            if (run.runSeconds() != null) {
                assertThat(run.runSeconds()).isNotNegative();
            }
            if (pid > 0 && run.spawned() != null) {
                assertThat(run.pid()).isEqualTo(pid);
            }
        }
    }
}
