package io.supervisorkafka.e2e;

import io.supervisorkafka.testkit.Ports;
import io.supervisorkafka.testkit.ScratchDirectory;
import io.supervisorkafka.testkit.Supervisord;
import io.supervisorkafka.testkit.ThreadStat;
import io.supervisorkafka.tools.DevBroker;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.awaitility.Awaitility;

/**
 * What the listener costs a host where nothing happens: real supervisord with three sleeping programs, events
 * PROCESS_STATE and TICK_5, publishing to a real broker. After a settle, the listener's CPU (user + system, from
 * {@code /proc/PID/stat}, its helper processes' included: the child-exit watch) over a window as a share of one core,
 * per thread too, its resident memory (and each helper's) and its thread count. Three variants in the same run, each
 * with a fresh supervisord and listener: the defaults, the supervisord wake-up without its child-exit watch
 * ({@code listener.supervisor.wake.exit-watch=false}: zombies looked for periodically), and the wake-up turned off
 * ({@code listener.supervisor.wake.interval=0s}: what the rest of the listener costs). {@code -Dquiet.variants=defaults}
 * (or {@code watch-off}, {@code wake-off}, comma-separated) runs only those, e.g. after a settle of ten minutes, when
 * the JIT compiler is done. Each thread's line gives its wake-ups a second too (times it was scheduled, from
 * {@code /proc/PID/task/TID/schedstat}): a thread that wakes to find nothing to do costs CPU all the same.
 *
 * <p>Run: {@code ./mvnw -q install -DskipTests && ./mvnw -q -pl e2e exec:java
 * -Dexec.mainClass=io.supervisorkafka.e2e.QuietHostBenchmark -Dexec.args="20 60"} (settle and window, seconds).
 */
public final class QuietHostBenchmark {
    private static final long CLOCK_TICKS_PER_SECOND = 100; // USER_HZ, fixed on Linux

    private record Variant(String name, String label, String listenerProperties) {
    }

    /** A thread's CPU ticks (utime + stime) and the times it was scheduled. */
    private record ThreadUse(long ticks, long runs) {
    }

    public static void main(String[] args) throws Exception {
        Duration settle = Duration.ofSeconds(args.length > 0 ? Long.parseLong(args[0]) : 20);
        Duration window = Duration.ofSeconds(args.length > 1 ? Long.parseLong(args[1]) : 60);
        ScratchDirectory scratch = ScratchDirectory.create("quiet-bench");
        Path dir = scratch.path();
        List<String> wanted = List.of(System.getProperty("quiet.variants", "defaults,watch-off,wake-off").split(","));
        List<Variant> variants = Stream.of(new Variant("defaults", "defaults", ""),
                new Variant("watch-off", "exit watch off (listener.supervisor.wake.exit-watch=false)",
                        "listener.supervisor.wake.exit-watch=false\n"),
                new Variant("wake-off", "wake off (listener.supervisor.wake.interval=0s)",
                        "listener.supervisor.wake.interval=0s\n"))
                .filter(variant -> wanted.contains(variant.name())).toList();
        if (variants.isEmpty()) {
            throw new IllegalArgumentException("-Dquiet.variants: none of defaults, watch-off, wake-off");
        }
        try (scratch; DevBroker broker = DevBroker.start(dir.resolve("broker"), "127.0.0.1", Ports.freeTcpPort(),
                Ports.freeTcpPort())) {
            for (Variant variant : variants) {
                measure(dir.resolve("variant-" + variants.indexOf(variant)), broker, variant, settle, window);
            }
            scratch.completed();
        }
    }

    private static void measure(Path dir, DevBroker broker, Variant variant, Duration settle, Duration window)
            throws Exception {
        Files.createDirectories(dir);
        // -DlistenerProperties="key=value;key=value": more listener properties in both variants.
        Path listenerConfig = Files.writeString(dir.resolve("listener.properties"), variant.listenerProperties()
                + System.getProperty("listenerProperties", "").replace(';', '\n') + "\n");
        StringBuilder programs = new StringBuilder();
        for (int i = 1; i <= 3; i++) {
            programs.append("[program:sleeper").append(i).append("]\ncommand=sleep infinity\n\n");
        }
        try (Supervisord supervisord = Supervisord.start(dir.resolve("supervisord"), "quiet", programs
                + Pipeline.listenerSection(broker.bootstrapServers(), "quiet-host", "PROCESS_STATE,TICK_5",
                "--config " + listenerConfig))) {
            Awaitility.await("the listener RUNNING").atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(100))
                    .until(() -> "RUNNING".equals(supervisord.status().get("kafka:kafka")));
            long pid = supervisord.pidOf("kafka:kafka");
            // Deliberate: the benchmark measures a quiet host over a window, nothing to synchronise with.
            Thread.sleep(settle.toMillis());
            Map<String, ThreadUse> before = threadUse(pid);
            long start = System.nanoTime();
            Thread.sleep(window.toMillis());
            Map<String, ThreadUse> after = threadUse(pid);
            double seconds = (System.nanoTime() - start) / 1e9;
            long total = after.values().stream().mapToLong(ThreadUse::ticks).sum()
                    - before.values().stream().mapToLong(ThreadUse::ticks).sum();
            System.out.printf("%s: %.2f%% of a core over %.0f s; resident %s, peak %s; %d threads%n", variant.label(),
                    100.0 * total / CLOCK_TICKS_PER_SECOND / seconds, seconds, status(pid, "VmRSS"),
                    status(pid, "VmHWM"), after.size());
            for (ProcessHandle helper : helpersOf(pid)) {
                // Pss: its share of the pages it maps with others (supervisord's Python and its libraries).
                System.out.printf("    its helper %s (pid %d, counted above): resident %s, %s its own (RssAnon),"
                        + " proportional %s%n", helper.info().command().orElse("?"), helper.pid(),
                        status(helper.pid(), "VmRSS"), status(helper.pid(), "RssAnon"), proportionalSet(helper.pid()));
            }
            ThreadUse none = new ThreadUse(0, 0);
            List<Map.Entry<String, ThreadUse>> busiest = new ArrayList<>();
            after.forEach((thread, use) -> {
                ThreadUse was = before.getOrDefault(thread, none);
                busiest.add(Map.entry(thread, new ThreadUse(use.ticks() - was.ticks(), use.runs() - was.runs())));
            });
            busiest.sort(Comparator.comparingLong((Map.Entry<String, ThreadUse> e) -> e.getValue().ticks())
                    .thenComparingLong(e -> e.getValue().runs()).reversed());
            busiest.stream().filter(e -> e.getValue().ticks() > 0 || e.getValue().runs() >= seconds).limit(10)
                    .forEach(e -> System.out.printf("    %-28s %.2f%%  %5.1f wake-ups/s%n", e.getKey(),
                            100.0 * e.getValue().ticks() / CLOCK_TICKS_PER_SECOND / seconds,
                            e.getValue().runs() / seconds));
        }
    }

    /**
     * Each thread's CPU time (utime + stime) and how many times it ran, by "name (tid)", of the listener and of the
     * helpers it runs (the child-exit watch): what the listener costs the host.
     */
    private static Map<String, ThreadUse> threadUse(long pid) throws IOException {
        Map<String, ThreadUse> use = threadUseOf(pid);
        for (ProcessHandle helper : helpersOf(pid)) {
            use.putAll(threadUseOf(helper.pid()));
        }
        return use;
    }

    /** The processes the listener runs (the child-exit watch's helper). */
    private static List<ProcessHandle> helpersOf(long pid) {
        return ProcessHandle.of(pid).map(listener -> listener.children().toList()).orElse(List.of());
    }

    private static Map<String, ThreadUse> threadUseOf(long pid) throws IOException {
        Map<String, ThreadUse> use = new HashMap<>();
        for (ThreadStat thread : ThreadStat.of(pid)) {
            long ticks = thread.field(14) + thread.field(15); // utime, stime
            use.put(thread.name() + " (" + thread.tid() + ")", new ThreadUse(ticks, thread.timesScheduled()));
        }
        return use;
    }

    private static String proportionalSet(long pid) throws IOException {
        return Files.readAllLines(Path.of("/proc", Long.toString(pid), "smaps_rollup")).stream()
                .filter(line -> line.startsWith("Pss:")).map(line -> line.substring("Pss:".length()).trim())
                .findFirst().orElse("?");
    }

    private static String status(long pid, String field) throws IOException {
        return Files.readAllLines(Path.of("/proc", Long.toString(pid), "status")).stream()
                .filter(line -> line.startsWith(field + ":")).map(line -> line.substring(field.length() + 1).trim())
                .findFirst().orElse("?");
    }
}
