package io.supervisorkafka.listener.supervisor.xmlrpc;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the waker when one of supervisord's children dies, without polling: a pidfd becomes readable when its process
 * exits, whoever its parent is. Java 17 cannot open one ({@code pidfd_open} is a system call it does not make), so a
 * small helper does: {@code child_exit_watch.py}, next to this class, run by the Python that runs supervisord, which
 * every host with supervisord has. It blocks in {@code poll} and costs no CPU while nothing exits; it exits when the
 * listener does (end of its stdin).
 *
 * <p>The helper's stdout is a pipe read here, on thread {@code supervisord-exits}; it never touches the listener's
 * own stdout, which carries the protocol. Its stderr is the listener's. Empty from {@link #start} when there is no
 * pidfd (Linux before 5.3, Python before 3.9) or no Python: the waker then looks for zombies periodically, as before.
 */
final class ChildExitWatch implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ChildExitWatch.class);
    private static final String SCRIPT = "child_exit_watch.py";
    /**
     * The script comes in this environment variable, not on the command line: {@code ps} shows a short line that
     * says what the process is ({@link #NAME}), not eighty lines of Python.
     */
    private static final String SCRIPT_VARIABLE = "SUPERVISOR_KAFKA_CHILD_EXIT_WATCH";
    /** Its argument, for {@code ps} and {@code pgrep -f}. */
    static final String NAME = "supervisor-kafka-child-exit-watch";
    /** How long the helper may take to say it is ready (Python's start-up is ~20 ms). */
    private static final Duration READY_WITHIN = Duration.ofSeconds(10);

    private final Process helper;
    private final OutputStream pids;
    private final Thread reader;
    private final CompletableFuture<Void> ready = new CompletableFuture<>();
    private final LongConsumer exited;
    private volatile boolean alive = true;
    /** Closed, or its end already said: the reader says nothing when it ends. */
    private volatile boolean closed;

    private ChildExitWatch(Process helper, LongConsumer exited) {
        this.helper = helper;
        this.pids = helper.getOutputStream();
        this.exited = exited;
        this.reader = new Thread(this::read, "supervisord-exits");
        this.reader.setDaemon(true);
    }

    /**
     * Starts the helper with {@code python} and waits until it is ready; {@code exited} is called, on the watch's
     * thread, with each watched pid that exits. Empty, after a line on stderr saying why, when it cannot run here.
     */
    static Optional<ChildExitWatch> start(String python, LongConsumer exited) {
        Process helper;
        try {
            ProcessBuilder builder = new ProcessBuilder(python, "-I", "-S", "-c",
                    "import os; exec(os.environ.pop('" + SCRIPT_VARIABLE + "'))", NAME)
                    .redirectError(ProcessBuilder.Redirect.INHERIT);
            builder.environment().put(SCRIPT_VARIABLE, script());
            helper = builder.start();
        } catch (IOException e) {
            LOG.info("cannot run {} for the child-exit watch ({}): looking for dead children periodically instead",
                    python, e.toString());
            return Optional.empty();
        }
        ChildExitWatch watch = new ChildExitWatch(helper, exited);
        watch.reader.start();
        try {
            watch.ready.get(READY_WITHIN.toMillis(), TimeUnit.MILLISECONDS);
            return Optional.of(watch);
        } catch (ExecutionException | TimeoutException e) {
            LOG.info("the child-exit watch did not start ({}): looking for dead children periodically instead",
                    e instanceof ExecutionException ? e.getCause().getMessage() : "no answer within " + READY_WITHIN);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        watch.close();
        return Optional.empty();
    }

    /**
     * The interpreter supervisord runs on ({@code /proc/PID/exe}: the same Python, whatever the PATH), or
     * {@code python3} when supervisord is not run by a Python the listener can see or that is still installed.
     */
    static String pythonOf(long supervisordPid) {
        try {
            Path exe = Files.readSymbolicLink(Path.of("/proc", Long.toString(supervisordPid), "exe"));
            // Replaced by an upgrade since supervisord started: the link reads "/usr/bin/python3.11 (deleted)".
            if (exe.getFileName() != null && exe.getFileName().toString().startsWith("python")
                    && Files.isExecutable(exe)) {
                return exe.toString();
            }
        } catch (IOException | SecurityException | UnsupportedOperationException e) {
            // another user's process, or not Linux: the PATH's
        }
        return "python3";
    }

    private static String script() throws IOException {
        try (InputStream in = ChildExitWatch.class.getResourceAsStream(SCRIPT)) {
            if (in == null) {
                throw new IOException(SCRIPT + " is missing from the listener's jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /**
     * Watches exactly the pids in {@code list} (the first {@code length} bytes: decimal pids separated by anything but
     * a newline, as {@code /proc/PID/task/PID/children} has them); false when the helper is gone.
     */
    boolean watch(byte[] list, int length) {
        if (!alive) {
            return false;
        }
        byte[] line = new byte[length + 1];
        for (int i = 0; i < length; i++) {
            line[i] = list[i] == '\n' ? (byte) ' ' : list[i];
        }
        line[length] = '\n';
        try {
            pids.write(line);
            pids.flush();
            return true;
        } catch (IOException e) {
            if (!closed) {
                closed = true; // said here, not again by the reader
                LOG.info("the child-exit watch is gone ({}): looking for dead children periodically instead",
                        e.toString());
            }
            alive = false;
            return false;
        }
    }

    /** Whether the helper still runs: while it does, a child's death is told at once. */
    boolean alive() {
        return alive;
    }

    private void read() {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(helper.getInputStream(),
                StandardCharsets.US_ASCII))) {
            String first = lines.readLine();
            if (!"ready".equals(first)) {
                ready.completeExceptionally(new IOException(describeEnd(first)));
                return;
            }
            ready.complete(null);
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                try {
                    exited.accept(Long.parseLong(line.trim()));
                } catch (NumberFormatException e) {
                    LOG.warn("the child-exit watch said {}, not a pid; ignored", line);
                }
            }
        } catch (IOException e) {
            ready.completeExceptionally(e);
        } finally {
            alive = false;
            if (!closed && ready.isDone() && !ready.isCompletedExceptionally()) {
                LOG.info("the child-exit watch ended (exit status {}): looking for dead children periodically instead",
                        exitStatus());
            }
        }
    }

    private String describeEnd(String first) {
        if (first != null) {
            return "it said " + first;
        }
        return "it exited with status " + exitStatus();
    }

    private String exitStatus() {
        try {
            return helper.waitFor(1, TimeUnit.SECONDS) ? Integer.toString(helper.exitValue()) : "unknown";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }

    /** The helper's pid (for tests and the benchmarks, which count its CPU and memory with the listener's). */
    long pid() {
        return helper.pid();
    }

    /** Ends the helper: its stdin closes, and it exits; by signal if it has not within a second. */
    @Override
    public void close() {
        closed = true;
        alive = false;
        try {
            pids.close();
        } catch (IOException ignored) {
            // gone already
        }
        try {
            if (!helper.waitFor(1, TimeUnit.SECONDS)) {
                helper.destroyForcibly();
            }
        } catch (InterruptedException e) {
            helper.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
