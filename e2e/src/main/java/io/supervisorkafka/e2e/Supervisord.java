package io.supervisorkafka.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;

/** The real supervisord (Debian package {@code supervisor}) in the foreground, with a configuration of our own. */
public final class Supervisord implements AutoCloseable {
    private final Path dir;
    private final Path conf;
    private final ChildProcess process;

    private Supervisord(Path dir, Path conf, ChildProcess process) {
        this.dir = dir;
        this.conf = conf;
        this.process = process;
    }

    /**
     * Starts supervisord with the given program sections (ini text) under a unix socket in {@code dir}. The
     * environment variable SK_DIR names {@code dir} inside those sections.
     */
    public static Supervisord start(Path dir, String identifier, String sections) throws IOException {
        Files.createDirectories(dir);
        Path conf = dir.resolve("supervisord.conf");
        Files.writeString(conf, """
                [unix_http_server]
                file=%1$s/supervisor.sock

                [supervisord]
                nodaemon=true
                logfile=%1$s/supervisord.log
                pidfile=%1$s/supervisord.pid
                childlogdir=%1$s
                identifier=%2$s
                loglevel=info

                [rpcinterface:supervisor]
                supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface

                [supervisorctl]
                serverurl=unix://%1$s/supervisor.sock

                """.formatted(dir, identifier) + sections);
        ProcessBuilder builder = new ProcessBuilder("supervisord", "--nodaemon", "--configuration", conf.toString());
        builder.environment().put("SK_DIR", dir.toString());
        Supervisord supervisord = new Supervisord(dir, conf,
                ChildProcess.start("supervisord", builder, dir.resolve("supervisord.out")));
        supervisord.awaitAnswering(Duration.ofSeconds(30));
        return supervisord;
    }

    private void awaitAnswering(Duration limit) {
        Awaitility.await("supervisord answering on " + socketUrl()).atMost(limit)
                .pollInterval(Duration.ofMillis(50)).until(() -> {
                    if (!process.isAlive()) {
                        throw new IllegalStateException("supervisord exited: "
                                + Files.readString(dir.resolve("supervisord.out")));
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

    public String socketUrl() {
        return "unix://" + dir.resolve("supervisor.sock");
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

    /**
     * Makes this supervisord emit {@code count} REMOTE_COMMUNICATION events (type {@code bench}, data
     * {@code event <i>}) as fast as it can: XML-RPC {@code sendRemoteCommEvent} batched with {@code system.multicall},
     * from a Python script through supervisor's own transport.
     */
    public void sendRemoteCommEvents(int count) throws IOException {
        Path driver = dir.resolve("remote_comm_events.py");
        if (!Files.exists(driver)) {
            try (java.io.InputStream in = Supervisord.class.getResourceAsStream("/bench/remote_comm_events.py")) {
                Files.copy(java.util.Objects.requireNonNull(in, "driver script"), driver);
            }
        }
        Process p = new ProcessBuilder(python(), driver.toString(), socketUrl(), Integer.toString(count))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(
                        dir.resolve("driver.log").toFile())).start();
        try {
            if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IllegalStateException("the event driver failed; see " + dir.resolve("driver.log"));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new IllegalStateException(e);
        }
    }

    /** The Python that runs supervisord, which has supervisor's own modules (the first python3 on PATH may not). */
    private static String python() throws IOException {
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

    /** The pid supervisord reports for a program, or 0 when it is not running. */
    public long pidOf(String program) throws IOException {
        return Long.parseLong(ctl("pid", program).trim());
    }

    @Override
    public void close() {
        process.close();
    }
}
