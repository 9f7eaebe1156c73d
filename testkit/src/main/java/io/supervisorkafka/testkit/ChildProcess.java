package io.supervisorkafka.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A process a test or benchmark started, with its output in a log file, stopped by its pid: SIGTERM, then SIGKILL
 * when it does not exit in time, and whatever it left behind after that.
 */
public final class ChildProcess implements AutoCloseable {
    private final String name;
    private final Process process;
    private final Path log;

    private ChildProcess(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    /** What a short command printed (stdout and stderr together) and its exit code. */
    public record Output(int exitCode, String text) {
    }

    /**
     * Runs a short command (a CLI call) to its end, for at most {@code limit}: its output goes to a file, so that the
     * wait bounds a command that never exits (reading its pipe first would block on it); past the limit it is killed
     * by its pid and this fails.
     */
    public static Output run(ProcessBuilder builder, Duration limit) throws IOException {
        Path output = Files.createTempFile("command", ".out");
        try {
            Process child = builder.redirectErrorStream(true).redirectOutput(output.toFile()).start();
            try {
                if (!child.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                    child.destroyForcibly();
                    throw new IllegalStateException(String.join(" ", builder.command()) + " (pid " + child.pid()
                            + ") did not exit within " + limit.toSeconds() + " s; killed");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                child.destroyForcibly();
                throw new IllegalStateException(e);
            }
            return new Output(child.exitValue(), Files.readString(output));
        } finally {
            Files.deleteIfExists(output);
        }
    }

    /** The java launcher of this JVM. */
    public static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** The classpath of this test JVM (what Surefire gives the tests), to run a module's main class in a child. */
    public static String testClasspath() {
        String surefire = System.getProperty("surefire.test.class.path");
        return surefire != null && !surefire.isBlank() ? surefire : System.getProperty("java.class.path");
    }

    /** The command that runs {@code mainClass} with {@code args} in a JVM of its own, on this JVM's classpath. */
    public static List<String> java(String mainClass, String... args) {
        List<String> command = new ArrayList<>(List.of(javaBinary(), "-cp", testClasspath(), mainClass));
        command.addAll(List.of(args));
        return command;
    }

    public static ChildProcess start(String name, ProcessBuilder builder, Path log) throws IOException {
        builder.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        return new ChildProcess(name, builder.start(), log);
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public Path log() {
        return log;
    }

    public Process process() {
        return process;
    }

    public void kill9() {
        process.destroyForcibly();
    }

    @Override
    public void close() {
        List<ProcessHandle> descendants = process.descendants().toList();
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                System.err.println(name + " (pid " + pid() + ") ignored SIGTERM for 30 s; killing it");
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (ProcessHandle leftover : descendants) {
            if (leftover.isAlive()) {
                System.err.println(name + " left pid " + leftover.pid() + " behind; killing it");
                leftover.destroyForcibly();
            }
        }
    }

    @Override
    public String toString() {
        return name + " (pid " + pid() + ", log " + log + ")";
    }
}
