package io.supervisorkafka.listener.supervisor.xmlrpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
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
