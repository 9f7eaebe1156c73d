package io.supervisorkafka.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.awaitility.Awaitility;

/**
 * The real Docker engine (Debian package {@code docker.io}) in the foreground, with everything of its own: data root,
 * exec root, API socket, a metrics address on a free port, no iptables and no bridge (containers run with
 * {@code --network none}). {@link #close()} stops it by its pid; dockerd stops its containers and its containerd,
 * and whatever is still alive after that is killed.
 */
public final class Dockerd implements AutoCloseable {
    /** Debian's docker CLI, matching the daemon (another docker CLI may be earlier on the PATH). */
    public static final Path DOCKER = Path.of("/usr/bin/docker");
    public static final Path DOCKERD = Path.of("/usr/sbin/dockerd");
    /** Debian's busybox-static: one static binary is a whole rootfs. */
    public static final Path BUSYBOX = Path.of("/bin/busybox");

    private final Path dir;
    private final int metricsPort;
    private final ChildProcess process;

    private Dockerd(Path dir, int metricsPort, ChildProcess process) {
        this.dir = dir;
        this.metricsPort = metricsPort;
        this.process = process;
    }

    /**
     * Starts dockerd under {@code dir}. Unix socket paths are limited to 107 bytes and containerd puts its sockets
     * deep under the exec root, so {@code dir} should be short (a directory right under /tmp).
     */
    public static Dockerd start(Path dir) throws IOException {
        requireInstalled();
        Files.createDirectories(dir);
        int port = Ports.freeTcpPort();
        ProcessBuilder builder = new ProcessBuilder(DOCKERD.toString(), "--iptables=false", "--bridge=none",
                "--data-root", dir.resolve("data").toString(), "--exec-root", dir.resolve("exec").toString(),
                "--pidfile", dir.resolve("dockerd.pid").toString(), "-H", "unix://" + dir.resolve("docker.sock"),
                "--metrics-addr", "127.0.0.1:" + port);
        Dockerd dockerd = new Dockerd(dir, port, ChildProcess.start("dockerd", builder, dir.resolve("dockerd.log")));
        try {
            dockerd.awaitAnswering(Duration.ofSeconds(60));
        } catch (RuntimeException e) {
            dockerd.close();
            throw e;
        }
        return dockerd;
    }

    /** End-to-end tests never skip: without the packages this fails and says what to install. */
    public static void requireInstalled() {
        for (Path binary : List.of(DOCKERD, DOCKER)) {
            if (!Files.isExecutable(binary)) {
                throw new IllegalStateException(binary + " is missing: apt-get install docker.io busybox-static");
            }
        }
        if (!Files.isExecutable(BUSYBOX)) {
            throw new IllegalStateException(BUSYBOX + " is missing: apt-get install busybox-static");
        }
    }

    private void awaitAnswering(Duration limit) {
        Awaitility.await("dockerd answering on " + socket()).atMost(limit).pollInterval(Duration.ofMillis(100))
                .until(() -> {
                    if (!process.isAlive()) {
                        throw new IllegalStateException("dockerd exited: " + Files.readString(process.log()));
                    }
                    return Files.exists(socket()) && run(List.of("version", "--format", "{{.Server.Version}}"))
                            .exitCode() == 0;
                });
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public Path socket() {
        return dir.resolve("docker.sock");
    }

    /** The engine's own metrics socket, the one it bind-mounts into a MetricsCollector plugin as /run/docker. */
    public Path metricsSocket() {
        return dir.resolve("exec").resolve("metrics.sock");
    }

    /** The engine's Prometheus page on {@code --metrics-addr}. */
    public String metricsUrl() {
        return "http://127.0.0.1:" + metricsPort + "/metrics";
    }

    public Path log() {
        return process.log();
    }

    /**
     * Imports an image named {@code tag} whose rootfs is busybox-static and its applets ({@code sh}, {@code sleep}),
     * the equivalent of {@code tar -C rootfs -c . | docker import - TAG}.
     */
    public void importBusybox(String tag) throws IOException {
        Path rootfs = dir.resolve("rootfs-" + tag.replaceAll("[^A-Za-z0-9]", "_"));
        Path bin = Files.createDirectories(rootfs.resolve("bin"));
        Files.copy(BUSYBOX, bin.resolve("busybox"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        for (String applet : List.of("sh", "sleep", "true", "false")) {
            Files.deleteIfExists(bin.resolve(applet));
            Files.createSymbolicLink(bin.resolve(applet), Path.of("busybox"));
        }
        Path tar = dir.resolve(rootfs.getFileName() + ".tar");
        exec(new ProcessBuilder("tar", "-C", rootfs.toString(), "-cf", tar.toString(), "."));
        docker("import", tar.toString(), tag);
    }

    /** Runs the docker CLI against this engine; fails with its output when it exits non-zero. */
    public String docker(String... args) throws IOException {
        Result result = run(List.of(args));
        if (result.exitCode() != 0) {
            throw new IllegalStateException("docker " + String.join(" ", args) + " exited " + result.exitCode()
                    + ": " + result.output());
        }
        return result.output().trim();
    }

    private record Result(int exitCode, String output) {
    }

    private Result run(List<String> args) throws IOException {
        List<String> command = new ArrayList<>(List.of(DOCKER.toString(), "-H", "unix://" + socket()));
        command.addAll(args);
        return exec(new ProcessBuilder(command));
    }

    private static Result exec(ProcessBuilder builder) throws IOException {
        Process child = builder.redirectErrorStream(true).start();
        try {
            String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!child.waitFor(60, TimeUnit.SECONDS)) {
                child.destroyForcibly();
                throw new IllegalStateException(String.join(" ", builder.command()) + " hung");
            }
            return new Result(child.exitValue(), output);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            child.destroyForcibly();
            throw new IllegalStateException(e);
        }
    }

    /**
     * Stops dockerd by its pid (SIGTERM: it stops the containers and its containerd first), kills anything left, and
     * removes its directories.
     */
    @Override
    public void close() {
        if (process.isAlive()) {
            try {
                // A container's pid 1 (sleep) ignores SIGTERM, so dockerd would wait 10 s per container before
                // killing it; removing them first keeps the shutdown short.
                String containers = run(List.of("ps", "-aq")).output().trim();
                if (!containers.isEmpty()) {
                    List<String> remove = new ArrayList<>(List.of("rm", "-f"));
                    remove.addAll(List.of(containers.split("\\s+")));
                    run(remove);
                }
            } catch (IOException | RuntimeException e) {
                System.err.println("cannot remove the containers of " + this + ": " + e);
            }
        }
        process.close();
        try (Stream<Path> tree = Files.walk(dir)) {
            tree.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            System.err.println("cannot remove " + dir + ": " + e);
        }
    }

    @Override
    public String toString() {
        return "dockerd " + process + " metrics " + metricsUrl();
    }
}
