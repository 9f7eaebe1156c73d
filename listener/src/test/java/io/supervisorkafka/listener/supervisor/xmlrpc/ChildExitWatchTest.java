package io.supervisorkafka.listener.supervisor.xmlrpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The child-exit watch's helper, run by the real python3, watching real {@code sleep} processes. */
class ChildExitWatchTest {
    private final List<Long> exited = new CopyOnWriteArrayList<>();
    private final List<Process> sleepers = new CopyOnWriteArrayList<>();
    private ChildExitWatch watch;

    @AfterEach
    void stop() throws Exception {
        if (watch != null) {
            watch.close();
        }
        for (Process sleeper : sleepers) {
            sleeper.destroyForcibly().waitFor();
        }
    }

    @Test
    void tellsOfEachWatchedProcessThatExitsOnceAndOfNoneItNoLongerWatches() throws Exception {
        watch = ChildExitWatch.start("python3", exited::add).orElseThrow();
        Process first = sleeper();
        Process second = sleeper();
        Process unwatched = sleeper();
        assertThat(watch.watch(pids(first, second, unwatched), pids(first, second, unwatched).length)).isTrue();
        assertThat(watch.watch(pids(first, second), pids(first, second).length)).isTrue();

        unwatched.destroyForcibly().waitFor();
        first.destroyForcibly().waitFor();
        await("the first one's exit").atMost(Duration.ofSeconds(10)).until(() -> exited.contains(first.pid()));
        // Named again while gone (supervisord has not reaped it yet): not told twice.
        assertThat(watch.watch(pids(first, second), pids(first, second).length)).isTrue();
        second.destroyForcibly().waitFor();
        await("the second one's exit").atMost(Duration.ofSeconds(10)).until(() -> exited.contains(second.pid()));
        assertThat(exited).as("each exit once, and none of the process no longer watched")
                .containsExactly(first.pid(), second.pid());
    }

    @Test
    void aProcessGoneWhenNamedIsToldAtOnce() throws Exception {
        watch = ChildExitWatch.start("python3", exited::add).orElseThrow();
        Process gone = sleeper();
        gone.destroyForcibly().waitFor();
        byte[] list = (gone.pid() + " ").getBytes(StandardCharsets.US_ASCII);
        assertThat(watch.watch(list, list.length)).isTrue();
        await("told").atMost(Duration.ofSeconds(10)).until(() -> exited.contains(gone.pid()));
    }

    @Test
    void closingEndsTheHelperAndAMissingInterpreterMeansNoWatch() throws Exception {
        watch = ChildExitWatch.start("python3", exited::add).orElseThrow();
        long helper = watch.pid();
        watch.close();
        assertThat(ProcessHandle.of(helper).map(ProcessHandle::isAlive)).isIn(Optional.empty(), Optional.of(false));
        assertThat(watch.alive()).isFalse();
        byte[] list = "1 ".getBytes(StandardCharsets.US_ASCII);
        assertThat(watch.watch(list, list.length)).as("watching after close").isFalse();

        assertThat(ChildExitWatch.start("/nonexistent/python3", exited::add)).isEmpty();
    }

    @Test
    void aPidItCannotWatchEndsTheWatchSoThatTheWakerLooksPeriodicallyInstead(@TempDir Path dir) throws Exception {
        // At most 4 open files, hard: stdin, stdout, stderr and one pidfd. The second pid has no descriptor left.
        // Debian's python3, not a PATH that may lead to a shim needing descriptors of its own.
        Path python = dir.resolve("python3-few-files");
        Files.writeString(python, "#!/bin/sh\nulimit -n 4\nexec /usr/bin/python3 \"$@\"\n");
        Files.setPosixFilePermissions(python, PosixFilePermissions.fromString("rwx------"));
        watch = ChildExitWatch.start(python.toString(), exited::add).orElseThrow();
        byte[] list = pids(sleeper(), sleeper());
        assertThat(watch.watch(list, list.length)).isTrue();
        await("the watch ends").atMost(Duration.ofSeconds(10)).until(() -> !watch.alive());
        assertThat(exited).as("no exit told: both still run").isEmpty();
    }

    @Test
    void anExitAndANewListInOneWakeUpTellTheExitAndWatchTheNewPid() throws Exception {
        watch = ChildExitWatch.start("python3", exited::add).orElseThrow();
        Process first = sleeper();
        Process second = sleeper();
        byte[] list = pids(first);
        assertThat(watch.watch(list, list.length)).isTrue();
        await("the first one watched").atMost(Duration.ofSeconds(10)).until(() -> pidfds(watch.pid()) == 1);
        // Stopped, the helper finds the first one's exit and the list without it in one poll: the second one's pidfd
        // then takes the number of the first one's, which was ready.
        signal("STOP", watch.pid());
        try {
            first.destroyForcibly().waitFor();
            list = pids(second);
            assertThat(watch.watch(list, list.length)).isTrue();
        } finally {
            signal("CONT", watch.pid());
        }
        await("the first one's exit").atMost(Duration.ofSeconds(10)).until(() -> exited.contains(first.pid()));
        await("the second one watched").atMost(Duration.ofSeconds(10)).until(() -> pidfds(watch.pid()) == 1);
        assertThat(exited).as("the second one runs").containsExactly(first.pid());
        second.destroyForcibly().waitFor();
        await("the second one's exit").atMost(Duration.ofSeconds(10)).until(() -> exited.contains(second.pid()));
        assertThat(exited).containsExactly(first.pid(), second.pid());
    }

    @Test
    void thePythonIsSupervisordsWhileItIsInstalled(@TempDir Path dir) throws Exception {
        Path copy = dir.resolve("python3-copy");
        Files.copy(Path.of("/bin/sleep"), copy);
        Files.setPosixFilePermissions(copy, PosixFilePermissions.fromString("rwx------"));
        Process runner = new ProcessBuilder(copy.toString(), "1000").start();
        sleepers.add(runner);
        assertThat(ChildExitWatch.pythonOf(runner.pid())).isEqualTo(copy.toRealPath().toString());
        Files.delete(copy); // an upgrade replaced it: /proc/PID/exe now reads "... (deleted)"
        assertThat(ChildExitWatch.pythonOf(runner.pid())).isEqualTo("python3");
        assertThat(ChildExitWatch.pythonOf(ProcessHandle.current().pid())).as("not a Python").isEqualTo("python3");
    }

    private static long pidfds(long pid) throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            return fds.filter(fd -> {
                try {
                    return Files.readSymbolicLink(fd).toString().contains("pidfd");
                } catch (IOException closed) {
                    return false;
                }
            }).count();
        }
    }

    private static void signal(String name, long pid) throws Exception {
        assertThat(new ProcessBuilder("kill", "-" + name, Long.toString(pid)).start().waitFor()).isZero();
    }

    private Process sleeper() throws Exception {
        Process sleeper = new ProcessBuilder("sleep", "1000").start();
        sleepers.add(sleeper);
        return sleeper;
    }

    private static byte[] pids(Process... processes) {
        StringBuilder list = new StringBuilder();
        for (Process process : processes) {
            list.append(process.pid()).append(' ');
        }
        return list.toString().getBytes(StandardCharsets.US_ASCII);
    }
}
