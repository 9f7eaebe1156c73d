package io.supervisorkafka.listener.gunicorn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import io.supervisorkafka.testkit.ChildProcess;
import io.supervisorkafka.testkit.SchemaValidator;
import io.supervisorkafka.schemas.StatsdMetrics;
import io.supervisorkafka.schemas.Topics;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.newsclub.net.unix.AFUNIXDatagramChannel;
import org.newsclub.net.unix.AFUNIXSocketAddress;

/** The StatsD receiver on a unix datagram socket (AF_UNIX, SOCK_DGRAM), with real datagrams. */
class StatsdUnixSocketTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path dir;
    private final List<StatsdMetrics> published = new CopyOnWriteArrayList<>();
    private StatsdReceiver receiver;

    @AfterEach
    void stop() {
        if (receiver != null) {
            receiver.close();
        }
    }

    private StatsdReceiver start(String listen) throws IOException {
        receiver = StatsdReceiver.bind(listen, 200, () -> "web-1", published::add, Clock.systemUTC());
        receiver.start();
        return receiver;
    }

    /** Sends each datagram from an unbound junixsocket channel, as a StatsD client does. */
    private static void send(Path socket, String... datagrams) throws IOException {
        try (AFUNIXDatagramChannel client = AFUNIXDatagramChannel.open()) {
            AFUNIXSocketAddress to = AFUNIXSocketAddress.of(socket.toFile());
            for (String datagram : datagrams) {
                ByteBuffer bytes = ByteBuffer.wrap(datagram.getBytes(StandardCharsets.UTF_8));
                assertThat(client.send(bytes, to)).isEqualTo(bytes.limit());
            }
        }
    }

    private double sum(String app, String metric) {
        return published.stream().filter(r -> r.app().equals(app)).flatMap(r -> r.metrics().stream())
                .filter(m -> m.name().equals(metric)).mapToDouble(StatsdMetrics.Metric::value).sum();
    }

    @Test
    void receivesDatagramsOverAUnixSocketAsOverUdp() throws Exception {
        Path socket = dir.resolve("statsd.sock");
        start(socket.toString());
        assertThat(receiver.socketPath()).isEqualTo(socket);
        assertThat(receiver.port()).isEqualTo(-1);
        assertThat(UnixDatagramSockets.isSocket(socket)).isTrue();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socket))).isEqualTo("rw-rw----");

        // The reference capture (many lines in one datagram), a valid and a malformed line, an oversized datagram
        // (truncated by the kernel to the 64 KiB buffer: its last line is dropped), garbage, then a valid one.
        send(socket, StatsdParserTest.capture(), "api.gunicorn.requests:2|c\nbroken", "x".repeat(70_000),
                "\u0000\u00ff|||:::\n:1|c", "demo.gunicorn.requests:1|c\r\napi.gunicorn.requests:3|c");

        await().atMost(WAIT).until(() -> receiver.datagrams() == 5);
        await().atMost(WAIT).until(() -> sum("api", "gunicorn.requests") == 5.0);
        published.forEach(r -> SchemaValidator.assertValid(Topics.STATSD, r));
        assertThat(receiver.malformed()).isEqualTo(4);
        assertThat(sum("demo", "gunicorn.requests")).isEqualTo(7.0);
        await().atMost(WAIT).until(() -> published.stream()
                .mapToLong(r -> r.malformed() == null ? 0 : r.malformed()).sum() == 4);

        receiver.close();
        assertThat(receiver.receiving()).isFalse();
        assertThat(socket).doesNotExist();
    }

    @Test
    void receivesWhatPythonSendsTheWayGunicorn21Does() throws Exception {
        Path python = Path.of("/usr/bin/python3");
        assumeThat(Files.isExecutable(python)).as("Debian's python3").isTrue();
        Path socket = dir.resolve("gunicorn.sock");
        start("unix://" + socket);
        String script = String.join("\n",
                "import socket, sys",
                "path = sys.argv[1]",
                "s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)",
                "s.sendto(b'demo.gunicorn.requests:1|c', path)",
                "s.close()",
                // gunicorn 21's Statsd logger connects its socket, then sends.
                "c = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)",
                "c.connect(path)",
                "c.send(b'demo.gunicorn.requests:1|c\\ndemo.gunicorn.request.duration:12|ms\\nnot statsd')",
                "c.close()");
        ChildProcess.Output sent = ChildProcess.run(new ProcessBuilder(python.toString(), "-c", script,
                socket.toString()), Duration.ofSeconds(30));
        assertThat(sent.exitCode()).as(sent.text()).isZero();
        await().atMost(WAIT).until(() -> receiver.datagrams() == 2);
        await().atMost(WAIT).until(() -> sum("demo", "gunicorn.requests") == 2.0);
        assertThat(receiver.malformed()).isEqualTo(1);
        assertThat(published.stream().filter(r -> r.app().equals("demo")).flatMap(r -> r.metrics().stream())
                .map(StatsdMetrics.Metric::name)).contains("gunicorn.request.duration");
    }

    @Test
    void aStaleSocketFileIsReplaced() throws Exception {
        Path socket = dir.resolve("stale.sock");
        try (AFUNIXDatagramChannel previous = AFUNIXDatagramChannel.open()) {
            previous.setDeleteOnClose(false);
            previous.bind(AFUNIXSocketAddress.of(socket.toFile()));
        }
        assertThat(UnixDatagramSockets.isSocket(socket)).as("a stale socket left behind").isTrue();
        Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rwxrwxrwx"));
        // Nobody reads the stale socket: a sender is refused (ECONNREFUSED).
        assertThatThrownBy(() -> send(socket, "demo.gunicorn.requests:100|c")).isInstanceOf(IOException.class);

        start(socket.toString());
        assertThat(UnixDatagramSockets.isSocket(socket)).isTrue();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socket))).isEqualTo("rw-rw----");
        send(socket, "demo.gunicorn.requests:4|c");
        await().atMost(WAIT).until(() -> sum("demo", "gunicorn.requests") == 4.0);
    }

    @Test
    void closeDeletesTheSocketFileOnlyIfItIsStillItsOwn() throws Exception {
        Path socket = dir.resolve("shared.sock");
        StatsdReceiver first = StatsdReceiver.bind(socket.toString(), 200, () -> "web-1", r -> { },
                Clock.systemUTC());
        try (first) {
            first.start();
            start(socket.toString()); // a second listener replaces the file
        }
        assertThat(first.receiving()).isFalse();
        assertThat(socket).exists();
        send(socket, "demo.gunicorn.requests:1|c");
        await().atMost(WAIT).until(() -> receiver.datagrams() == 1);
        assertThat(first.datagrams()).isZero();
        receiver.close();
        assertThat(socket).doesNotExist();
    }

    @Test
    void somethingElseAtThePathIsNotReplaced() throws Exception {
        Path file = Files.writeString(dir.resolve("precious.txt"), "keep me");
        assertThatThrownBy(() -> start(file.toString())).isInstanceOf(IOException.class)
                .hasMessageContaining("not a socket");
        assertThat(file).hasContent("keep me");
        Path directory = Files.createDirectory(dir.resolve("a-dir"));
        assertThatThrownBy(() -> start(directory.toString())).hasMessageContaining("not a socket");
        assertThat(directory).isDirectory();
        assertThatThrownBy(() -> start(dir.resolve("missing/statsd.sock").toString()))
                .isInstanceOf(IOException.class).hasMessageContaining("statsd.sock");
        receiver = null;
    }

    @Test
    void unixAddressesAreRecognisedAndChecked() {
        assertThat(StatsdReceiver.isUnixPath("/run/statsd.sock")).isTrue();
        assertThat(StatsdReceiver.isUnixPath("unix:///run/statsd.sock")).isTrue();
        assertThat(StatsdReceiver.isUnixPath("./statsd.sock")).isTrue();
        assertThat(StatsdReceiver.isUnixPath("127.0.0.1:8125")).isFalse();
        assertThat(StatsdReceiver.isUnixPath("[::1]:8125")).isFalse();
        assertThat(StatsdReceiver.unixPath("unix:///run/statsd.sock")).isEqualTo(Path.of("/run/statsd.sock"));
        assertThat(StatsdReceiver.parseAddress("/run/statsd.sock")).isNull();
        assertThatThrownBy(() -> StatsdReceiver.parseAddress("/" + "x".repeat(107)))
                .hasMessageContaining("107 bytes");
        assertThatThrownBy(() -> StatsdReceiver.unixPath("/run/")).hasMessageContaining("file path");
    }

    /** Keeps the listener lean: only UnixDatagramSockets names junixsocket, so UDP mode never loads it. */
    @Test
    void onlyUnixDatagramSocketsReferencesJunixsocket() throws IOException, URISyntaxException {
        Path classes = Path.of(StatsdReceiver.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        byte[] marker = "org/newsclub/".getBytes(StandardCharsets.US_ASCII);
        List<String> referencing = new ArrayList<>();
        try (Stream<Path> files = Files.walk(classes)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".class")).toList()) {
                if (contains(Files.readAllBytes(file), marker)) {
                    referencing.add(classes.relativize(file).toString());
                }
            }
        }
        assertThat(referencing).containsExactly("io/supervisorkafka/listener/gunicorn/UnixDatagramSockets.class");
    }

    private static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
