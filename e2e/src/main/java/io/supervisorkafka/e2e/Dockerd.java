package io.supervisorkafka.e2e;

import io.supervisorkafka.testkit.ChildProcess;
import io.supervisorkafka.testkit.Ports;
import java.io.IOException;
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
    private static final Duration CLI_LIMIT = Duration.ofSeconds(60);

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
        // Debian's dynamically linked busybox cannot run alone in an image.
        if (!Files.isExecutable(BUSYBOX) || !busyboxStaticInstalled()) {
            throw new IllegalStateException(BUSYBOX + " is missing or not statically linked: apt-get install"
                    + " busybox-static");
        }
    }

    /** Whether Debian's busybox-static is installed (Debian's other busybox is dynamically linked). */
    static boolean busyboxStaticInstalled() {
        try {
            ChildProcess.Output status = ChildProcess.run(new ProcessBuilder("dpkg-query", "-W", "-f=${Status}",
                    "busybox-static"), CLI_LIMIT);
            return status.exitCode() == 0 && status.text().contains("install ok installed");
        } catch (IOException | RuntimeException e) {
            return false;
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
        ChildProcess.Output archived = ChildProcess.run(new ProcessBuilder("tar", "-C", rootfs.toString(), "-cf",
                tar.toString(), "."), CLI_LIMIT);
        if (archived.exitCode() != 0) {
            throw new IllegalStateException("tar of " + rootfs + " exited " + archived.exitCode() + ": "
                    + archived.text());
        }
        docker("import", tar.toString(), tag);
    }

    /** Runs the docker CLI against this engine; fails with its output when it exits non-zero. */
    public String docker(String... args) throws IOException {
        ChildProcess.Output result = run(List.of(args));
        if (result.exitCode() != 0) {
            throw new IllegalStateException("docker " + String.join(" ", args) + " exited " + result.exitCode()
                    + ": " + result.text());
        }
        return result.text().trim();
    }

    private ChildProcess.Output run(List<String> args) throws IOException {
        List<String> command = new ArrayList<>(List.of(DOCKER.toString(), "-H", "unix://" + socket()));
        command.addAll(args);
        return ChildProcess.run(new ProcessBuilder(command), CLI_LIMIT);
    }

    /**
     * Stops dockerd by its pid (SIGTERM: it stops the containers and its containerd first), kills anything left, and
     * removes its directories.
     */
    @Override
    public void close() {
        List<Long> containerPids = new ArrayList<>();
        if (process.isAlive()) {
            try {
                String containers = run(List.of("ps", "-q")).text().trim();
                if (!containers.isEmpty()) {
                    List<String> inspect = new ArrayList<>(List.of("inspect", "-f", "{{.State.Pid}}"));
                    inspect.addAll(List.of(containers.split("\\s+")));
                    for (String pid : run(inspect).text().trim().split("\\s+")) {
                        if (pid.matches("[1-9][0-9]*")) {
                            containerPids.add(Long.parseLong(pid));
                        }
                    }
                }
                // A container's pid 1 (sleep) ignores SIGTERM, so dockerd would wait 10 s per container before
                // killing it; removing them first keeps the shutdown short.
                String all = run(List.of("ps", "-aq")).text().trim();
                if (!all.isEmpty()) {
                    List<String> remove = new ArrayList<>(List.of("rm", "-f"));
                    remove.addAll(List.of(all.split("\\s+")));
                    run(remove);
                }
            } catch (IOException | RuntimeException e) {
                System.err.println("cannot remove the containers of " + this + ": " + e);
            }
        }
        process.close();
        killLeftovers(containerPids);
        try (Stream<Path> tree = Files.walk(dir)) {
            tree.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            System.err.println("cannot remove " + dir + ": " + e);
        }
    }

    /**
     * containerd's shims detach from dockerd (their parent becomes init), so they and the containers under them are
     * not among dockerd's descendants: whatever of them outlived dockerd (it crashed, or a CLI call failed) is killed
     * here by pid: the containers' pids recorded before, and every process whose command line names our directory.
     */
    private void killLeftovers(List<Long> containerPids) {
        List<ProcessHandle> leftovers = new ArrayList<>();
        containerPids.forEach(pid -> ProcessHandle.of(pid).ifPresent(leftovers::add));
        String marker = dir.toString();
        ProcessHandle.allProcesses().filter(handle -> handle.pid() != ProcessHandle.current().pid())
                .filter(handle -> handle.info().commandLine().map(line -> line.contains(marker)).orElse(false))
                .forEach(leftovers::add);
        for (ProcessHandle leftover : leftovers) {
            if (leftover.isAlive()) {
                System.err.println("dockerd left pid " + leftover.pid() + " behind; killing it");
                leftover.destroyForcibly();
                leftover.onExit().orTimeout(10, TimeUnit.SECONDS).exceptionally(failure -> null).join();
            }
        }
    }

    @Override
    public String toString() {
        return "dockerd " + process + " metrics " + metricsUrl();
    }
}
