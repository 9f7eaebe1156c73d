package io.supervisorkafka.schemas;

import java.util.List;

/**
 * The gunicorn apps on one server at one moment (topic {@link Topics#GUNICORN}, key server id), found in the process
 * table by the listener.
 *
 * @param server     the server id
 * @param observedAt when the sampling window ended, epoch ms
 * @param sampleMs   length of the CPU sampling window that tells working from idle workers
 * @param apps       every master found, and every configured app without one
 */
public record GunicornSnapshot(String server, long observedAt, long sampleMs, List<App> apps) {

    public GunicornSnapshot {
        apps = apps == null ? List.of() : List.copyOf(apps);
    }

    /**
     * One gunicorn app.
     *
     * @param app        the NAME of {@code gunicorn: master [NAME]}
     * @param configured whether the app is in the listener's list of apps
     * @param masterPid  the master's pid; null when no master runs
     * @param group      the supervisord group of the program whose pid is the master's, when known
     * @param program    the supervisord program name, when known
     * @param workers    the master's workers
     */
    public record App(String app, boolean configured, Long masterPid, String group, String program,
                      List<Worker> workers) {
        public App {
            workers = workers == null ? List.of() : List.copyOf(workers);
        }

        public long working() {
            return workers.stream().filter(w -> WORKING.equals(w.state())).count();
        }

        public long idle() {
            return workers.size() - working();
        }
    }

    /** A worker and its state: {@link #WORKING} or {@link #IDLE}. */
    public record Worker(long pid, String state) {
    }

    public static final String WORKING = "working";
    public static final String IDLE = "idle";
}
