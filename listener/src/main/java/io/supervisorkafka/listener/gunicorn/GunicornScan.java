package io.supervisorkafka.listener.gunicorn;

import io.supervisorkafka.schemas.GunicornSnapshot;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * One look at the process table: the gunicorn masters ({@code gunicorn: master [NAME]}, the title gunicorn sets when
 * setproctitle is installed) and their workers ({@code gunicorn: worker [NAME]} whose parent is the master), with the
 * CPU time of each worker. Two scans a sampling window apart tell working workers (CPU time moved) from idle ones.
 */
public record GunicornScan(Map<String, Master> masters) {

    public static final String MASTER_PREFIX = "gunicorn: master [";
    public static final String WORKER_PREFIX = "gunicorn: worker [";

    /** A master and its workers' CPU ticks by pid. */
    public record Master(String app, long pid, Map<Long, Long> workerTicks) {
    }

    /** The program supervisord runs with a given pid. */
    public record Program(String group, String name) {
    }

    /** Reads the process table once. */
    public static GunicornScan of(ProcTable table) {
        List<ProcTable.Proc> processes = table.withCmdlinePrefix("gunicorn: ");
        Map<String, Master> masters = new TreeMap<>();
        for (ProcTable.Proc proc : processes) {
            String app = bracketed(proc.cmdline(), MASTER_PREFIX);
            if (app != null) {
                Map<Long, Long> workers = new TreeMap<>();
                for (ProcTable.Proc child : processes) {
                    if (child.ppid() == proc.pid() && bracketed(child.cmdline(), WORKER_PREFIX) != null) {
                        workers.put(child.pid(), child.cpuTicks());
                    }
                }
                // Two masters with one name (two hosts' configs copied): keep both apart by pid.
                masters.put(masters.containsKey(app) ? app + "#" + proc.pid() : app, new Master(app, proc.pid(),
                        workers));
            }
        }
        return new GunicornScan(masters);
    }

    /** NAME of {@code PREFIX NAME]}, or null. */
    static String bracketed(String cmdline, String prefix) {
        if (!cmdline.startsWith(prefix) || !cmdline.endsWith("]") || cmdline.length() <= prefix.length() + 1) {
            return null;
        }
        return cmdline.substring(prefix.length(), cmdline.length() - 1);
    }

    /**
     * The snapshot from a scan at the start of the sampling window and one at its end: a worker present in both whose
     * CPU time moved is working, every other worker of the end scan is idle (a worker blocked on I/O reads as idle).
     *
     * @param configured the configured apps (empty: all masters found); each is listed, with or without a master
     * @param programs   supervisord's running programs by pid, to name the program of a master
     */
    public static GunicornSnapshot snapshot(String server, long observedAt, long sampleMs, GunicornScan before,
                                            GunicornScan after, List<String> configured, Map<Long, Program> programs) {
        Map<String, GunicornSnapshot.App> apps = new LinkedHashMap<>();
        Set<String> wanted = Set.copyOf(configured);
        for (Map.Entry<String, Master> entry : after.masters().entrySet()) {
            Master master = entry.getValue();
            if (!wanted.isEmpty() && !wanted.contains(master.app())) {
                continue;
            }
            Master earlier = before.masters().get(entry.getKey());
            List<GunicornSnapshot.Worker> workers = new ArrayList<>();
            master.workerTicks().forEach((pid, ticks) -> {
                Long start = earlier == null || earlier.pid() != master.pid() ? null : earlier.workerTicks().get(pid);
                boolean working = start != null && ticks > start;
                workers.add(new GunicornSnapshot.Worker(pid, working ? GunicornSnapshot.WORKING
                        : GunicornSnapshot.IDLE));
            });
            Program program = programs.get(master.pid());
            apps.put(entry.getKey(), new GunicornSnapshot.App(master.app(), wanted.contains(master.app()),
                    master.pid(), program == null ? null : program.group(), program == null ? null : program.name(),
                    workers));
        }
        for (String app : configured) {
            if (!apps.containsKey(app)) {
                apps.put(app, new GunicornSnapshot.App(app, true, null, null, null, List.of()));
            }
        }
        return new GunicornSnapshot(server, observedAt, sampleMs, List.copyOf(apps.values()));
    }
}
