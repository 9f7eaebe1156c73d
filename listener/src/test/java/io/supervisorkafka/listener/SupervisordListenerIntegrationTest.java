package io.supervisorkafka.listener;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.supervisorkafka.listener.testing.ListenerKafka;
import io.supervisorkafka.listener.testing.ListenerProcess;
import io.supervisorkafka.schemas.Json;
import io.supervisorkafka.schemas.ListenerMetrics;
import io.supervisorkafka.schemas.ProcessExit;
import io.supervisorkafka.schemas.SupervisorEvent;
import io.supervisorkafka.schemas.SupervisorSnapshot;
import io.supervisorkafka.schemas.Topics;
import io.supervisorkafka.testkit.ChildProcess;
import io.supervisorkafka.testkit.SchemaValidator;
import io.supervisorkafka.testkit.Supervisord;
import io.supervisorkafka.testkit.TopicCollector;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The listener as supervisord 4.2.5 runs it (its own JVM, from the test classpath), against a real broker: why
 * processes exited, the events supervisord discarded, and the default spool of two supervisord on one host. Each test
 * uses its own server id, the records' key.
 */
class SupervisordListenerIntegrationTest {
    private static final Duration PATIENCE = Duration.ofSeconds(90);

    @RegisterExtension
    static final ListenerKafka KAFKA = new ListenerKafka();

    @TempDir
    Path dir;

    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
    }

    /** The {@code [eventlistener:kafka]} section running the listener with these arguments after the broker's. */
    private static String listenerSection(String events, int bufferSize, Path stderr, String environment,
                                          String... args) {
        List<String> all = new ArrayList<>(List.of("--bootstrap-servers", KAFKA.bootstrapServers()));
        all.addAll(List.of(args));
        return """
                [eventlistener:kafka]
                command=%s
                events=%s
                buffer_size=%d
                autorestart=true
                stdout_logfile=NONE
                stderr_logfile=%s
                %s
                """.formatted(String.join(" ", ListenerProcess.command(all)), events, bufferSize, stderr,
                environment == null ? "" : "environment=" + environment);
    }

    private Supervisord supervisord(Path where, String sections) throws IOException {
        Supervisord supervisord = Supervisord.start(where, "itest-" + where.getFileName(), sections);
        toClose.add(supervisord);
        return supervisord;
    }

    private static <T> List<T> records(String topic, String key, Class<T> type) {
        return TopicCollector.readToEnd(KAFKA.bootstrapServers(), topic, key).stream().map(record -> {
            SchemaValidator.assertValid(topic, record.value());
            try {
                return Json.MAPPER.readValue(record.value(), type);
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        }).toList();
    }

    private static List<ProcessExit> exits(String server, String name) {
        return records(Topics.PROCESS_EXITS, server, ProcessExit.class).stream()
                .filter(exit -> exit.name().equals(name)).toList();
    }

    @Test
    void aProgramThatExitsThreeAtOnceGoesFatalWithItsStatusAndItsStderrLineInTheRecord() throws Exception {
        Path listenerLog = dir.resolve("listener.err");
        Supervisord supervisord = supervisord(dir.resolve("sv"), """
                [program:crasher]
                command=sh -c "echo 'ImportError: no module named flask' >&2; exit 3"
                startsecs=1
                startretries=2

                """ + listenerSection("PROCESS_STATE", 100, listenerLog, null, "--server-id", "exits-1",
                "--spool-dir", dir.resolve("spool").toString(), "--snapshot-interval", "1h"));

        ProcessExit fatal = await("the FATAL record of crasher").atMost(PATIENCE).pollInterval(Duration.ofSeconds(1))
                .until(() -> exits("exits-1", "crasher").stream().filter(e -> e.toState().equals("FATAL"))
                        .findFirst().orElse(null), exit -> exit != null);
        assertThat(supervisord.status()).containsEntry("crasher:crasher", "FATAL");
        assertThat(fatal.error()).isNull();
        assertThat(fatal.exitStatus()).isEqualTo(3);
        assertThat(fatal.signal()).isNull();
        assertThat(fatal.expected()).isFalse();
        assertThat(fatal.pid()).isPositive();
        assertThat(fatal.runSeconds()).isNotNegative();
        assertThat(fatal.outputStream()).isEqualTo("stderr");
        assertThat(fatal.lastOutputLine()).isEqualTo("ImportError: no module named flask");
        assertThat(fatal.group()).isEqualTo("crasher");
        assertThat(fatal.fromState()).isEqualTo("BACKOFF");
        // Every try before it exited 3 too: BACKOFF (or EXITED when supervisord reaped it after startsecs).
        List<ProcessExit> all = exits("exits-1", "crasher");
        assertThat(all).filteredOn(e -> !e.toState().equals("FATAL")).isNotEmpty()
                .allSatisfy(e -> assertThat(e.toState()).isIn("BACKOFF", "EXITED"))
                .filteredOn(e -> e.error() == null).allSatisfy(e -> assertThat(e.exitStatus()).isEqualTo(3));
        // Each record follows its event: same server, instance and serial, the event published first.
        await("the event of each record").atMost(PATIENCE).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            List<SupervisorEvent> events = records(Topics.EVENTS, "exits-1", SupervisorEvent.class);
            assertThat(all).allSatisfy(exit -> assertThat(events).anySatisfy(event -> {
                assertThat(event.eventId()).isEqualTo(exit.eventId());
                assertThat(event.eventName()).isEqualTo("PROCESS_STATE_" + exit.toState());
            }));
        });
        assertThat(Files.readString(listenerLog)).doesNotContain("ERROR");
        all.forEach(exit -> System.err.printf("%s record of crasher: context fetched %d ms after the listener read"
                + " the event%n", exit.toState(), exit.fetchedAt() - exit.observedAt()));
        System.err.println(new String(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(fatal),
                java.nio.charset.StandardCharsets.UTF_8));
    }

    @Test
    void kill9OfARunningProgramIsTheSignalEvenWhenItIsRestartedAtOnce() throws Exception {
        Supervisord supervisord = supervisord(dir.resolve("sv"), """
                [program:sleeper]
                command=sh -c "echo started >&2; exec sleep 1000"
                startsecs=1
                autorestart=true

                """ + listenerSection("PROCESS_STATE", 100, dir.resolve("listener.err"), null, "--server-id",
                "exits-2", "--spool-dir", dir.resolve("spool").toString(), "--snapshot-interval", "1h"));
        await("sleeper RUNNING").atMost(PATIENCE).until(() -> "RUNNING".equals(supervisord.status()
                .get("sleeper:sleeper")));
        long pid = supervisord.pidOf("sleeper");
        assertThat(ProcessHandle.of(pid).orElseThrow().destroyForcibly()).isTrue();

        ProcessExit killed = await("the EXITED record of sleeper").atMost(PATIENCE)
                .pollInterval(Duration.ofSeconds(1)).until(() -> exits("exits-2", "sleeper").stream()
                        .filter(e -> e.toState().equals("EXITED")).findFirst().orElse(null), exit -> exit != null);
        assertThat(killed.error()).isNull();
        assertThat(killed.signal()).isEqualTo("SIGKILL");
        assertThat(killed.exitStatus()).isNull();
        assertThat(killed.expected()).isFalse();
        assertThat(killed.pid()).isEqualTo(pid);
        assertThat(killed.fromState()).isEqualTo("RUNNING");
        assertThat(killed.runSeconds()).isPositive();
        assertThat(killed.lastOutputLine()).isEqualTo("started");
        System.err.printf("exit context of a kill -9: fetched %d ms after the listener read the event%n",
                killed.fetchedAt() - killed.observedAt());
    }

    @Test
    void eventsDiscardedWhileTheListenerIsStoppedAreCountedAndASnapshotFollows() throws Exception {
        Path listenerLog = dir.resolve("listener.err");
        // supervisord's default buffer is 10; 3 overflows sooner. A snapshot only at start: the next one is the
        // one the loss makes.
        Supervisord supervisord = supervisord(dir.resolve("sv"), listenerSection("REMOTE_COMMUNICATION", 3,
                listenerLog, null, "--server-id", "lost-1", "--spool-dir", dir.resolve("spool").toString(),
                "--snapshot-interval", "1h"));
        // A first event, read and stored: the serial the gap is counted from.
        supervisord.sendRemoteCommEvents(1);
        await("the first event in Kafka").atMost(PATIENCE).pollInterval(Duration.ofMillis(500))
                .until(() -> records(Topics.EVENTS, "lost-1", SupervisorEvent.class).size() == 1);
        await("the start's snapshot").atMost(PATIENCE).pollInterval(Duration.ofMillis(500))
                .until(() -> records(Topics.SNAPSHOTS, "lost-1", SupervisorSnapshot.class).size() == 1);

        long listenerPid = supervisord.pidOf("kafka");
        signal("STOP", listenerPid);
        int sent = 25;
        supervisord.sendRemoteCommEvents(sent);
        long discarded = Files.readAllLines(supervisord.dir().resolve("supervisord.log")).stream()
                .filter(line -> line.contains("pool kafka event buffer overflowed, discarding event")).count();
        long resumedAt = System.currentTimeMillis();
        signal("CONT", listenerPid);

        assertThat(discarded).isPositive();
        ListenerMetrics counted = await("a metrics record counting the lost events").atMost(PATIENCE)
                .pollInterval(Duration.ofMillis(500)).until(() -> records(Topics.LISTENER_METRICS, "lost-1",
                        ListenerMetrics.class).stream().filter(m -> m.eventsLost() != null && m.eventsLost() > 0)
                        .findFirst().orElse(null), metrics -> metrics != null);
        assertThat(counted.eventsLost()).as("the lines 'discarding event' in supervisord's log").isEqualTo(discarded);
        List<SupervisorEvent> events = await("every event not discarded").atMost(PATIENCE)
                .pollInterval(Duration.ofMillis(500)).until(() -> records(Topics.EVENTS, "lost-1",
                        SupervisorEvent.class), list -> list.size() == 1 + sent - discarded);
        assertThat(events).extracting(SupervisorEvent::poolSerial).doesNotHaveDuplicates();
        SupervisorSnapshot fresh = await("a snapshot after the loss").atMost(PATIENCE)
                .pollInterval(Duration.ofMillis(200)).until(() -> records(Topics.SNAPSHOTS, "lost-1",
                        SupervisorSnapshot.class), list -> list.size() >= 2).get(1);
        assertThat(fresh.ok()).isTrue();
        assertThat(fresh.observedAt()).isGreaterThanOrEqualTo(resumedAt);
        System.err.printf("%d of %d events discarded (buffer_size=3); the snapshot after SIGCONT started %d ms"
                + " after it%n", discarded, sent, fresh.observedAt() - resumedAt);
        assertThat(Files.readString(listenerLog)).contains("supervisord discarded " + discarded + " event(s) of pool"
                + " kafka");
    }

    @Test
    void twoSupervisordOnOneHostEachHaveADefaultSpoolOfTheirOwn() throws Exception {
        Path root = dir.resolve("spool-root");
        String environment = "SUPERVISOR_KAFKA_SPOOL_DIR=\"" + root + "\"";
        Supervisord first = supervisord(dir.resolve("sv-a"), listenerSection("PROCESS_STATE", 100,
                dir.resolve("a.err"), environment, "--server-id", "spool-a", "--snapshot-interval", "1h")
                + "\n[program:a]\ncommand=sleep 1000\nstartsecs=0\n");
        Supervisord second = supervisord(dir.resolve("sv-b"), listenerSection("PROCESS_STATE", 100,
                dir.resolve("b.err"), environment, "--server-id", "spool-b", "--snapshot-interval", "1h")
                + "\n[program:b]\ncommand=sleep 1000\nstartsecs=0\n");

        for (String server : List.of("spool-a", "spool-b")) {
            String program = server.substring(server.length() - 1);
            await("events of " + server).atMost(PATIENCE).pollInterval(Duration.ofSeconds(1))
                    .until(() -> records(Topics.EVENTS, server, SupervisorEvent.class).stream().anyMatch(e ->
                            e.eventName().equals("PROCESS_STATE_RUNNING") && program.equals(e.fields()
                                    .get("processname"))));
        }
        assertThat(first.status()).containsEntry("kafka:kafka", "RUNNING");
        assertThat(second.status()).containsEntry("kafka:kafka", "RUNNING");
        List<Path> spools;
        try (Stream<Path> listed = Files.list(root)) {
            spools = listed.filter(Files::isDirectory).sorted().toList();
        }
        assertThat(spools).hasSize(2).allSatisfy(spool -> {
            assertThat(spool.getFileName().toString()).startsWith("kafka-");
            assertThat(spool.resolve("spool.lock")).exists();
        });
        assertThat(Files.readString(dir.resolve("a.err")) + Files.readString(dir.resolve("b.err")))
                .doesNotContain("in use by another listener");
    }

    private static void signal(String name, long pid) throws IOException {
        ChildProcess.Output output = ChildProcess.run(new ProcessBuilder("kill", "-" + name, Long.toString(pid)),
                Duration.ofSeconds(10));
        assertThat(output.exitCode()).as("kill -%s %d: %s", name, pid, output.text()).isZero();
    }
}
