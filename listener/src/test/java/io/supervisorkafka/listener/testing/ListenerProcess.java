package io.supervisorkafka.listener.testing;

import io.supervisorkafka.testkit.ChildProcess;
import io.supervisorkafka.testkit.Ports;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code io.supervisorkafka.listener.ListenerMain} in its own JVM, on the test classpath, as supervisord would run it:
 * stdin and stdout are pipes, stderr goes to a file. Everything written to stdout is collected.
 */
public final class ListenerProcess implements AutoCloseable {
    private final Process process;
    private final long startedNanos;
    private final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    private final Thread pump;
    private final Path stderr;
    private volatile long firstByteNanos;

    private ListenerProcess(Process process, long startedNanos, Path stderr) {
        this.process = process;
        this.startedNanos = startedNanos;
        this.stderr = stderr;
        this.pump = new Thread(this::pumpStdout, "listener-stdout-pump");
        this.pump.setDaemon(true);
        this.pump.start();
    }

    /** A broker address where nothing listens (a port bound and released again). */
    public static String unreachableBroker() throws IOException {
        return "127.0.0.1:" + Ports.freeTcpPort();
    }

    /** The JVM flags recommended for the listener in production. */
    public static List<String> jvmFlags() {
        return List.of("-Xmx64m", "-Xss512k", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-XX:MaxMetaspaceSize=96m", "-Xshare:auto");
    }

    public static String javaBinary() {
        return ChildProcess.javaBinary();
    }

    /** The classpath of this test JVM (what Surefire gives the tests), to run ListenerMain from target/classes. */
    public static String classpath() {
        return ChildProcess.testClasspath();
    }

    /** The full command line that runs the listener with these arguments. */
    public static List<String> command(List<String> args) {
        List<String> command = new ArrayList<>();
        command.add(javaBinary());
        command.addAll(jvmFlags());
        command.add("-cp");
        command.add(classpath());
        command.add("io.supervisorkafka.listener.ListenerMain");
        command.addAll(args);
        return command;
    }

    public static ListenerProcess start(Path stderrFile, List<String> args) throws IOException {
        return start(stderrFile, List.of(), args);
    }

    /** With JVM flags of the test's own after the production ones (e.g. {@code -Xlog:class+load}). */
    public static ListenerProcess start(Path stderrFile, List<String> extraJvmFlags, List<String> args)
            throws IOException {
        List<String> command = command(args);
        command.addAll(1 + jvmFlags().size(), extraJvmFlags);
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(stderrFile.toFile());
        builder.environment().remove("SUPERVISOR_SERVER_URL");
        long started = System.nanoTime();
        return new ListenerProcess(builder.start(), started, stderrFile);
    }

    private void pumpStdout() {
        try (InputStream in = process.getInputStream()) {
            byte[] buffer = new byte[4096];
            int n;
            while ((n = in.read(buffer)) >= 0) {
                if (firstByteNanos == 0) {
                    firstByteNanos = System.nanoTime();
                }
                synchronized (stdout) {
                    stdout.write(buffer, 0, n);
                }
            }
        } catch (IOException e) {
            // the process is gone
        }
    }

    /** Everything the listener wrote to stdout so far. */
    public String stdout() {
        synchronized (stdout) {
            return stdout.toString(StandardCharsets.UTF_8);
        }
    }

    /** Milliseconds from starting the JVM to the first byte on stdout, or -1 before it. */
    public long millisToFirstByte() {
        long first = firstByteNanos;
        return first == 0 ? -1 : TimeUnit.NANOSECONDS.toMillis(first - startedNanos);
    }

    public String stderr() throws IOException {
        return Files.exists(stderr) ? Files.readString(stderr, StandardCharsets.UTF_8) : "";
    }

    public OutputStream stdin() {
        return process.getOutputStream();
    }

    public void write(byte[] bytes) throws IOException {
        process.getOutputStream().write(bytes);
        process.getOutputStream().flush();
    }

    public void closeStdin() throws IOException {
        process.getOutputStream().close();
    }

    public Process process() {
        return process;
    }

    /** Waits for the exit code; kills the process and fails if it does not exit in time. */
    public int waitForExit(long seconds) throws InterruptedException {
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            throw new AssertionError("listener did not exit within " + seconds + " s");
        }
        pump.join(5000);
        return process.exitValue();
    }

    /** SIGKILL: what {@code kill -9} does. */
    public void kill9() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
        pump.join(5000);
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
        pump.join(5000);
    }
}
