package io.supervisorkafka.tools;

import io.supervisorkafka.schemas.ProcessStatus;
import io.supervisorkafka.schemas.Topics;
import io.supervisorkafka.schemas.cli.BrokerCheck;
import io.supervisorkafka.schemas.cli.Glob;
import io.supervisorkafka.schemas.cli.KafkaRefusal;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.apache.kafka.common.errors.WakeupException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code supervisor-kafka status}: the fleet's {@code supervisorctl status}, from the Streams app's compacted
 * {@link Topics#PROCESS_STATUS}, with an exit code a script or a Nagios-style check can use.
 */
@Command(name = "status", mixinStandardHelpOptions = true, sortOptions = false, usageHelpWidth = 100,
        usageHelpAutoWidth = true, exitCodeOnInvalidInput = StatusCommand.CANNOT_READ,
        exitCodeOnExecutionException = StatusCommand.CANNOT_READ,
        description = {"The fleet's supervisorctl status: one line per process of every server, from the Streams"
                + " app's compacted topic supervisor.process-status.",
                "",
                "Each line: server, group:name, state, check, pid, uptime, how the last run ended (exit status or"
                        + " signal), since when it is in its state, and why it is not running (its spawn error or the"
                        + " last line its last run wrote). The topic is read once to its end, without a consumer"
                        + " group.",
                "",
                "CHECK is the process's check as the Streams app derives it from the state, whatever the watch rules:"
                        + " OK for RUNNING; UNKNOWN for STARTING and UNKNOWN; CRITICAL for STOPPED, BACKOFF, STOPPING,"
                        + " EXITED and FATAL."},
        footer = {"", "Globs: * any characters, ? one. Durations: 500ms, 30s, 5m or PT30S.",
                "Exit codes (those of a Nagios plugin): 0 every process shown is OK (or none is shown); 1 one is"
                        + " WARNING or UNKNOWN (e.g. STARTING) and none CRITICAL; 2 one is CRITICAL; 3 cannot read: no"
                        + " broker answered within --timeout, it refused the credentials or the topic, the topic does"
                        + " not exist, no process (of a server matching --server) is on it, a bad option or an"
                        + " unreadable --config file. With --watch, the code of the last view."})
final class StatusCommand implements Callable<Integer> {
    static final int CANNOT_READ = 3;
    private static final String NAME = "supervisor-kafka status: ";
    /** How often a terminal's table is redrawn when nothing changed, so that uptimes move on. */
    private static final Duration REDRAW = Duration.ofSeconds(1);

    @Mixin
    ConnectionOptions connection;

    @Option(names = "--server", paramLabel = "GLOB[,...]",
            description = "Only the servers whose id matches, e.g. 'web-*' (repeatable).")
    List<String> servers;

    @Option(names = "--state", paramLabel = "STATE[,...]",
            description = "Only the processes in these states, in any case, e.g. fatal,backoff (repeatable).")
    List<String> states;

    @Option(names = "--check", paramLabel = "STATUS[,...]",
            description = "Only the processes whose check has exactly these statuses: OK, WARNING, CRITICAL, UNKNOWN"
                    + " (repeatable); every one that is not OK: --check critical,warning,unknown.")
    List<String> checks;

    @Option(names = "--json", description = "One JSON object per line and process instead of the table; with --watch,"
            + " one per change.")
    boolean json;

    @Option(names = "--summary", description = "One line instead of the table, as a Nagios plugin prints: the worst"
            + " status, the counts by check and the first processes that are not OK.")
    boolean summary;

    @Option(names = "--watch", description = "Go on reading, and show each change: in a terminal the table is redrawn"
            + " in place; otherwise (or with --append) a new table is printed per change. Ctrl-C stops.")
    boolean watch;

    @Option(names = "--append", description = "With --watch: print a new table per change rather than redraw in place,"
            + " as when the output is not a terminal.")
    boolean append;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "10s", converter = DurationConverter.class,
            description = "How long the brokers have to answer each request, and the read to make progress, before"
                    + " status gives up with exit code 3 (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Spec
    CommandSpec spec;

    /** What uptimes count to; a test sets it. */
    java.time.Clock clock = java.time.Clock.systemUTC();

    private volatile boolean stopped;
    private volatile ProcessStatusReader reader;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        StatusView.Filter filter;
        Properties settings;
        try {
            if (json && summary) {
                throw new IllegalArgumentException("--json and --summary exclude each other");
            }
            if (append && !watch) {
                throw new IllegalArgumentException("--append goes with --watch");
            }
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("--timeout " + timeout + ": must be more than 0");
            }
            filter = StatusView.Filter.of(servers, states, checks);
            settings = connection.consumerSettings();
        } catch (IllegalArgumentException invalid) {
            err.println(NAME + invalid.getMessage());
            return CANNOT_READ;
        }
        try {
            BrokerCheck.requireReachable(ConnectionOptions.asMap(settings), timeout);
        } catch (BrokerCheck.BrokerUnreachableException e) {
            err.println(NAME + e.getMessage());
            return CANNOT_READ;
        }
        try (ProcessStatusReader opened = ProcessStatusReader.open(settings, timeout)) {
            reader = opened;
            if (stopped) {
                return CANNOT_READ;
            }
            opened.readToEnd();
            if (opened.unreadable() > 0) {
                err.println(NAME + opened.unreadable() + " records of " + Topics.PROCESS_STATUS
                        + " are not process statuses and were skipped (the first at " + opened.firstUnreadable() + ")");
            }
            if (!watch) {
                return showOnce(opened, filter, err);
            }
            return watch(opened, filter);
        } catch (ProcessStatusReader.CannotRead e) {
            err.println(NAME + e.getMessage());
            return CANNOT_READ;
        } catch (WakeupException stoppedWhileReading) {
            return CANNOT_READ;
        } catch (org.apache.kafka.common.KafkaException e) {
            // status only reads, without a group: a refusal is Read (or Describe) on the topic, or the credentials.
            Optional<KafkaRefusal.Refusal> refusal = KafkaRefusal.explain(e, new KafkaRefusal.Access(
                    KafkaRefusal.principal(ConnectionOptions.asMap(settings)), topic -> "Read", null, null, null));
            err.println(NAME + refusal.map(KafkaRefusal.Refusal::message)
                    .orElse("cannot read " + Topics.PROCESS_STATUS + ": " + e.getMessage()));
            return CANNOT_READ;
        } finally {
            reader = null;
        }
    }

    /** Ends {@code --watch} (and a read under way) from another thread; call returns the last view's code. */
    void stop() {
        stopped = true;
        ProcessStatusReader current = reader;
        if (current != null) {
            current.wakeup();
        }
    }

    private int showOnce(ProcessStatusReader reader, StatusView.Filter filter, PrintWriter err) {
        if (reader.processes().values().stream().noneMatch(p -> filter.matchesServer(p.server()))) {
            err.println(NAME + (filter.servers().isEmpty() ? "no process on " + Topics.PROCESS_STATUS
                    + " yet (its listeners and the Streams app write them)"
                    : "no process of a server matching " + filter.servers().stream().map(Glob::text).collect(java.util.stream.Collectors.joining(",")) + " on "
                    + Topics.PROCESS_STATUS));
            return CANNOT_READ;
        }
        List<ProcessStatus> shown = select(reader, filter);
        long now = clock.millis();
        PrintWriter out = spec.commandLine().getOut();
        StringBuilder text = new StringBuilder();
        if (json) {
            shown.forEach(p -> text.append(StatusView.json(p, now)).append(System.lineSeparator()));
        } else if (summary) {
            text.append(StatusView.summary(shown)).append(System.lineSeparator());
        } else {
            StatusView.table(shown, now).forEach(line -> text.append(line).append(System.lineSeparator()));
        }
        out.print(text);
        out.flush();
        return StatusView.exitCode(shown);
    }

    private int watch(ProcessStatusReader reader, StatusView.Filter filter) {
        PrintWriter out = spec.commandLine().getOut();
        boolean inPlace = !append && System.console() != null;
        List<ProcessStatus> shown = select(reader, filter);
        long now = clock.millis();
        if (json) {
            StringBuilder lines = new StringBuilder();
            shown.forEach(p -> lines.append(StatusView.json(p, now)).append(System.lineSeparator()));
            out.print(lines);
            out.flush();
        } else {
            draw(out, shown, now, inPlace, true);
        }
        int code = StatusView.exitCode(shown);
        long drawnAt = System.nanoTime();
        while (!stopped) {
            List<ProcessStatusReader.Change> changes = reader.poll(REDRAW);
            // A change matters when the process was shown or is now: one that leaves the selection is news too.
            List<ProcessStatusReader.Change> relevant = changes.stream()
                    .filter(c -> c.before() != null && filter.matches(c.before())
                            || c.after() != null && filter.matches(c.after())).toList();
            shown = relevant.isEmpty() ? shown : select(reader, filter);
            code = StatusView.exitCode(shown);
            long at = clock.millis();
            if (json) {
                StringBuilder lines = new StringBuilder();
                for (ProcessStatusReader.Change change : relevant) {
                    lines.append(change.after() == null ? StatusView.jsonRemoved(change.before())
                            : StatusView.json(change.after(), at)).append(System.lineSeparator());
                }
                out.print(lines);
                out.flush();
            } else if (!relevant.isEmpty() || inPlace && System.nanoTime() - drawnAt >= REDRAW.toNanos()) {
                draw(out, shown, at, inPlace, false);
                drawnAt = System.nanoTime();
            }
        }
        return code;
    }

    /**
     * One view: a line with the time and the summary, then the table (unless {@code --summary}). In place: from the
     * top of the screen, each line clearing what a longer line left, and the rest of the screen cleared after it.
     */
    private void draw(PrintWriter out, List<ProcessStatus> shown, long now, boolean inPlace, boolean first) {
        List<String> lines = new java.util.ArrayList<>();
        lines.add(Instant.ofEpochMilli(now).truncatedTo(ChronoUnit.SECONDS) + "  " + StatusView.summary(shown));
        if (!summary) {
            lines.addAll(StatusView.table(shown, now));
        }
        StringBuilder frame = new StringBuilder();
        if (inPlace) {
            frame.append("\033[H");
            lines.forEach(line -> frame.append(line).append("\033[K\n"));
            frame.append("\033[J");
        } else {
            if (!first && !summary) {
                frame.append(System.lineSeparator());
            }
            lines.forEach(line -> frame.append(line).append(System.lineSeparator()));
        }
        out.print(frame);
        out.flush();
    }

    private static List<ProcessStatus> select(ProcessStatusReader reader, StatusView.Filter filter) {
        return reader.processes().values().stream().filter(filter::matches).toList();
    }
}
