package io.supervisorkafka.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.supervisorkafka.testkit.Supervisord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/supervisor-kafka demo} as a user runs it: the table fills in, its restarting program shows as flapping,
 * and Ctrl-C leaves no process behind.
 */
class DemoEndToEndTest {

    @Test
    void demoShowsTheFleetAndCtrlCStopsEverythingItStarted(@TempDir(cleanup = CleanupMode.ON_SUCCESS) Path dir) throws Exception {
        runDemoUntilCtrlC(new ProcessBuilder(Checkout.bin().toString(), "demo", "--run-dir",
                dir.resolve("run").toString()), dir.resolve("demo.out"));
    }

    /**
     * Runs the demo command until its table shows the three programs, then sends it Ctrl-C and checks that it
     * stopped every process it started. Returns what it printed.
     */
    static String runDemoUntilCtrlC(ProcessBuilder builder, Path out) throws Exception {
        // A terminal's foreground process takes Ctrl-C with SIGINT at its default. A build started as a background
        // job (`cmd &` in a script, nohup) hands every child SIGINT ignored, and a JVM started so keeps ignoring it:
        // start the demo as a terminal would, with SIGINT reset, then exec'd (same pid).
        List<String> command = new ArrayList<>(List.of(Supervisord.python(), "-c",
                "import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL);"
                        + " os.execvp(sys.argv[1], sys.argv[1:])"));
        command.addAll(builder.command());
        builder.command(command);
        builder.redirectErrorStream(true).redirectOutput(out.toFile());
        Process demo = builder.start();
        try {
            await("the demo's table showing the three programs").atMost(Duration.ofMinutes(3))
                    .pollInterval(Duration.ofMillis(500))
                    .failFast("the demo exited early; output:\n" + out, () -> !demo.isAlive())
                    .untilAsserted(() -> {
                        assertThat(demo.isAlive()).as("demo alive; output:\n" + Files.readString(out)).isTrue();
                        String table = lastTable(Files.readString(out));
                        assertThat(table).containsPattern("steady:steady\\s+RUNNING\\s+OK");
                        assertThat(table).containsPattern("crasher:crasher\\s+FATAL\\s+CRITICAL");
                        assertThat(table).contains("flapper:flapper");
                        assertThat(table).contains("up,").contains("down");
                    });
            // flapper restarts every 9 to 17 s: its third restart makes it flap (3 within 5 minutes).
            await("the demo's table showing flapper flapping").atMost(Duration.ofMinutes(3))
                    .pollInterval(Duration.ofMillis(500))
                    .failFast("the demo exited early; output:\n" + out, () -> !demo.isAlive())
                    .untilAsserted(() -> assertThat(lastTable(Files.readString(out)))
                            .containsPattern("flapper:flapper(\\s+\\S+){5}\\s+yes\\b"));
            List<ProcessHandle> started = demo.descendants().toList();
            assertThat(started).as("the demo's processes").hasSizeGreaterThanOrEqualTo(3);

            // What a terminal's Ctrl-C sends to the foreground process.
            assertThat(new ProcessBuilder("kill", "-INT", Long.toString(demo.pid())).start().waitFor()).isZero();
            assertThat(demo.waitFor(2, TimeUnit.MINUTES)).as("demo exits after Ctrl-C").isTrue();
            await("every process the demo started gone").atMost(Duration.ofSeconds(30))
                    .untilAsserted(() -> assertThat(started.stream().filter(ProcessHandle::isAlive).toList()).isEmpty());
            String printed = Files.readString(out);
            assertThat(printed).contains("stopped everything it started")
                    .as("no table after Ctrl-C says that what the demo stopped exited").doesNotContain(
                            "a demo process exited");
            return printed;
        } finally {
            List<ProcessHandle> leftovers = demo.descendants().toList();
            demo.destroyForcibly();
            leftovers.forEach(ProcessHandle::destroyForcibly);
        }
    }

    private static String lastTable(String output) {
        int last = output.lastIndexOf("supervisor-kafka demo");
        return last < 0 ? "" : output.substring(last);
    }
}
