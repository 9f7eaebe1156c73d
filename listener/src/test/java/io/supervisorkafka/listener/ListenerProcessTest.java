package io.supervisorkafka.listener;

import static io.supervisorkafka.listener.testing.TestEvents.acknowledgements;
import static io.supervisorkafka.listener.testing.TestEvents.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.supervisorkafka.listener.spool.Spool;
import io.supervisorkafka.listener.spool.SpoolConfig;
import io.supervisorkafka.listener.spool.SpoolEntry;
import io.supervisorkafka.listener.spool.SpoolFullPolicy;
import io.supervisorkafka.listener.spool.SpoolReader;
import io.supervisorkafka.listener.supervisor.protocol.EventDecoder;
import io.supervisorkafka.listener.testing.ListenerProcess;
import io.supervisorkafka.schemas.SupervisorEvent;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ListenerMain in its own JVM with piped stdin/stdout, as supervisord runs it. No Kafka broker is reachable. */
class ListenerProcessTest {
    @TempDir
    Path dir;

    private ListenerProcess listener;

    @AfterEach
    void stop() throws InterruptedException {
        if (listener != null) {
            listener.close();
        }
    }

    private ListenerProcess start(String... extra) throws IOException {
        List<String> args = new ArrayList<>(List.of("--bootstrap-servers", ListenerProcess.unreachableBroker(), "--server-id",
                "proc-1", "--spool-dir", dir.resolve("spool").toString(), "--snapshot-interval", "0s"));
        args.addAll(List.of(extra));
        listener = ListenerProcess.start(dir.resolve("stderr.txt"), args);
        return listener;
    }

    private static String log(int i) {
        return "processname:app groupname:app pid:7\nline " + i + ": héllo 😀 日本 " + "é".repeat(i) + "\n";
    }

    @Test
    void acknowledgesOnlyAfterSpoolingSoKill9LosesNothingAcknowledged() throws Exception {
        ListenerProcess listener = start("--fsync-interval", "1h"); // nothing fsynced: the page cache must suffice
        await().atMost(Duration.ofSeconds(30)).until(() -> listener.stdout().equals("READY\n"));
        System.err.println("listener READY " + listener.millisToFirstByte() + " ms after JVM start (test classpath)");

        int events = 25;
        for (int i = 0; i < events; i++) {
            listener.write(event("web-1", i, "PROCESS_LOG_STDOUT", log(i)));
            int acknowledged = i + 1;
            await().atMost(Duration.ofSeconds(10)).until(() -> listener.stdout().equals(acknowledgements(acknowledged)));
        }
        listener.kill9();

        assertThat(listener.stdout()).isEqualTo(acknowledgements(events));
        List<SupervisorEvent> spooled = new ArrayList<>();
        try (Spool spool = Spool.open(new SpoolConfig(dir.resolve("spool"), SpoolConfig.DEFAULT_MAX_BYTES,
                SpoolConfig.defaultSegmentBytes(SpoolConfig.DEFAULT_MAX_BYTES), SpoolFullPolicy.DROP_OLDEST,
                Duration.ofSeconds(1)));
             SpoolReader reader = spool.reader(spool.checkpoint())) {
            for (SpoolReader.Entry e = reader.next(); e != null; e = reader.next()) {
                spooled.add(EventDecoder.decode((SpoolEntry.RawEvent) e.decode()));
            }
        }
        assertThat(spooled).hasSize(events);
        for (int i = 0; i < events; i++) {
            assertThat(spooled.get(i).serial()).isEqualTo(i);
            assertThat(spooled.get(i).server()).isEqualTo("proc-1");
            assertThat(spooled.get(i).data()).isEqualTo(log(i).substring(log(i).indexOf('\n') + 1));
            assertThat(spooled.get(i).instance()).isEqualTo(ProcessHandle.current().pid() + "-"
                    + ProcessHandle.current().info().startInstant().orElseThrow().toEpochMilli());
        }
    }

    @Test
    void stdinClosedExitsCleanlyWithOnlyProtocolBytesOnStdout() throws Exception {
        ListenerProcess listener = start("--config", writeConfig("listener.shutdown.grace=200ms\n").toString());
        listener.write(event("web-1", 0, "TICK_5", "when:1795307165"));
        await().atMost(Duration.ofSeconds(30)).until(() -> listener.stdout().equals(acknowledgements(1)));
        listener.closeStdin();

        assertThat(listener.waitForExit(30)).isZero();
        assertThat(listener.stdout()).isEqualTo(acknowledgements(1));
        assertThat(listener.stderr()).contains("stdin closed").contains("1 events acknowledged");
    }

    @Test
    void brokenProtocolExitsNonZeroWithoutWritingToStdout() throws Exception {
        ListenerProcess listener = start();
        await().atMost(Duration.ofSeconds(30)).until(() -> listener.stdout().equals("READY\n"));
        listener.write("ver:3.0 server:web-1 serial:1 pool:kafka poolserial:1 eventname:TICK_5\nwhen:1"
                .getBytes(StandardCharsets.US_ASCII));

        assertThat(listener.waitForExit(30)).isEqualTo(Listener.EXIT_PROTOCOL_ERROR);
        assertThat(listener.stdout()).isEqualTo("READY\n");
        assertThat(listener.stderr()).contains("protocol broken").contains("no len");
    }

    @Test
    void helpAndUsageErrorsGoToStderr() throws Exception {
        ListenerProcess help = ListenerProcess.start(dir.resolve("help.txt"), List.of("--help"));
        listener = help;
        assertThat(help.waitForExit(30)).isZero();
        assertThat(help.stdout()).isEmpty();
        assertThat(help.stderr()).contains("--spool-full-policy").contains("--server-id-from-identification");
        help.close();

        ListenerProcess bad = ListenerProcess.start(dir.resolve("bad.txt"),
                List.of("--bootstrap-servers", "k:9092", "--spool-full-policy", "wait"));
        listener = bad;
        assertThat(bad.waitForExit(30)).isEqualTo(2);
        assertThat(bad.stdout()).isEmpty();
        assertThat(bad.stderr()).contains("drop-oldest or block");
    }

    @Test
    void aBadOptionIsOneLineAndLeavesNoSpoolDirectoryBehind() throws Exception {
        Path given = dir.resolve("given/spool");
        assertThat(exitAndStderr(List.of("--bootstrap-servers", "k:9092", "--spool-dir", given.toString(),
                "--snapshot-interval", "5x"), Map.of()))
                .isEqualTo("2:supervisor-kafka-listener: --snapshot-interval: '5x' is not a duration; write e.g."
                        + " 500ms, 30s, 5m, 1h or PT30S\n");
        assertThat(dir.resolve("given")).doesNotExist();

        // The directory of the environment (or the default) is the one probed, and so created, when valid.
        Path fromEnv = dir.resolve("env/spool");
        assertThat(exitAndStderr(List.of("--spool-dir-typo", "x"), Map.of("SUPERVISOR_KAFKA_SPOOL_DIR",
                fromEnv.toString()))).startsWith("2:supervisor-kafka-listener: Unknown options: '--spool-dir-typo'")
                .endsWith("(see --help)\n").hasLineCount(1);
        assertThat(exitAndStderr(List.of("--server-id", "proc-1"), Map.of("SUPERVISOR_KAFKA_SPOOL_DIR",
                fromEnv.toString()))).isEqualTo("2:supervisor-kafka-listener: no Kafka bootstrap servers: give"
                + " --bootstrap-servers or bootstrap.servers in the config file\n");
        assertThat(exitAndStderr(List.of("--bootstrap-servers", "k:9092", "--config",
                dir.resolve("absent.properties").toString()), Map.of("SUPERVISOR_KAFKA_SPOOL_DIR",
                fromEnv.toString()))).isEqualTo("2:supervisor-kafka-listener: cannot read --config "
                + dir.resolve("absent.properties") + ": no such file\n");
        assertThat(dir.resolve("env")).doesNotExist();
    }

    /** Runs the listener with these arguments and environment until it exits: "exit code:stderr". */
    private String exitAndStderr(List<String> args, Map<String, String> environment) throws Exception {
        Path stderr = Files.createTempFile(dir, "stderr", ".txt");
        ProcessBuilder builder = new ProcessBuilder(ListenerProcess.command(args)).redirectError(stderr.toFile())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectInput(ProcessBuilder.Redirect.PIPE);
        builder.environment().remove("SUPERVISOR_SERVER_URL");
        builder.environment().putAll(environment);
        Process process = builder.start();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("exits").isTrue();
        return process.exitValue() + ":" + Files.readString(stderr, StandardCharsets.UTF_8);
    }

    @Test
    void withoutTheEventListenerAndWithoutASourceItRefusesToStart() throws Exception {
        assertThat(start("--no-eventlistener").waitForExit(30)).as("a configuration error").isEqualTo(2);
        assertThat(listener.stdout()).isEmpty();
        assertThat(listener.stderr()).contains("--no-eventlistener with no source to run");
    }

    @Test
    void theProtocolLoopAloneRunsInTheRealTimeClassWherePermittedElseOneWarning() throws Exception {
        ListenerProcess listener = start();
        await().atMost(Duration.ofSeconds(30)).until(() -> listener.stdout().equals("READY\n"));
        long pid = listener.process().pid();
        if (ThreadScheduling.mayUseRealTime()) {
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(ThreadScheduling.of(pid))
                    .filteredOn(thread -> thread.policy() != ThreadScheduling.SCHED_OTHER)
                    .containsExactly(new ThreadScheduling(ProtocolThread.NAME, ThreadScheduling.SCHED_FIFO, 1, 0)));
            assertThat(listener.stderr()).contains("protocol loop's thread").contains("runs at SCHED_FIFO priority 1");
        } else {
            await().atMost(Duration.ofSeconds(10)).until(() -> listener.stderr().contains(
                    "cannot put the protocol loop's thread at SCHED_FIFO priority 1"));
            assertThat(ThreadScheduling.of(pid)).allMatch(thread -> thread.policy() == ThreadScheduling.SCHED_OTHER);
        }
        // The loop answers in its class as before.
        listener.write(event("web-1", 0, "TICK_5", "when:1795307165"));
        await().atMost(Duration.ofSeconds(10)).until(() -> listener.stdout().equals(acknowledgements(1)));
    }

    @Test
    void aNiceValueOrNormalIsTheLoopsAlone() throws Exception {
        ListenerProcess niced = start("--protocol-priority", "nice:-5");
        await().atMost(Duration.ofSeconds(30)).until(() -> niced.stdout().equals("READY\n"));
        long pid = niced.process().pid();
        if (ThreadScheduling.mayRaise()) {
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(ThreadScheduling.of(pid))
                    .filteredOn(thread -> thread.nice() < 0)
                    .containsExactly(new ThreadScheduling(ProtocolThread.NAME, ThreadScheduling.SCHED_OTHER, 0, -5)));
        } else {
            await().atMost(Duration.ofSeconds(10)).until(() -> niced.stderr().contains(
                    "cannot put the protocol loop's thread at nice -5"));
        }
        niced.close();

        ListenerProcess normal = start("--protocol-priority", "normal");
        await().atMost(Duration.ofSeconds(30)).until(() -> normal.stdout().equals("READY\n"));
        normal.write(event("web-1", 0, "TICK_5", "when:1795307165"));
        await().atMost(Duration.ofSeconds(10)).until(() -> normal.stdout().equals(acknowledgements(1)));
        assertThat(ThreadScheduling.of(normal.process().pid()))
                .contains(new ThreadScheduling(ProtocolThread.NAME, ThreadScheduling.SCHED_OTHER, 0, 0))
                .allMatch(thread -> thread.policy() == ThreadScheduling.SCHED_OTHER && thread.nice() >= 0);
        assertThat(normal.stderr()).doesNotContain("protocol loop's thread");
    }

    private Path writeConfig(String content) throws IOException {
        Path file = dir.resolve("listener.properties");
        java.nio.file.Files.writeString(file, content);
        return file;
    }
}
