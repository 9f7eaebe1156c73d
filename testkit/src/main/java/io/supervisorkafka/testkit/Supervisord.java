package io.supervisorkafka.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.awaitility.Awaitility;

/**
 * The real supervisord (Debian package {@code supervisor}) in the foreground, with a configuration of our own: a unix
 * socket in its directory and, when asked, an inet_http_server with credentials on a free port. {@link #close()}
 * stops it by its pid (SIGTERM, which stops its programs, then SIGKILL) and whatever it left behind.
 */
public final class Supervisord implements AutoCloseable {
    private final Path dir;
    private final Path conf;
    private final ChildProcess process;
    private final int httpPort;

    private Supervisord(Path dir, Path conf, ChildProcess process, int httpPort) {
        this.dir = dir;
        this.conf = conf;
        this.process = process;
        this.httpPort = httpPort;
    }

    /**
     * Starts supervisord with the given sections (ini text: {@code [program:x]}, {@code [eventlistener:x]}) under a
     * unix socket in {@code dir}, and returns once it answers supervisorctl. The environment variable SK_DIR names
     * {@code dir} inside those sections.
     */
    public static Supervisord start(Path dir, String identifier, String sections) throws IOException {
        return start(dir, identifier, null, null, sections);
    }

    /**
     * As {@link #start(Path, String, String)}, with an inet_http_server on a free loopback port ({@link #httpUrl()})
     * that wants {@code httpUser} and {@code httpPassword}; none when {@code httpUser} is null.
     */
    public static Supervisord start(Path dir, String identifier, String httpUser, String httpPassword,
                                    String sections) throws IOException {
        return start(dir, identifier, httpUser, httpPassword, "info", sections);
    }

    /**
     * As {@link #start(Path, String, String, String, String)}, logging at {@code logLevel}: at {@code debug}
     * supervisord logs each event a listener acknowledged ({@link #eventsProcessed}).
     */
    public static Supervisord start(Path dir, String identifier, String httpUser, String httpPassword,
                                    String logLevel, String sections) throws IOException {
        Files.createDirectories(dir);
        int httpPort = httpUser == null ? -1 : Ports.freeTcpPort();
        String httpServer = httpUser == null ? "" : """
                [inet_http_server]
                port=127.0.0.1:%d
                username=%s
                password=%s

                """.formatted(httpPort, httpUser, httpPassword);
        Path conf = dir.resolve("supervisord.conf");
        Files.writeString(conf, """
                [unix_http_server]
                file=%1$s/supervisor.sock
                chmod=0700

                %3$s[supervisord]
                nodaemon=true
                logfile=%1$s/supervisord.log
                pidfile=%1$s/supervisord.pid
                childlogdir=%1$s
                identifier=%2$s
                loglevel=%4$s

                [rpcinterface:supervisor]
                supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface

                [supervisorctl]
                serverurl=unix://%1$s/supervisor.sock

                """.formatted(dir, identifier, httpServer, logLevel) + sections + "\n");
        ProcessBuilder builder = new ProcessBuilder("supervisord", "--nodaemon", "--configuration", conf.toString());
        builder.environment().put("SK_DIR", dir.toString());
        Supervisord supervisord = new Supervisord(dir, conf,
                ChildProcess.start("supervisord", builder, dir.resolve("supervisord.out")), httpPort);
        try {
            supervisord.awaitAnswering(Duration.ofSeconds(30));
        } catch (RuntimeException e) {
            supervisord.close();
            throw e;
        }
        return supervisord;
    }

    private void awaitAnswering(Duration limit) {
        Awaitility.await("supervisord answering on " + unixUrl()).atMost(limit)
                .pollInterval(Duration.ofMillis(50)).until(() -> {
                    if (!process.isAlive()) {
                        throw new IllegalStateException("supervisord exited: " + output());
                    }
                    return Files.exists(dir.resolve("supervisor.sock")) && ctlExitCode("pid") == 0;
                });
    }

    public Path dir() {
        return dir;
    }

    public long pid() {
        return process.pid();
    }

    /** The XML-RPC address on its unix socket, as supervisord gives it to its children. */
    public String unixUrl() {
        return "unix://" + dir.resolve("supervisor.sock");
    }

    /** The inet_http_server's address; only when started with credentials. */
    public String httpUrl() {
        if (httpPort < 0) {
            throw new IllegalStateException("this supervisord has no inet_http_server");
        }
        return "http://127.0.0.1:" + httpPort;
    }

    /** What supervisord printed and logged so far. */
    public String output() throws IOException {
        Path out = dir.resolve("supervisord.out");
        Path log = dir.resolve("supervisord.log");
        return (Files.exists(out) ? Files.readString(out) : "") + (Files.exists(log) ? Files.readString(log) : "");
    }

    /**
     * How many events the listener {@code name} acknowledged ({@code RESULT OK}) so far, by supervisord's log: only
     * when it was started at log level {@code debug}.
     */
    public long eventsProcessed(String name) throws IOException {
        Path log = dir.resolve("supervisord.log");
        if (!Files.exists(log)) {
            return 0;
        }
        String processed = name + ": event was processed";
        try (var lines = Files.lines(log)) {
            return lines.filter(line -> line.endsWith(processed)).count();
        }
    }

    /** Runs supervisorctl against this supervisord and returns its output. */
    public String ctl(String... args) throws IOException {
        return runCtl(args).text();
    }

    private int ctlExitCode(String... args) throws IOException {
        try {
            return runCtl(args).exitCode();
        } catch (IllegalStateException hungOrInterrupted) {
            return -1;
        }
    }

    private ChildProcess.Output runCtl(String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of("supervisorctl", "--configuration", conf.toString()));
        command.addAll(List.of(args));
        return ChildProcess.run(new ProcessBuilder(command), Duration.ofSeconds(30));
    }

    /** {@code supervisorctl status} as group:name -> statename (event listeners included). */
    public Map<String, String> status() throws IOException {
        Map<String, String> states = new LinkedHashMap<>();
        for (String line : ctl("status").split("\n")) {
            String[] columns = line.trim().split("\\s+");
            if (columns.length >= 2 && columns[1].matches("[A-Z]+")) {
                String name = columns[0].contains(":") ? columns[0] : columns[0] + ":" + columns[0];
                states.put(name, columns[1]);
            }
        }
        return states;
    }

    /** The pid supervisord reports for a program, or 0 when it is not running. */
    public long pidOf(String program) throws IOException {
        return Long.parseLong(ctl("pid", program).trim());
    }

    /**
     * Makes this supervisord emit {@code count} REMOTE_COMMUNICATION events (type {@code bench}, data
     * {@code event <i>}) as fast as it can: XML-RPC {@code sendRemoteCommEvent} batched with {@code system.multicall},
     * from a Python script through supervisor's own transport.
     */
    public void sendRemoteCommEvents(int count) throws IOException {
        sendRemoteCommEvents(count, 1000);
    }

    /**
     * Like {@link #sendRemoteCommEvents(int)}, {@code perCall} events per XML-RPC request: 1 sends each in its own
     * call, so that a listener that keeps pace takes every event before the next arrives, even with supervisord's
     * default {@code buffer_size} of 10 (a multicall puts all its events in the buffer at once).
     */
    public void sendRemoteCommEvents(int count, int perCall) throws IOException {
        Path driver = dir.resolve("remote_comm_events.py");
        if (!Files.exists(driver)) {
            try (InputStream in = Supervisord.class.getResourceAsStream("remote_comm_events.py")) {
                Files.copy(Objects.requireNonNull(in, "driver script"), driver);
            }
        }
        ChildProcess.Output driven = ChildProcess.run(new ProcessBuilder(python(), driver.toString(), unixUrl(),
                Integer.toString(count), Integer.toString(perCall)), Duration.ofMinutes(5));
        if (driven.exitCode() != 0) {
            throw new IllegalStateException("the event driver exited " + driven.exitCode() + ": " + driven.text());
        }
    }

    /**
     * How many events supervisord discarded because a listener's buffer was full: its log's "event buffer overflowed,
     * discarding event N" lines (N is the global serial), the only place it says so.
     */
    public long discardedEvents() throws IOException {
        Path log = dir.resolve("supervisord.log");
        if (!Files.exists(log)) {
            return 0;
        }
        try (var lines = Files.lines(log)) {
            return lines.filter(line -> line.contains("event buffer overflowed, discarding event")).count();
        }
    }

        /** The Python that runs supervisord, which has supervisor's own modules (the first python3 on PATH may not). */
    public static String python() throws IOException {
        for (String path : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
            Path script = Path.of(path, "supervisord");
            if (Files.isRegularFile(script)) {
                String firstLine = Files.readAllLines(script).get(0);
                if (firstLine.startsWith("#!")) {
                    return firstLine.substring(2).trim().split("\\s+")[0];
                }
            }
        }
        return "python3";
    }

    @Override
    public void close() {
        process.close();
    }
}
