package io.supervisorkafka.listener.supervisor.exits;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What supervisord's main log says about how a process's runs began and ended: the only place that always has the
 * exit status or the signal, since its events carry neither (supervisord 4.2.5, process.py {@code finish()} and
 * {@code _spawn_as_parent()}). The lines, written at {@code loglevel=info}:
 * <pre>
 * 2026-11-30 19:41:46,154 INFO spawned: 'run3' with pid 26210
 * 2026-11-30 19:41:48,243 WARN exited: run3 (exit status 3; not expected)
 * 2026-11-30 19:42:31,925 WARN exited: sleeper (terminated by SIGKILL; not expected)
 * 2026-11-30 19:42:57,425 WARN stopped: sleeper (terminated by SIGTERM)
 * 2026-11-30 19:47:02,729 INFO stopped: graceful (exit status 0)
 * 2026-11-30 19:41:33,692 INFO gave up: quick3 entered FATAL state, too many start retries too quickly
 * </pre>
 * They name the process without its group. Timestamps are supervisord's local time, to the millisecond, with no zone:
 * only differences between them are used. At {@code loglevel=warn} the INFO lines are missing (spawned, expected
 * exits, stops by exit status 0, gave up).
 */
public final class SupervisordLog {
    private static final Pattern LINE = Pattern.compile(
            "(\\d{4}-\\d{2}-\\d{2}) (\\d{2}:\\d{2}:\\d{2}),(\\d{3}) ([A-Z]{4}) (spawned|exited|stopped|gave up): (.*)");
    private static final Pattern SPAWNED = Pattern.compile("'(.*)' with pid (\\d{1,18})");
    private static final String CAUSE = "(?:exit status (?<status>\\d{1,9})|terminated by (?<signal>SIG[A-Z0-9+-]+"
            + "|signal \\d{1,4})(?: \\(core dumped\\))?|unknown termination cause 0x[0-9a-f]+)";
    private static final Pattern EXITED = Pattern.compile("(?<name>.+?) \\(" + CAUSE
            + "; (?<expected>expected|not expected)\\)");
    private static final Pattern STOPPED = Pattern.compile("(?<name>.+?) \\(" + CAUSE + "\\)");
    private static final Pattern GAVE_UP = Pattern.compile(
            "(.+) entered FATAL state, too many start retries too quickly");
    /** Longer lines are not among those of interest (process names are short): skipped unread. */
    private static final int MAX_LINE = 2048;

    private SupervisordLog() {
    }

    /** The kinds of line that matter here. */
    public enum Kind { SPAWNED, EXITED, STOPPED, GAVE_UP }

    /**
     * One line of interest.
     *
     * @param time       when supervisord wrote it (its local time)
     * @param kind       what it says
     * @param name       the process name (without its group)
     * @param pid        the pid of a spawned line, else 0
     * @param exitStatus the exit status of an exited or stopped line that ended by exiting, else null
     * @param signal     the signal of an exited or stopped line that ended by one ({@code SIGKILL}), else null;
     *                   {@code signal 34} for a signal Python has no name for
     * @param expected   an exited line's {@code expected} or {@code not expected}, else null
     */
    public record Line(LocalDateTime time, Kind kind, String name, long pid, Integer exitStatus, String signal,
                       Boolean expected) {
        boolean ends() {
            return kind == Kind.EXITED || kind == Kind.STOPPED;
        }
    }

    /**
     * The lines of interest in the last {@code maxBytes} bytes of the log file (supervisord's own {@code readLog}
     * window, read from the file): a window that begins inside a line or a character only cuts that first line, which
     * {@link #parse} skips.
     */
    public static List<Line> readTail(Path file, int maxBytes) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            ByteBuffer bytes = OutputTail.read(channel, Math.max(0, size - maxBytes), size);
            return parse(new String(bytes.array(), 0, bytes.limit(), StandardCharsets.UTF_8));
        }
    }

    /**
     * The lines of interest in a piece of the log, in order. Anything else is skipped: other lines, the
     * continuation lines of a multi-line record, and a first line cut short by the window the piece was read with.
     */
    public static List<Line> parse(String text) {
        List<Line> lines = new ArrayList<>();
        int start = 0;
        int length = text.length();
        while (start < length) {
            int end = text.indexOf('\n', start);
            if (end < 0) {
                end = length;
            }
            Line line = parseLine(text.substring(start, end));
            if (line != null) {
                lines.add(line);
            }
            start = end + 1;
        }
        return lines;
    }

    /** One line of the log, or null when it is not one of interest. */
    static Line parseLine(String raw) {
        if (raw.length() > MAX_LINE) {
            return null;
        }
        String text = raw.endsWith("\r") ? raw.substring(0, raw.length() - 1) : raw;
        Matcher line = LINE.matcher(text);
        if (!line.matches()) {
            return null;
        }
        LocalDateTime time;
        try {
            time = LocalDateTime.parse(line.group(1) + "T" + line.group(2) + "." + line.group(3));
        } catch (DateTimeParseException e) {
            return null;
        }
        String message = line.group(6);
        switch (line.group(5)) {
            case "spawned" -> {
                Matcher m = SPAWNED.matcher(message);
                return m.matches() ? new Line(time, Kind.SPAWNED, m.group(1), Long.parseLong(m.group(2)), null, null,
                        null) : null;
            }
            case "exited" -> {
                Matcher m = EXITED.matcher(message);
                return m.matches() ? ending(time, Kind.EXITED, m, m.group("expected").equals("expected")) : null;
            }
            case "stopped" -> {
                Matcher m = STOPPED.matcher(message);
                return m.matches() ? ending(time, Kind.STOPPED, m, null) : null;
            }
            default -> {
                Matcher m = GAVE_UP.matcher(message);
                return m.matches() ? new Line(time, Kind.GAVE_UP, m.group(1), 0, null, null, null) : null;
            }
        }
    }

    private static Line ending(LocalDateTime time, Kind kind, Matcher m, Boolean expected) {
        Integer exitStatus = m.group("status") == null ? null : Integer.valueOf(m.group("status"));
        return new Line(time, kind, m.group("name"), 0, exitStatus, m.group("signal"), expected);
    }

    /**
     * How one run ended, as the log tells it.
     *
     * @param ended   the exited or stopped line
     * @param spawned the run's spawned line, or null when it is not in the piece of the log (or not logged)
     */
    public record Run(Line ended, Line spawned) {
        /** The pid, from the spawned line; 0 when unknown. */
        public long pid() {
            return spawned == null ? 0 : spawned.pid();
        }

        /** From spawned to ended, to the millisecond; null without the spawned line. */
        public Double runSeconds() {
            if (spawned == null) {
                return null;
            }
            long millis = Duration.between(spawned.time(), ended.time()).toMillis();
            return millis < 0 ? null : millis / 1000.0;
        }
    }

    /**
     * The run of process {@code name} that an event reports as ended, or null when the lines do not tell.
     *
     * <ul>
     * <li>With the pid (EXITED, STOPPED): the first exited or stopped line after {@code spawned: 'name' with pid};
     * when that spawned line is older than the piece, the last ending line before the first spawned line of the
     * name in the piece (every run spawned in the piece is a later one).</li>
     * <li>Without (BACKOFF, FATAL): the latest ending line of the name (for FATAL the latest before
     * {@code gave up: name}), with the spawned line before it.</li>
     * </ul>
     *
     * @param stopped whether the event is STOPPED (a {@code stopped:} line) rather than an exit ({@code exited:})
     * @param pid     the pid of the run from the event, or 0 when the event has none
     * @param fatal   whether the event is FATAL
     */
    public static Run find(List<Line> lines, String name, boolean stopped, long pid, boolean fatal) {
        Kind ending = stopped ? Kind.STOPPED : Kind.EXITED;
        List<Line> own = lines.stream().filter(line -> line.name().equals(name)).toList();
        if (pid > 0) {
            return findByPid(own, ending, pid);
        }
        int last = own.size() - 1;
        if (fatal) {
            for (int i = last; i >= 0; i--) {
                if (own.get(i).kind() == Kind.GAVE_UP) {
                    last = i - 1;
                    break;
                }
            }
        }
        for (int i = last; i >= 0; i--) {
            Line line = own.get(i);
            if (line.kind() == ending) {
                return new Run(line, spawnedBefore(own, i));
            }
            if (line.ends()) {
                return null; // the latest run ended otherwise than the event says
            }
        }
        return null;
    }

    private static Run findByPid(List<Line> own, Kind ending, long pid) {
        for (int i = 0; i < own.size(); i++) {
            Line line = own.get(i);
            if (line.kind() == Kind.SPAWNED && line.pid() == pid) {
                for (int j = i + 1; j < own.size(); j++) {
                    Line next = own.get(j);
                    if (next.kind() == Kind.SPAWNED) {
                        return null; // another run began: this one's end was not logged
                    }
                    if (next.ends()) {
                        return next.kind() == ending ? new Run(next, line) : null;
                    }
                }
                return null;
            }
        }
        Line candidate = null;
        for (Line line : own) {
            if (line.kind() == Kind.SPAWNED) {
                break;
            }
            if (line.ends()) {
                candidate = line;
            }
        }
        return candidate != null && candidate.kind() == ending ? new Run(candidate, null) : null;
    }

    private static Line spawnedBefore(List<Line> own, int index) {
        for (int i = index - 1; i >= 0; i--) {
            Line line = own.get(i);
            if (line.kind() == Kind.SPAWNED) {
                return line;
            }
            if (line.ends()) {
                return null;
            }
        }
        return null;
    }
}
