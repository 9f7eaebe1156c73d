package io.supervisorkafka.listener;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lowers the Linux scheduling priority of the listener's background threads: the shipper, Kafka's network thread,
 * the JIT compiler, fsync and snapshots, all to one nice value. In a burst they compete for the CPU with supervisord
 * and the protocol loop, whose lock-step turnaround is what supervisord waits for (see the supervisord source's
 * README, "Keeping pace with a burst").
 *
 * <p>Linux applies {@code setpriority} to a single thread when given its thread id, which {@code renice -p} does.
 * Threads are found by the names the JVM gives the kernel (the first 15 characters of the Java thread name).
 */
public final class BackgroundThreads {
    /** Nice value of background threads: clearly below the protocol loop (0), not starved. */
    static final int NICE = 10;
    private static final Logger LOG = LoggerFactory.getLogger(BackgroundThreads.class);

    private BackgroundThreads() {
    }

    /** One daemon thread of that name for scheduled work (a collector's). */
    public static ScheduledExecutorService scheduler(String threadName) {
        return Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, threadName);
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * The task as a scheduled executor should run it: anything it throws, an {@link Error} included, is logged and
     * swallowed, because a throw cancels a periodic task silently and for good. Each kind of failure (its class) is
     * logged once at error with its stack trace, its repeats at debug.
     *
     * @param what the task as the log names it, e.g. {@code docker metrics scrape}
     */
    public static Runnable surviving(String what, Logger log, Runnable task) {
        Set<Class<?>> logged = ConcurrentHashMap.newKeySet();
        return () -> {
            try {
                task.run();
            } catch (Throwable t) {
                if (logged.add(t.getClass())) {
                    log.error("{} failed; it carries on (repeats of this failure are logged at debug)", what, t);
                } else {
                    log.debug("{} failed again: {}", what, t.toString());
                }
            }
        };
    }

    /**
     * Stops a collector's scheduler without interrupting its thread, which may be appending to the spool (an interrupt
     * closes a FileChannel under it): work under way ends by its own deadline; waits for it up to {@code wait}, then
     * leaves the daemon thread to finish alone.
     */
    public static void stopWithoutInterrupt(ScheduledExecutorService scheduler, Duration wait) {
        scheduler.shutdown();
        try {
            if (!scheduler.awaitTermination(wait.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.debug("work in progress left to its deadline");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Renices every thread of this JVM whose kernel name starts with one of the prefixes; best effort. */
    public static void lower(String... namePrefixes) {
        forEachThread(namePrefixes, BackgroundThreads::renice);
    }

    private static void forEachThread(String[] namePrefixes, BiConsumer<String, String> action) {
        Path tasks = Path.of("/proc/self/task");
        if (!Files.isDirectory(tasks)) {
            return;
        }
        try (DirectoryStream<Path> threads = Files.newDirectoryStream(tasks)) {
            for (Path thread : threads) {
                String name = comm(thread);
                for (String prefix : namePrefixes) {
                    if (name.startsWith(prefix)) {
                        action.accept(thread.getFileName().toString(), name);
                        break;
                    }
                }
            }
        } catch (IOException e) {
            LOG.debug("cannot list this process's threads: {}", e.toString());
        }
    }

    private static String comm(Path thread) {
        try {
            return Files.readString(thread.resolve("comm"), StandardCharsets.UTF_8).trim();
        } catch (IOException gone) {
            return "";
        }
    }

    /** Runs {@code renice} on one thread; best effort: a thread it cannot renice keeps its priority. */
    private static void renice(String tid, String name) {
        CommandOutcome outcome = runBriefly(List.of("renice", "-n", Integer.toString(NICE), "-p", tid));
        if (!outcome.succeeded()) {
            LOG.debug("cannot renice thread {} ({}): {}", tid, name, outcome.output());
        }
    }

    /**
     * What a short command did: its exit code (-1 when it could not run or did not end in time) and its output, stdout
     * and stderr together, on one line.
     */
    record CommandOutcome(int exitCode, String output) {
        boolean succeeded() {
            return exitCode == 0;
        }
    }

    /** Runs a short command, such as {@code renice} or {@code chrt}, waiting up to 5 s for it. */
    static CommandOutcome runBriefly(List<String> command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            process.getOutputStream().close();
            // Its few lines fit in the pipe: it can end before they are read.
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return new CommandOutcome(-1, "did not end within 5 s");
            }
            byte[] output = process.getInputStream().readNBytes(4096);
            return new CommandOutcome(process.exitValue(),
                    new String(output, StandardCharsets.UTF_8).strip().replaceAll("\\s*\\R\\s*", "; "));
        } catch (IOException e) {
            return new CommandOutcome(-1, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new CommandOutcome(-1, "interrupted");
        }
    }
}
