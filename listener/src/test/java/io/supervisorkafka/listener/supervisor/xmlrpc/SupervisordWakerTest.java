package io.supervisorkafka.listener.supervisor.xmlrpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The waker against a real process tree: a Python parent standing in for supervisord (the waker only reads procfs),
 * which spawns, and reaps only when told to, {@code sleep} children.
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
        parent = new ProcessBuilder("python3", "-c", PARENT).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        commands = new java.io.OutputStreamWriter(parent.getOutputStream(), StandardCharsets.UTF_8);
        answers = new BufferedReader(new InputStreamReader(parent.getInputStream(), StandardCharsets.UTF_8));
        long child = Long.parseLong(send("spawn"));
        Path children = Path.of("/proc", Long.toString(parent.pid()), "task", Long.toString(parent.pid()),
                "children");
        waker = new SupervisordWaker(children, Duration.ofMillis(10), () -> true).start();

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

    private String send(String command) throws IOException {
        commands.write(command + "\n");
        commands.flush();
        return answers.readLine();
    }
}
