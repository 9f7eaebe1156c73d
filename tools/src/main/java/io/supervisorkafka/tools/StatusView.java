package io.supervisorkafka.tools;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.supervisorkafka.schemas.CheckStatus;
import io.supervisorkafka.schemas.Json;
import io.supervisorkafka.schemas.ProcessState;
import io.supervisorkafka.schemas.ProcessStatus;
import io.supervisorkafka.schemas.ProcessStatus.LastExit;
import io.supervisorkafka.schemas.cli.Glob;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * What {@code status} shows of the fleet: which processes its filters select, each as a row of the table or a JSON
 * object, the one-line summary, and the exit code their checks make.
 */
final class StatusView {
    /** The widest INFO column of the table; JSON has the whole text. */
    static final int INFO_WIDTH = 60;
    private static final String[] HEADER = {"SERVER", "PROCESS", "STATE", "CHECK", "PID", "UPTIME", "EXIT", "SINCE",
            "INFO"};
    /** UPTIME and PID are numbers: right-aligned, as supervisorctl's pid and uptime read. */
    private static final boolean[] RIGHT = {false, false, false, false, true, true, false, false, false};
    /** How many processes the summary names. */
    private static final int SUMMARY_NAMES = 5;

    private StatusView() {
    }

    /**
     * Which processes to show: each list empty means any.
     *
     * @param servers globs on the server id ({@code *} any characters, {@code ?} one), as the watch rules write them
     * @param states  statenames, upper case
     * @param checks  check statuses
     */
    record Filter(List<Glob> servers, Set<String> states, Set<CheckStatus> checks) {
        static final Filter ALL = new Filter(List.of(), Set.of(), Set.of());

        Filter {
            servers = List.copyOf(servers);
            states = Set.copyOf(states);
            checks = Set.copyOf(checks);
        }

        /**
         * From the options' values, each a name or a comma-separated list, in any case.
         *
         * @throws IllegalArgumentException naming a state or a check status that does not exist
         */
        static Filter of(List<String> servers, List<String> states, List<String> checks) {
            Set<String> stateNames = new TreeSet<>();
            for (String state : split(states)) {
                String name = state.toUpperCase(Locale.ROOT);
                if (Arrays.stream(ProcessState.values()).noneMatch(s -> s.name().equals(name))) {
                    throw new IllegalArgumentException("--state " + state + ": not a supervisord state (one of "
                            + Arrays.stream(ProcessState.values()).map(Enum::name).collect(Collectors.joining(", "))
                            + ")");
                }
                stateNames.add(name);
            }
            Set<CheckStatus> statuses = java.util.EnumSet.noneOf(CheckStatus.class);
            for (String check : split(checks)) {
                try {
                    statuses.add(CheckStatus.valueOf(check.toUpperCase(Locale.ROOT)));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("--check " + check + ": not a check status (one of "
                            + Arrays.stream(CheckStatus.values()).map(Enum::name).collect(Collectors.joining(", "))
                            + ")");
                }
            }
            return new Filter(split(servers).stream().map(Glob::of).toList(), stateNames, statuses);
        }

        private static List<String> split(List<String> values) {
            return values == null ? List.of() : values.stream().flatMap(v -> Arrays.stream(v.split(",")))
                    .map(String::trim).filter(v -> !v.isEmpty()).toList();
        }

        boolean matchesServer(String server) {
            return servers.isEmpty() || servers.stream().anyMatch(glob -> glob.matches(server));
        }

        boolean matches(ProcessStatus status) {
            return matchesServer(status.server())
                    && (states.isEmpty() || states.contains(String.valueOf(status.state()).toUpperCase(Locale.ROOT)))
                    && (checks.isEmpty() || checks.contains(check(status)));
        }
    }

    /** A process's check as the Streams app derived it from its state; UNKNOWN when the record has none. */
    static CheckStatus check(ProcessStatus status) {
        return status.check() == null ? CheckStatus.UNKNOWN : status.check();
    }

    /**
     * The exit code of a view: 2 when a process is CRITICAL, else 1 when one is WARNING or UNKNOWN (STARTING: not
     * known to be up), else 0. 3 (cannot read) is the command's.
     */
    static int exitCode(Collection<ProcessStatus> shown) {
        int code = 0;
        for (ProcessStatus status : shown) {
            code = Math.max(code, switch (check(status)) {
                case OK -> 0;
                case WARNING, UNKNOWN -> 1;
                case CRITICAL -> 2;
            });
        }
        return code;
    }

    /** Seconds since the process started, counted while it is RUNNING, BACKOFF or STOPPING (the record's rule). */
    static long uptime(ProcessStatus status, long now) {
        return status.startedAt() != null && ProcessState.ofName(status.state()).hasUptime()
                ? Math.max(0, (now - status.startedAt()) / 1000) : 0;
    }

    /** How the last run ended: the signal's name, else the exit status; {@code -} when unknown. */
    static String exit(ProcessStatus status) {
        LastExit last = status.lastExit();
        if (last != null && last.signal() != null) {
            return last.signal();
        }
        return status.exitStatus() == null ? "-" : status.exitStatus().toString();
    }

    /** As supervisorctl prints an uptime (Python's timedelta): {@code 1:02:05}, {@code 3 days, 4:05:06}. */
    static String formatUptime(long seconds) {
        long days = seconds / 86_400;
        String time = String.format("%d:%02d:%02d", (seconds / 3600) % 24, (seconds / 60) % 60, seconds % 60);
        return days == 0 ? time : days + (days == 1 ? " day, " : " days, ") + time;
    }

    /** supervisord's spawn error for a run that ended within startsecs: its last line of output says more. */
    private static final String EXITED_TOO_QUICKLY = "Exited too quickly";

    /**
     * Why the process is not running, when it is not: its spawn error (can't find command ...), else the last line
     * its last run wrote (rather than supervisord's "Exited too quickly", which only says that it did).
     */
    static String info(ProcessStatus status) {
        String spawnErr = status.spawnErr() == null || status.spawnErr().isBlank() ? null : status.spawnErr();
        LastExit last = status.lastExit();
        String output = last == null ? null : last.output();
        if (spawnErr != null && (output == null || !spawnErr.startsWith(EXITED_TOO_QUICKLY))) {
            return spawnErr;
        }
        return output == null || isUp(status) ? "" : output;
    }

    /** Whether the process runs (or is starting): its row shows the current run, not how the last one ended. */
    private static boolean isUp(ProcessStatus status) {
        ProcessState state = ProcessState.ofName(status.state());
        return state == ProcessState.RUNNING || state == ProcessState.STARTING;
    }

    /** The table of {@code shown}: a header, then one line per process, columns as wide as their widest cell. */
    static List<String> table(Collection<ProcessStatus> shown, long now) {
        List<String[]> rows = new ArrayList<>(shown.size() + 1);
        rows.add(HEADER);
        for (ProcessStatus p : shown) {
            String info = info(p);
            rows.add(new String[]{
                    p.server(),
                    p.group() + ":" + p.name(),
                    String.valueOf(p.state()),
                    check(p).name(),
                    p.pid() == null ? "-" : p.pid().toString(),
                    ProcessState.ofName(p.state()).hasUptime() && p.startedAt() != null
                            ? formatUptime(uptime(p, now)) : "-",
                    isUp(p) ? "-" : exit(p),
                    Instant.ofEpochMilli(p.since()).truncatedTo(ChronoUnit.SECONDS).toString(),
                    info.length() <= INFO_WIDTH ? info : info.substring(0, INFO_WIDTH - 3) + "..."});
        }
        int[] widths = new int[HEADER.length];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        List<String> lines = new ArrayList<>(rows.size());
        StringBuilder line = new StringBuilder();
        for (String[] row : rows) {
            line.setLength(0);
            for (int i = 0; i < row.length; i++) {
                String pad = " ".repeat(widths[i] - row[i].length());
                if (i > 0) {
                    line.append("  ");
                }
                line.append(RIGHT[i] ? pad + row[i] : i == row.length - 1 ? row[i] : row[i] + pad);
            }
            lines.add(line.toString().stripTrailing());
        }
        return lines;
    }

    /** One process as a JSON object with stable field names; a process that is gone: its name and {@code removed}. */
    static String json(ProcessStatus p, long now) {
        ObjectNode node = Json.MAPPER.createObjectNode();
        node.put("server", p.server());
        node.put("group", p.group());
        node.put("name", p.name());
        node.put("state", p.state());
        node.put("stateCode", p.stateCode());
        node.put("check", check(p).name());
        node.put("pid", p.pid());
        node.put("startedAt", p.startedAt());
        node.put("uptime", uptime(p, now));
        LastExit last = p.lastExit();
        node.put("exitStatus", p.exitStatus());
        node.put("signal", last == null ? null : last.signal());
        node.put("since", p.since());
        node.put("spawnErr", p.spawnErr());
        node.put("lastOutput", last == null ? null : last.output());
        node.put("updatedAt", p.updatedAt());
        return node.toString();
    }

    /** A process that is gone (its tombstone came while watching). */
    static String jsonRemoved(ProcessStatus gone) {
        ObjectNode node = Json.MAPPER.createObjectNode();
        node.put("server", gone.server());
        node.put("group", gone.group());
        node.put("name", gone.name());
        node.put("removed", true);
        return node.toString();
    }

    /**
     * One line as a Nagios plugin's: the worst status, the counts by check, and the first processes that are not OK,
     * e.g. {@code CRITICAL: 2 of 40 processes CRITICAL, 1 UNKNOWN: web-1 worker:w_0 EXITED, web-2 db:db FATAL, ...}.
     */
    static String summary(Collection<ProcessStatus> shown) {
        Map<CheckStatus, Integer> counts = new EnumMap<>(CheckStatus.class);
        List<String> notOk = new ArrayList<>();
        for (ProcessStatus p : shown) {
            CheckStatus check = check(p);
            counts.merge(check, 1, Integer::sum);
            if (check != CheckStatus.OK && notOk.size() <= SUMMARY_NAMES) {
                notOk.add(p.server() + " " + p.group() + ":" + p.name() + " " + p.state());
            }
        }
        String worst = switch (exitCode(shown)) {
            case 0 -> "OK";
            case 1 -> "WARNING";
            default -> "CRITICAL";
        };
        StringBuilder line = new StringBuilder(worst).append(": ");
        line.append(shown.size()).append(shown.size() == 1 ? " process" : " processes");
        if (counts.getOrDefault(CheckStatus.OK, 0) == shown.size()) {
            return line.append(shown.isEmpty() ? "" : " OK").toString();
        }
        List<String> byStatus = new ArrayList<>();
        for (CheckStatus status : List.of(CheckStatus.CRITICAL, CheckStatus.WARNING, CheckStatus.UNKNOWN,
                CheckStatus.OK)) {
            if (counts.containsKey(status)) {
                byStatus.add(counts.get(status) + " " + status);
            }
        }
        line.append(": ").append(String.join(", ", byStatus)).append("; ");
        line.append(String.join(", ", notOk.subList(0, Math.min(SUMMARY_NAMES, notOk.size()))));
        if (notOk.size() > SUMMARY_NAMES) {
            line.append(", ...");
        }
        return line.toString();
    }
}
