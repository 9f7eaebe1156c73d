package io.supervisorkafka.listener.supervisor.xmlrpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.supervisorkafka.listener.ServerIdentity;
import io.supervisorkafka.testkit.Supervisord;
import io.supervisorkafka.schemas.JsonSerde;
import io.supervisorkafka.testkit.SchemaValidator;
import io.supervisorkafka.schemas.SupervisorSnapshot;
import io.supervisorkafka.schemas.Topics;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SnapshotCollectorTest {
    private static final String PASSWORD = "s3cret-Pa55word";
    private static final String PROGRAMS = """
            [program:sleeper]
            command=/bin/sleep 1000
            startsecs=0

            [program:idle]
            command=/bin/sleep 1000
            autostart=false
            """;

    @TempDir
    Path dir;

    private Supervisord supervisord;
    private SnapshotCollector collector;
    private final List<AutoCloseable> toClose = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() throws Exception {
        if (collector != null) {
            collector.close();
        }
        for (AutoCloseable closeable : toClose) {
            closeable.close();
        }
        if (supervisord != null) {
            supervisord.close();
        }
    }

    private SnapshotCollector collector(String url, Credentials credentials, Duration timeout,
                                        ServerIdentity identity) {
        SupervisorEndpoint.Parsed parsed = SupervisorEndpoint.parse(url);
        collector = new SnapshotCollector(new SupervisorSourceConfig(parsed.endpoint(),
                credentials != null ? credentials : parsed.credentials(), Duration.ofSeconds(30), timeout, Duration.ZERO),
                identity, snapshot -> { }, Clock.systemUTC());
        return collector;
    }

    private static void assertValid(SupervisorSnapshot snapshot) {
        SchemaValidator.assertValid(Topics.SNAPSHOTS, snapshot);
    }

    @Test
    void takesASnapshotOverTheUnixSocket() throws IOException {
        supervisord = Supervisord.start(dir, "test-ident", null, null, PROGRAMS);
        SnapshotCollector collector = collector(supervisord.unixUrl(), null, Duration.ofSeconds(5),
                new ServerIdentity("web-1", false));

        long before = System.currentTimeMillis();
        SupervisorSnapshot snapshot = await().atMost(Duration.ofSeconds(20)).until(collector::collect,
                s -> s.ok() && s.processes().stream().anyMatch(p -> p.name().equals("sleeper")
                        && p.state().equals("RUNNING")));

        assertValid(snapshot);
        assertThat(snapshot.server()).isEqualTo("web-1");
        assertThat(snapshot.identification()).isEqualTo("test-ident");
        assertThat(snapshot.endpoint()).isEqualTo(supervisord.unixUrl());
        assertThat(snapshot.observedAt()).isGreaterThanOrEqualTo(before);
        assertThat(snapshot.error()).isNull();
        assertThat(snapshot.supervisor().state()).isEqualTo("RUNNING");
        assertThat(snapshot.supervisor().stateCode()).isEqualTo(1);
        assertThat(snapshot.supervisor().version()).isEqualTo("4.2.5");
        assertThat(snapshot.supervisor().pid()).isEqualTo(supervisord.pid());
        assertThat(snapshot.processes()).hasSize(2);
        SupervisorSnapshot.ProcessInfo sleeper = snapshot.processes().stream()
                .filter(p -> p.name().equals("sleeper")).findFirst().orElseThrow();
        assertThat(sleeper.group()).isEqualTo("sleeper");
        assertThat(sleeper.stateCode()).isEqualTo(20);
        assertThat(sleeper.pid()).isPositive();
        assertThat(sleeper.start()).isPositive();
        assertThat(sleeper.now()).isGreaterThanOrEqualTo(sleeper.start());
        assertThat(sleeper.spawnErr()).isNull();
        SupervisorSnapshot.ProcessInfo idle = snapshot.processes().stream()
                .filter(p -> p.name().equals("idle")).findFirst().orElseThrow();
        assertThat(idle.state()).isEqualTo("STOPPED");
        assertThat(idle.pid()).isZero();
    }

    @Test
    void serverIdCanBeSupervisordsIdentification() throws IOException {
        supervisord = Supervisord.start(dir, "cluster-a-web-7", null, null, PROGRAMS);
        ServerIdentity identity = new ServerIdentity("host-name", true);
        SnapshotCollector collector = collector(supervisord.unixUrl(), null, Duration.ofSeconds(5), identity);
        SupervisorSnapshot snapshot = await().atMost(Duration.ofSeconds(20)).until(collector::collect,
                SupervisorSnapshot::ok);
        assertThat(snapshot.server()).isEqualTo("cluster-a-web-7");
        assertThat(identity.current()).isEqualTo("cluster-a-web-7");
    }

    @Test
    void takesASnapshotOverHttpWithBasicAuth() throws IOException {
        supervisord = Supervisord.start(dir, "http-ident", "kafka", PASSWORD, PROGRAMS);
        SnapshotCollector collector = collector(supervisord.httpUrl(), new Credentials("kafka", PASSWORD),
                Duration.ofSeconds(5), new ServerIdentity("web-1", false));

        SupervisorSnapshot snapshot = await().atMost(Duration.ofSeconds(20)).until(collector::collect,
                SupervisorSnapshot::ok);

        assertValid(snapshot);
        assertThat(snapshot.identification()).isEqualTo("http-ident");
        assertThat(snapshot.endpoint()).isEqualTo(supervisord.httpUrl() + "/RPC2");
        assertThat(snapshot.processes()).extracting(SupervisorSnapshot.ProcessInfo::name)
                .containsExactlyInAnyOrder("sleeper", "idle");
    }

    @Test
    void credentialsInTheUrlWorkAndNeverShow() throws IOException {
        supervisord = Supervisord.start(dir, "http-ident", "kafka", PASSWORD, PROGRAMS);
        String url = supervisord.httpUrl().replace("http://", "http://kafka:" + PASSWORD + "@");
        SnapshotCollector collector = collector(url, null, Duration.ofSeconds(5), new ServerIdentity("web-1", false));
        SupervisorSnapshot snapshot = await().atMost(Duration.ofSeconds(20)).until(collector::collect,
                SupervisorSnapshot::ok);
        assertThat(snapshot.endpoint()).isEqualTo(supervisord.httpUrl() + "/RPC2").doesNotContain(PASSWORD);
    }

    @Test
    void wrongPasswordIsAFailedSnapshotThatDoesNotLeakIt() throws IOException {
        supervisord = Supervisord.start(dir, "http-ident", "kafka", PASSWORD, PROGRAMS);
        String wrong = "not-the-Pa55word";
        SnapshotCollector collector = collector(supervisord.httpUrl(), new Credentials("kafka", wrong),
                Duration.ofSeconds(5), new ServerIdentity("web-1", false));

        SupervisorSnapshot snapshot = collector.collect();

        assertValid(snapshot);
        assertThat(snapshot.ok()).isFalse();
        assertThat(snapshot.error()).contains("401").contains("supervisor.getState");
        assertThat(snapshot.supervisor()).isNull();
        assertThat(snapshot.processes()).isEmpty();
        String json = new String(JsonSerde.of(SupervisorSnapshot.class).serialize(Topics.SNAPSHOTS, snapshot),
                StandardCharsets.UTF_8);
        assertThat(json).doesNotContain(wrong).doesNotContain(PASSWORD).doesNotContain("a2Fma2");
        assertThat(new Credentials("kafka", wrong).toString()).doesNotContain(wrong);
    }

    @Test
    void unreachableSocketIsAFailedSnapshot() {
        SnapshotCollector collector = collector("unix://" + dir.resolve("absent.sock"), null, Duration.ofSeconds(2),
                new ServerIdentity("web-1", false));
        SupervisorSnapshot snapshot = collector.collect();
        assertValid(snapshot);
        assertThat(snapshot.error()).contains("cannot connect").contains("absent.sock");
        assertThat(collector.failed()).isEqualTo(1);
    }

    @Test
    void anUnresolvableHostIsAFailedSnapshotThatSaysSo() {
        // .invalid never resolves (RFC 2606).
        SnapshotCollector collector = collector("http://no-such-host.invalid:9001/RPC2", null, Duration.ofSeconds(2),
                new ServerIdentity("web-1", false));
        SupervisorSnapshot snapshot = collector.collect();
        assertValid(snapshot);
        assertThat(snapshot.error()).startsWith("supervisor.getState: cannot resolve the host of"
                + " http://no-such-host.invalid:9001");
        assertThat(collector.failed()).isEqualTo(1);
    }

    @Test
    void aServerThatAcceptsAndNeverAnswersTimesOut() throws IOException {
        ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        List<Socket> accepted = new CopyOnWriteArrayList<>();
        Thread acceptor = acceptForever(server, socket -> accepted.add(socket));
        toClose.add(() -> stopServer(server, acceptor, accepted));
        SnapshotCollector collector = collector("http://127.0.0.1:" + server.getLocalPort(), null,
                Duration.ofMillis(1000), new ServerIdentity("web-1", false));

        long started = System.nanoTime();
        SupervisorSnapshot snapshot = collector.collect();
        long tookMs = (System.nanoTime() - started) / 1_000_000;

        assertValid(snapshot);
        assertThat(snapshot.ok()).isFalse();
        assertThat(snapshot.error()).contains("timed out").contains("supervisor.getState");
        assertThat(snapshot.durationMs()).isBetween(900L, 4000L);
        assertThat(tookMs).isLessThan(4000);
        assertThat(accepted).isNotEmpty();
    }

    @Test
    void aServerThatNeverFinishesItsResponseTimesOut() throws IOException {
        ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        List<Socket> accepted = new CopyOnWriteArrayList<>();
        Thread acceptor = acceptForever(server, socket -> {
            accepted.add(socket);
            Thread trickle = new Thread(() -> {
                try {
                    OutputStream out = socket.getOutputStream();
                    out.write("HTTP/1.0 200 OK\r\nContent-Length: 100000\r\n\r\n<?xml".getBytes(
                            StandardCharsets.US_ASCII));
                    while (!socket.isClosed()) {
                        out.write(' '); // a byte now and then: a per-read timeout would never fire
                        out.flush();
                        Thread.sleep(50); // pacing of the misbehaving server, not test synchronisation
                    }
                } catch (IOException | InterruptedException e) {
                    // the test closed the socket
                }
            }, "trickling-server");
            trickle.setDaemon(true);
            trickle.start();
        });
        toClose.add(() -> stopServer(server, acceptor, accepted));
        SnapshotCollector collector = collector("http://127.0.0.1:" + server.getLocalPort(), null,
                Duration.ofMillis(1000), new ServerIdentity("web-1", false));

        SupervisorSnapshot snapshot = collector.collect();

        assertThat(snapshot.ok()).isFalse();
        assertThat(snapshot.error()).contains("timed out").contains("reading the response");
        assertThat(snapshot.durationMs()).isBetween(900L, 4000L);
    }

    @Test
    void publishesASnapshotAtStartAndEveryInterval() throws IOException {
        supervisord = Supervisord.start(dir, "test-ident", null, null, PROGRAMS);
        List<SupervisorSnapshot> published = new CopyOnWriteArrayList<>();
        collector = new SnapshotCollector(new SupervisorSourceConfig(SupervisorEndpoint.parse(supervisord.unixUrl())
                .endpoint(), null, Duration.ofMillis(200), Duration.ofSeconds(5), Duration.ZERO),
                new ServerIdentity("web-1", false), published::add, Clock.systemUTC());
        collector.start();
        await().atMost(Duration.ofSeconds(20)).until(() -> published.size() >= 3);
        collector.close();
        int after = published.size();
        assertThat(published).allSatisfy(SnapshotCollectorTest::assertValid);
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2)).until(() -> published.size() == after);
    }

    private interface SocketHandler {
        void accept(Socket socket);
    }

    private static Thread acceptForever(ServerSocket server, SocketHandler handler) {
        Thread thread = new Thread(() -> {
            while (!server.isClosed()) {
                try {
                    handler.accept(server.accept());
                } catch (IOException e) {
                    return;
                }
            }
        }, "stalling-server");
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    private static void stopServer(ServerSocket server, Thread acceptor, List<Socket> accepted) throws Exception {
        server.close();
        for (Socket socket : accepted) {
            socket.close();
        }
        acceptor.join(5000);
    }
}
