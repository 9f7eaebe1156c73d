package io.supervisorkafka.listener;

import io.supervisorkafka.testkit.ThreadStat;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * One thread of a process as the kernel schedules it, from {@code /proc/PID/task/TID/stat} ({@link ThreadStat}).
 *
 * @param name       the thread's kernel name ({@code comm})
 * @param policy     {@link #SCHED_OTHER}, {@link #SCHED_FIFO}, ... (without SCHED_RESET_ON_FORK)
 * @param rtPriority the real-time priority, 0 outside the real-time classes
 * @param nice       the nice value
 */
record ThreadScheduling(String name, int policy, int rtPriority, int nice) {
    static final int SCHED_OTHER = 0;
    static final int SCHED_FIFO = 1;

    /** The process's threads, those that ended while listed left out. */
    static List<ThreadScheduling> of(long pid) throws IOException {
        return ThreadStat.of(pid).stream().map(thread -> new ThreadScheduling(thread.name(), (int) thread.field(41),
                (int) thread.field(40), (int) thread.field(19))).toList();
    }

    /**
     * Whether a listener this JVM starts may put a thread in SCHED_FIFO: tried on a command, since a container may
     * refuse real-time classes to root (a cgroup without real-time runtime) where the capability says yes.
     */
    static boolean mayUseRealTime() throws IOException, InterruptedException {
        Process probe = new ProcessBuilder("chrt", "--fifo", "1", "true").redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        return probe.waitFor() == 0;
    }

    /** Whether this JVM, and so a listener it starts, may lower a nice value: CAP_SYS_NICE in its effective set. */
    static boolean mayRaise() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"), StandardCharsets.UTF_8)) {
            if (line.startsWith("CapEff:")) {
                long capabilities = Long.parseUnsignedLong(line.substring("CapEff:".length()).trim(), 16);
                return (capabilities & (1L << 23)) != 0; // CAP_SYS_NICE
            }
        }
        return false;
    }
}
