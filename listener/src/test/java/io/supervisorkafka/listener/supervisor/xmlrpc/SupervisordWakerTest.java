package io.supervisorkafka.listener.supervisor.xmlrpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The waker against a real process tree: a Python parent standing in for supervisord (the waker only reads procfs),
 * which spawns, and reaps only when told to, {@code sleep} children; and a file standing in for its main log.
 */
class SupervisordWakerTest {
    private static final String PARENT = """
            import subprocess, sys
            children = []
            for line in sys.stdin:
                command = line.strip()
                if command == "spawn":
                    children.append(subprocess.Popen(["sleep", "1000"]))
                    print(children[-1].pid, flush=True)
                elif command == "reap":
                    for child in children:
                        child.wait()
                    print("reaped", flush=True)
            """;

    private Process parent;
    private Writer commands;
    private BufferedReader answers;
    private SupervisordWaker waker;

    @AfterEach
    void stop() throws Exception {
        if (waker != null) {
            waker.close();
        }
        if (parent != null) {
            parent.descendants().forEach(ProcessHandle::destroyForcibly);
            parent.destroyForcibly().waitFor();
        }
    }

    @Test
    void wakesWhenAChildIsSpawnedWhileOneIsAZombieAndWhenItIsReapedButNotWhenNothingChanges() throws Exception {
        startParent();
        long child = Long.parseLong(send("spawn"));
        waker = new SupervisordWaker(childrenOfParent(), null, Duration.ofMillis(10), () -> true).start();

        await("no wake-up while the tree stays as it is").during(Duration.ofMillis(300))
                .atMost(Duration.ofSeconds(5)).until(() -> waker.wakes() == 0);

        long second = Long.parseLong(send("spawn"));
        await("a wake-up for the spawned child").atMost(Duration.ofSeconds(5)).until(() -> waker.wakes() >= 1);

        ProcessHandle.of(child).orElseThrow().destroyForcibly();
        long beforeZombie = waker.wakes();
        await("wake-ups while a child is dead and not reaped").atMost(Duration.ofSeconds(5))
                .until(() -> waker.wakes() >= beforeZombie + 3);

        ProcessHandle.of(second).orElseThrow().destroyForcibly();
        assertThat(send("reap")).isEqualTo("reaped");
        long[] seen = {-1};
        long[] since = {0};
        await("the wake-ups stop once the children are reaped").atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(20)).until(() -> {
                    long wakes = waker.wakes();
                    long now = System.nanoTime();
                    if (wakes != seen[0]) {
                        seen[0] = wakes;
                        since[0] = now;
                    }
                    return now - since[0] > Duration.ofMillis(300).toNanos();
                });
    }

    @Test
    void watchingTheMainLogLooksOnlyWhenItIsWrittenAndFallsBackToPollingWhenItsDirectoryIsBusy(@TempDir Path dir)
            throws Exception {
        Path log = Files.writeString(dir.resolve("supervisord.log"), "started\n");
        Path other = Files.writeString(dir.resolve("child-stdout.log"), "");
        startParent();
        // Polling every 2 s would look 5 times in the busy window: more writes than that mean polling. Watching, the
        // periodic look comes every 10 s: not within this test's first part.
        waker = new SupervisordWaker(childrenOfParent(), log, "python3", Duration.ofSeconds(2), () -> true).start();
        await("watching, with the child-exit watch").atMost(Duration.ofSeconds(10))
                .until(() -> waker.watching() && waker.exitWatchPid().isPresent());
        long helper = waker.exitWatchPid().getAsLong();

        send("spawn");
        await("no look, so no wake-up, while the log is not written").during(Duration.ofMillis(600))
                .atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(waker.wakes())
                        .as("wake-ups; looks by cause %s", waker.looksByCause()).isZero());
        Files.writeString(log, "spawned: 'x'\n", StandardOpenOption.APPEND);
        await("a wake-up once supervisord logs").atMost(Duration.ofSeconds(5)).until(() -> waker.wakes() == 1);

        Files.writeString(log, "success: x entered RUNNING state\n", StandardOpenOption.APPEND);
        await("none when nothing changed").during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5))
                .until(() -> waker.wakes() == 1);

        await("polling once the directory is written more often than polling would look")
                .atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(5)).until(() -> {
                    Files.writeString(other, "a line of a child's output\n", StandardOpenOption.APPEND);
                    return !waker.watching();
                });
        await("no child-exit watch while polling: it would save no look").atMost(Duration.ofSeconds(10))
                .until(() -> waker.exitWatchPid().isEmpty() && ProcessHandle.of(helper).isEmpty());
        send("spawn");
        await("a wake-up without a log line").atMost(Duration.ofSeconds(5)).until(() -> waker.wakes() == 2);
    }

    @Test
    void watchingStillLooksAtEveryFifthIntervalForZombiesAndUnloggedChanges(@TempDir Path dir) throws Exception {
        Path log = Files.writeString(dir.resolve("supervisord.log"), "started\n");
        startParent();
        long child = Long.parseLong(send("spawn"));
        waker = new SupervisordWaker(childrenOfParent(), log, Duration.ofMillis(20), () -> true).start();
        await("watching").atMost(Duration.ofSeconds(5)).until(waker::watching);

        send("spawn");
        await("a spawn supervisord did not log").atMost(Duration.ofSeconds(5)).until(() -> waker.wakes() == 1);
        ProcessHandle.of(child).orElseThrow().destroyForcibly();
        await("wake-ups while a child is dead and not reaped, without a log line").atMost(Duration.ofSeconds(5))
                .until(() -> waker.wakes() >= 4);
        assertThat(waker.watching()).isTrue();
    }

    @Test
    void withTheChildExitWatchADeadChildIsToldAtOnceWithoutAPeriodicLook(@TempDir Path dir) throws Exception {
        Path log = Files.writeString(dir.resolve("supervisord.log"), "started\n");
        startParent();
        long child = Long.parseLong(send("spawn"));
        // Every 20 s: the periodic look (every fifth interval) is 100 s away, so only the watch can tell of the death.
        waker = new SupervisordWaker(childrenOfParent(), log, "python3", Duration.ofSeconds(20), () -> true).start();
        await("watching, with the child-exit watch").atMost(Duration.ofSeconds(10))
                .until(() -> waker.watching() && waker.exitWatchPid().isPresent());
        long helper = waker.exitWatchPid().getAsLong();

        ProcessHandle.of(child).orElseThrow().destroyForcibly();
        await("a wake-up for the dead child, not reaped and not logged").atMost(Duration.ofSeconds(10))
                .until(() -> waker.wakes() >= 1);

        waker.close();
        await("the helper ends with the waker").atMost(Duration.ofSeconds(10))
                .until(() -> ProcessHandle.of(helper).map(p -> !p.isAlive()).orElse(true));
    }

    @Test
    void theMainLogIsTheFirstFileOpenForAppendingBeforeTheFirstSocket(@TempDir Path dir) throws Exception {
        Path config = Files.writeString(dir.resolve("supervisord.conf"), "[supervisord]\n");
        Path log = dir.resolve("supervisord.log");
        Path childLog = dir.resolve("child-stdout.log");
        assertThat(mainLogOf(config, log.toString(), "socket", childLog.toString())).contains(log.toRealPath());
        assertThat(mainLogOf(config, "socket", childLog.toString()))
                .as("logfile=syslog or /dev/stdout: the files after the socket are the children's logs").isEmpty();
    }

    @Test
    void standardOutputRedirectedToAFileIsTheMainLogOnlyWhenNoLogFileComesAfterIt(@TempDir Path dir)
            throws Exception {
        Path config = Files.writeString(dir.resolve("supervisord.conf"), "[supervisord]\n");
        Path out = dir.resolve("supervisord.out");
        Path log = dir.resolve("supervisord.log");
        assertThat(mainLogOf(out, config, log.toString(), "socket")).as("nodaemon, its output redirected")
                .contains(log.toRealPath());
        assertThat(mainLogOf(out, config, "socket")).as("logfile=syslog: the output is all there is")
                .contains(out.toRealPath());
    }

    /**
     * The main log found in a Python process that opens {@code read} for reading, then in order each of
     * {@code opens}: a path for appending, or a socket.
     */
    private static Optional<Path> mainLogOf(Path read, String... opens) throws Exception {
        return mainLogOf(null, read, opens);
    }

    /** As above, with standard output appended to {@code stdout} (null: a pipe), which then says when all is open. */
    private static Optional<Path> mainLogOf(Path stdout, Path read, String... opens) throws Exception {
        List<String> command = new ArrayList<>(List.of("python3", "-c", String.join("\n",
                "import socket, sys",
                "files = [open(sys.argv[1])]",
                "files += [socket.socket() if what == 'socket' else open(what, 'a') for what in sys.argv[2:]]",
                "print('open', flush=True)",
                "sys.stdin.read()"), read.toString()));
        command.addAll(List.of(opens));
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT);
        if (stdout != null) {
            builder.redirectOutput(ProcessBuilder.Redirect.appendTo(stdout.toFile()));
        }
        Process holder = builder.start();
        try {
            if (stdout == null) {
                assertThat(new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8))
                        .readLine()).isEqualTo("open");
            } else {
                await("the files open").atMost(Duration.ofSeconds(10))
                        .until(() -> Files.exists(stdout) && Files.readString(stdout).contains("open"));
            }
            return SupervisordWaker.mainLog(Path.of("/proc", Long.toString(holder.pid())));
        } finally {
            holder.destroyForcibly().waitFor();
        }
    }

    /** The stand-in supervisord's list of children, as the waker reads it. */
    private Path childrenOfParent() {
        return Path.of("/proc", Long.toString(parent.pid()), "task", Long.toString(parent.pid()), "children");
    }

    private void startParent() throws IOException {
        parent = new ProcessBuilder("python3", "-c", PARENT).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        commands = new java.io.OutputStreamWriter(parent.getOutputStream(), StandardCharsets.UTF_8);
        answers = new BufferedReader(new InputStreamReader(parent.getInputStream(), StandardCharsets.UTF_8));
    }

    private String send(String command) throws IOException {
        commands.write(command + "\n");
        commands.flush();
        return answers.readLine();
    }
}
