package io.supervisorkafka.listener.gunicorn;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The process table as {@code /proc} shows it (the root is a parameter so tests read captured trees). A process that
 * exits while being read is skipped.
 */
public final class ProcTable {
    /** One process: pid, parent, command line (NULs as spaces, trimmed) and CPU time (utime+stime, in ticks). */
    public record Proc(long pid, long ppid, String cmdline, long cpuTicks) {
    }

    private final Path root;

    public ProcTable(Path root) {
        this.root = root;
    }

    public static ProcTable system() {
        return new ProcTable(Path.of("/proc"));
    }

    /** Every process whose command line starts with {@code prefix}. */
    public List<Proc> withCmdlinePrefix(String prefix) {
        List<Proc> found = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(root)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                if (name.isEmpty() || !Character.isDigit(name.charAt(0)) || !name.chars().allMatch(Character::isDigit)) {
                    continue;
                }
                String cmdline = cmdline(entry);
                if (cmdline == null || !cmdline.startsWith(prefix)) {
                    continue;
                }
                long[] stat = stat(entry);
                if (stat != null) {
                    found.add(new Proc(Long.parseLong(name), stat[0], cmdline, stat[1]));
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot list " + root + ": " + e.getMessage(), e);
        }
        return found;
    }

    private static String cmdline(Path dir) {
        try {
            byte[] bytes = Files.readAllBytes(dir.resolve("cmdline"));
            for (int i = 0; i < bytes.length; i++) {
                if (bytes[i] == 0) {
                    bytes[i] = ' ';
                }
            }
            return new String(bytes, StandardCharsets.UTF_8).trim();
        } catch (IOException | SecurityException gone) {
            return null;
        }
    }

    /** {ppid, utime+stime}, or null when the process is gone or the line unreadable. */
    static long[] stat(Path dir) {
        try {
            return parseStat(Files.readString(dir.resolve("stat"), StandardCharsets.UTF_8));
        } catch (IOException | RuntimeException gone) {
            return null;
        }
    }

    /** Parses a {@code /proc/PID/stat} line; the command in parentheses may hold spaces and parentheses. */
    static long[] parseStat(String line) {
        int close = line.lastIndexOf(')');
        if (close < 0) {
            return null;
        }
        String[] fields = line.substring(close + 2).trim().split(" +");
        // fields[0] is field 3 (state): ppid is field 4, utime 14, stime 15.
        if (fields.length < 13) {
            return null;
        }
        return new long[] {Long.parseLong(fields[1]), Long.parseLong(fields[11]) + Long.parseLong(fields[12])};
    }
}
