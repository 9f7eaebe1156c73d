package io.supervisorkafka.listener.testing;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A real supervisord 4 ({@code /usr/bin/supervisord -n -c <conf>}) for tests, with a unix socket and optionally an
 * inet_http_server with credentials. {@link #close()} stops it by its pid (SIGTERM, then SIGKILL) with its children.
 */
public final class Supervisord implements AutoCloseable {
    public static final Path BINARY = Path.of("/usr/bin/supervisord");

    private final Path dir;
    private final Process process;
    private final Path socket;
    private final int httpPort;

    private Supervisord(Path dir, Process process, Path socket, int httpPort) {
        this.dir = dir;
        this.process = process;
        this.socket = socket;
        this.httpPort = httpPort;
    }

    /**
     * Starts supervisord in {@code dir} and waits until its unix socket accepts connections.
     *
     * @param identifier   supervisord's identifier
     * @param httpUser     user of an inet_http_server on a free port, or null for none
     * @param httpPassword its password
     * @param programs     extra config sections ([program:x] ...)
     */
    public static Supervisord start(Path dir, String identifier, String httpUser, String httpPassword,
                                    String programs) throws IOException {
        Path socket = dir.resolve("supervisor.sock");
        int port = httpUser == null ? -1 : freePort();
        StringBuilder conf = new StringBuilder()
                .append("[unix_http_server]\nfile=").append(socket).append("\nchmod=0700\n\n");
        if (httpUser != null) {
            conf.append("[inet_http_server]\nport=127.0.0.1:").append(port).append("\nusername=").append(httpUser)
                    .append("\npassword=").append(httpPassword).append("\n\n");
        }
        conf.append("[supervisord]\nnodaemon=true\nlogfile=").append(dir.resolve("supervisord.log"))
                .append("\npidfile=").append(dir.resolve("supervisord.pid"))
                .append("\nchildlogdir=").append(dir)
                .append("\nidentifier=").append(identifier)
                .append("\n\n[rpcinterface:supervisor]\n")
                .append("supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface\n\n")
                .append(programs).append('\n');
        Path confFile = dir.resolve("supervisord.conf");
        Files.writeString(confFile, conf, StandardCharsets.UTF_8);
        Process process = new ProcessBuilder(BINARY.toString(), "-n", "-c", confFile.toString())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("supervisord.out").toFile())
                .start();
        Supervisord supervisord = new Supervisord(dir, process, socket, port);
        try {
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                    .until(() -> !process.isAlive() || supervisord.accepts());
            if (!process.isAlive()) {
                throw new IllegalStateException("supervisord exited: " + supervisord.output());
            }
        } catch (RuntimeException e) {
            supervisord.close();
            throw e;
        }
        return supervisord;
    }

    private boolean accepts() {
        if (!Files.exists(socket)) {
            return false;
        }
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(socket));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket probe = new ServerSocket(0)) {
            return probe.getLocalPort();
        }
    }

    public String unixUrl() {
        return "unix://" + socket;
    }

    public String httpUrl() {
        return "http://127.0.0.1:" + httpPort;
    }

    public long pid() {
        return process.pid();
    }

    public Path dir() {
        return dir;
    }

    public String output() throws IOException {
        Path out = dir.resolve("supervisord.out");
        Path log = dir.resolve("supervisord.log");
        return (Files.exists(out) ? Files.readString(out) : "") + (Files.exists(log) ? Files.readString(log) : "");
    }

    @Override
    public void close() {
        ProcessHandle handle = process.toHandle();
        var children = handle.descendants().toList();
        handle.destroy(); // SIGTERM: supervisord stops its programs and exits
        try {
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                handle.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (ProcessHandle child : children) {
            if (child.isAlive()) {
                child.destroyForcibly();
            }
        }
    }
}
