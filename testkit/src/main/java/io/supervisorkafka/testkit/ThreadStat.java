package io.supervisorkafka.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * One thread of a process as {@code /proc/PID/task/TID/stat} shows it (proc(5)), for the tests and benchmarks that
 * look at a process's threads: their CPU time, their scheduling class, how often they wake.
 *
 * @param tid            the thread's id
 * @param name           its kernel name ({@code comm}), which may hold spaces and parentheses
 * @param fields         the fields after the name, from the 3rd (the state) on
 * @param timesScheduled how many times it has run on a CPU ({@code schedstat}'s third field): its wake-ups, which
 *                       cost CPU whatever the thread then does; -1 when the kernel does not say
 */
public record ThreadStat(String tid, String name, List<String> fields, long timesScheduled) {
    public ThreadStat {
        fields = List.copyOf(fields);
    }

    /** The threads of the process, those that ended while listed left out. */
    public static List<ThreadStat> of(long pid) throws IOException {
        List<ThreadStat> threads = new ArrayList<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : tasks.toList()) {
                String stat;
                String schedstat;
                try {
                    stat = Files.readString(task.resolve("stat"), StandardCharsets.UTF_8);
                    schedstat = schedstatOf(task);
                } catch (IOException threadEnded) {
                    continue; // a thread that ended between the listing and the reads
                }
                threads.add(parse(task.getFileName().toString(), stat, schedstat));
            }
        }
        return threads;
    }

    /** Its schedstat; null on a kernel without scheduler statistics. An IOException when the thread has ended. */
    private static String schedstatOf(Path task) throws IOException {
        try {
            return Files.readString(task.resolve("schedstat"), StandardCharsets.US_ASCII);
        } catch (NoSuchFileException e) {
            if (Files.isDirectory(task)) {
                return null;
            }
            throw e;
        }
    }

    /**
     * The name is what lies between the first '(' and the last ") ": a name may itself hold either. {@code schedstat}
     * is "time on CPU (ns), time waiting to run (ns), times run", or null when the kernel keeps none.
     */
    public static ThreadStat parse(String tid, String stat, String schedstat) {
        int close = stat.lastIndexOf(") ");
        return new ThreadStat(tid, stat.substring(stat.indexOf('(') + 1, close),
                List.of(stat.substring(close + 2).strip().split(" ")),
                schedstat == null ? -1 : Long.parseLong(schedstat.strip().split(" ")[2]));
    }

    /** Field {@code number} as proc(5) numbers them (3 the state, 14 utime, 19 nice, 41 the policy). */
    public long field(int number) {
        return Long.parseLong(fields.get(number - 3));
    }
}
