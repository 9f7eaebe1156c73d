package io.supervisorkafka.tools;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Starts the whole pipeline on this machine: a broker, the Streams app, and supervisord with the listener as its
 * eventlistener, then shows the fleet's status table until Ctrl-C, which stops everything it started.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, sortOptions = false, usageHelpWidth = 100,
        usageHelpAutoWidth = true,
        description = "Runs broker, Streams app and supervisord (supervisor-conf/demo.conf) and shows a live status "
                + "table; Ctrl-C stops everything it started.")
final class DemoCommand implements Callable<Integer> {
    @Option(names = "--home", paramLabel = "DIR", defaultValue = "${env:SUPERVISOR_KAFKA_HOME:-.}",
            description = "The supervisor-kafka checkout (default: $SUPERVISOR_KAFKA_HOME or the current directory).")
    Path home;

    @Option(names = "--run-dir", paramLabel = "DIR", description = "Where the demo keeps its broker data, logs and"
            + " sockets (default: HOME/.demo, emptied at start).")
    Path runDir;

    @Option(names = "--refresh", paramLabel = "DURATION", defaultValue = "1s", converter = DurationConverter.class,
            description = "How often the table is redrawn (default: ${DEFAULT-VALUE}).")
    Duration refresh;

    @Option(names = "--exit-after", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Stop by itself after this long (for scripts); by default runs until Ctrl-C.")
    Duration exitAfter;

    private final List<Process> children = new ArrayList<>();
    private DevBroker broker;
    private volatile boolean stopping;

    @Override
    public Integer call() throws Exception {
        home = home.toAbsolutePath().normalize();
        Path dir = (runDir == null ? home.resolve(".demo") : runDir).toAbsolutePath();
        deleteRecursively(dir);
        Files.createDirectories(dir);
        Thread shutdown = new Thread(this::stopEverything, "demo-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdown);

        broker = DevBroker.start(dir.resolve("broker"), "127.0.0.1", freePort(), freePort());
        String bootstrap = broker.bootstrapServers();
        System.err.println("demo: broker at " + bootstrap + "; logs in " + dir);

        Path bin = home.resolve("bin/supervisor-kafka");
        start(dir, "streams", new ProcessBuilder(bin.toString(), "streams", "--bootstrap-servers", bootstrap,
                "--state-dir", dir.resolve("streams-state").toString(), "--punctuate-interval", "5s",
                "--application-id", "supervisor-kafka-demo"));
        ProcessBuilder supervisord = new ProcessBuilder("supervisord", "--nodaemon", "--configuration",
                home.resolve("supervisor-conf/demo.conf").toString());
        supervisord.environment().put("SUPERVISOR_KAFKA_HOME", home.toString());
        supervisord.environment().put("SUPERVISOR_KAFKA_RUN", dir.toString());
        supervisord.environment().put("SUPERVISOR_KAFKA_BOOTSTRAP", bootstrap);
        start(dir, "supervisord", supervisord);

        try (StatusTable table = new StatusTable(bootstrap, System.console() != null)) {
            long deadline = exitAfter == null ? Long.MAX_VALUE : System.nanoTime() + exitAfter.toNanos();
            while (System.nanoTime() < deadline) {
                table.poll(refresh);
                boolean allAlive = children.stream().allMatch(Process::isAlive);
                if (stopping) {
                    break; // what exited, the shutdown stopped: no table that says otherwise
                }
                table.render(System.out, allAlive ? null : "a demo process exited; see the logs in " + dir);
            }
        }
        return 0;
    }

    private void start(Path dir, String name, ProcessBuilder builder) throws IOException {
        // In a session of its own (setsid execs in place: same pid), a child does not take the terminal's Ctrl-C with
        // the demo, which would show "a demo process exited" in the last table; the demo stops them in order instead.
        List<String> command = new ArrayList<>(List.of("setsid"));
        command.addAll(builder.command());
        builder.command(command);
        builder.redirectErrorStream(true).redirectOutput(dir.resolve(name + ".log").toFile());
        Process process = builder.start();
        children.add(process);
        System.err.println("demo: started " + name + " (pid " + process.pid() + ")");
    }

    /** Stops every process the demo started, by pid, newest first, and what they started in turn. */
    private void stopEverything() {
        stopping = true;
        for (int i = children.size() - 1; i >= 0; i--) {
            Process process = children.get(i);
            List<ProcessHandle> descendants = process.descendants().toList();
            process.destroy();
            try {
                if (!process.waitFor(20, TimeUnit.SECONDS)) {
                    System.err.println("demo: pid " + process.pid() + " did not stop on SIGTERM; killing it");
                    process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            for (ProcessHandle orphan : descendants) {
                if (orphan.isAlive()) {
                    orphan.destroyForcibly();
                }
            }
        }
        if (broker != null) {
            broker.close();
        }
        System.err.println("demo: stopped everything it started");
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
