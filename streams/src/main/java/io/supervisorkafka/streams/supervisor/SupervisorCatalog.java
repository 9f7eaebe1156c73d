package io.supervisorkafka.streams.supervisor;

import io.supervisorkafka.schemas.CheckStatus;
import io.supervisorkafka.schemas.ServiceCheck;
import io.supervisorkafka.streams.common.Catalog;
import io.supervisorkafka.streams.common.CheckSpec;
import io.supervisorkafka.streams.common.MetricSpec;
import io.supervisorkafka.streams.common.PromFamily;
import io.supervisorkafka.streams.common.TagSpec;
import java.util.List;
import java.util.Map;

/**
 * The metric points and service checks of the supervisord source, named and tagged as Datadog's supervisord check
 * names and tags them ({@code supervisord_server}, {@code supervisord_process}, plus {@code supervisord_group}). Every
 * point also has {@code server}, as the points of every other source do: one tag selects a host's metrics whatever
 * their source, and it is the record key.
 */
public final class SupervisorCatalog {

    public static final TagSpec SUPERVISORD_SERVER = TagSpec.always("supervisord_server",
            "the server id, as Datadog's supervisord check tags its points (there: the instance's `name`)");
    public static final TagSpec GROUP = TagSpec.always("supervisord_group", "the process's group in supervisord");
    public static final TagSpec PROCESS = TagSpec.always("supervisord_process", "the process's name in supervisord");
    public static final TagSpec STATUS = TagSpec.always("status",
            "`up` (check OK), `down` (CRITICAL) or `unknown` (UNKNOWN)");

    public static final MetricSpec PROCESS_UPTIME = MetricSpec.gauge("supervisord.process.uptime", "s",
            "How long the process has been up: since its start while RUNNING, BACKOFF or STOPPING, else 0. On each "
                    + "status change, then every `--punctuate-interval` against the wall clock. Watched processes "
                    + "only (`watch.*` rules).")
            .tags(TagSpec.SERVER, SUPERVISORD_SERVER, GROUP, PROCESS);
    public static final MetricSpec PROCESS_COUNT = MetricSpec.gauge("supervisord.process.count", "processes",
            "The server's watched processes by check status (after its `status_mapping_override`; WARNING counts "
                    + "as `down`); `up`, `down` and `unknown` are all sent, zeros included. On each change of the "
                    + "counts, then every `--punctuate-interval`. `supervisor.process-counts` counts every process.")
            .tags(TagSpec.SERVER, SUPERVISORD_SERVER, STATUS);
    public static final MetricSpec INSTANCE_STATE = MetricSpec.gauge("supervisord.instance.state", "state code",
            "supervisord's own state: 1 RUNNING, 0 RESTARTING, -1 SHUTDOWN, 2 FATAL; the last known, from snapshots "
                    + "and SUPERVISOR_STATE_CHANGE events. On each change, then every `--punctuate-interval`.")
            .tags(TagSpec.SERVER, SUPERVISORD_SERVER);
    public static final MetricSpec PROCESS_RESTARTS = MetricSpec.gauge("supervisord.process.restarts", "restarts",
            "How many times supervisord restarted the process by itself (STARTING from EXITED or BACKOFF) within "
                    + "`--flapping-window`. On each restart, then every `--punctuate-interval` against the wall "
                    + "clock while it is above 0, and once more when it falls back to 0: a process that never "
                    + "restarted has no points (read no data as 0). Watched processes only.")
            .tags(TagSpec.SERVER, SUPERVISORD_SERVER, GROUP, PROCESS);

    public static final CheckSpec PROCESS_STATUS = new CheckSpec(ServiceCheck.PROCESS_STATUS,
            "supervisord.process.status|server/group:name",
            List.of(TagSpec.SERVER, TagSpec.always("group", "the process's group"),
                    TagSpec.always("name", "the process's name")),
            Map.of(CheckStatus.OK, "RUNNING", CheckStatus.UNKNOWN, "STARTING or UNKNOWN",
                    CheckStatus.CRITICAL, "STOPPED, BACKOFF, STOPPING, EXITED or FATAL",
                    CheckStatus.WARNING, "only for a state a `status_mapping_override` maps to it"),
            "The state of each watched process (`watch.*` rules), its status after the server's "
                    + "`status_mapping_override`, with since when and its pid; for an exit, the exit status or the "
                    + "signal, how long the run lasted and its last line of stderr, once the listener's record on "
                    + "`supervisor.process-exits` arrived (the check waits for it `--exit-context-wait` at most, "
                    + "else goes without it), or the spawn error. On first sight and on each change of status (not of "
                    + "state within a status); the last check of a removed process stands.");
    public static final CheckSpec PROCESS_FLAPPING = new CheckSpec(ServiceCheck.PROCESS_FLAPPING,
            "supervisord.process.flapping|server/group:name",
            List.of(TagSpec.SERVER, TagSpec.always("group", "the process's group"),
                    TagSpec.always("name", "the process's name")),
            Map.of(CheckStatus.CRITICAL, "restarted by supervisord, or exited unexpectedly, `--flapping-threshold` "
                            + "times within `--flapping-window`; the message counts both and gives the last exit "
                            + "status (or signal) and stderr line",
                    CheckStatus.OK, "no restart or unexpected exit for `--flapping-quiet` since it flapped"),
            "Whether a watched process keeps crashing and coming back. Restarts of supervisord itself do not count. "
                    + "Sent when it turns CRITICAL and when it is OK again; no record for a process that never "
                    + "flapped.");
    public static final CheckSpec CAN_CONNECT = new CheckSpec(ServiceCheck.CAN_CONNECT,
            "supervisord.can_connect|server", List.of(TagSpec.SERVER),
            Map.of(CheckStatus.OK, "the last XML-RPC snapshot succeeded",
                    CheckStatus.CRITICAL, "the last snapshot failed; the message names the endpoint and the error",
                    CheckStatus.UNKNOWN, "no snapshot arrived within `--stale-after`: its listener may be down"),
            "Whether the listener reaches supervisord's XML-RPC interface. On first sight and on each change; not for "
                    + "the servers of a watch rule with `server_check=false`.");

    /** The labels of a process's families: the server id, and the process's group and name in supervisord. */
    private static final String[] PROCESS_LABELS = {"server", "group", "name"};

    public static final PromFamily PROM_UP = PromFamily.gauge("supervisord_up",
            "1 while the process is RUNNING, else 0 (STARTING, BACKOFF, STOPPING, EXITED, FATAL, STOPPED, UNKNOWN): "
                    + "up as the supervisord.process.status check is OK.", PROCESS_LABELS);
    public static final PromFamily PROM_STATE = PromFamily.gauge("supervisord_state",
            "supervisord's state code of the process: STOPPED 0, STARTING 10, RUNNING 20, BACKOFF 30, STOPPING 40, "
                    + "EXITED 100, FATAL 200, UNKNOWN 1000.", PROCESS_LABELS);
    public static final PromFamily PROM_EXIT_STATUS = PromFamily.gauge("supervisord_exit_status",
            "The exit status of the process's last run (-1 when a signal ended it, as supervisord reports it); no "
                    + "sample while unknown.", PROCESS_LABELS);
    public static final PromFamily PROM_START_TIME = PromFamily.gauge("supervisord_start_time_seconds",
            "When supervisord last started the process, in seconds since the epoch; only while it is up "
                    + "(RUNNING).", PROCESS_LABELS);
    public static final PromFamily PROM_FLAPPING = PromFamily.gauge("supervisord_flapping",
            "1 while supervisord.process.flapping is CRITICAL (restarted or exited unexpectedly --flapping-threshold "
                    + "times within --flapping-window), 0 once it is OK again; no sample for a process that never "
                    + "flapped, nor for processes the watch rules leave out.", PROCESS_LABELS);
    public static final PromFamily PROM_PROCESSES = PromFamily.gauge("supervisord_processes",
            "The server's processes, every one whatever the watch rules: by check status (status up, down, unknown) "
                    + "and by state (status STOPPED, STARTING, RUNNING, BACKOFF, STOPPING, EXITED, FATAL, UNKNOWN); "
                    + "each process counts once in each of the two sets.", "server", "status");
    public static final PromFamily PROM_INSTANCE_STATE = PromFamily.gauge("supervisord_instance_state",
            "supervisord's own state: 1 RUNNING, 0 RESTARTING, -1 SHUTDOWN, 2 FATAL; no sample until known.",
            "server");
    public static final PromFamily PROM_CAN_CONNECT = PromFamily.gauge("supervisord_can_connect",
            "1 when the listener's last XML-RPC snapshot of supervisord succeeded (supervisord.can_connect OK), 0 "
                    + "when it failed or none arrived within --stale-after.", "server");
    public static final PromFamily PROM_LAST_SNAPSHOT = PromFamily.gauge(
            "supervisord_last_snapshot_timestamp_seconds",
            "When the listener took the newest snapshot of supervisord (failed ones included), in seconds since the "
                    + "epoch: time() minus it tells a server gone silent.", "server");

    public static final Catalog CATALOG = new Catalog("supervisord", "supervisord",
            "From `supervisor.events`, `supervisor.snapshots` and `supervisor.process-exits`: the listener's "
                    + "supervisord events, XML-RPC snapshots and records of why processes exited.",
            List.of(PROCESS_UPTIME, PROCESS_COUNT, INSTANCE_STATE, PROCESS_RESTARTS),
            List.of(PROCESS_STATUS, CAN_CONNECT, PROCESS_FLAPPING),
            List.of(PROM_UP, PROM_STATE, PROM_EXIT_STATUS, PROM_START_TIME, PROM_FLAPPING, PROM_PROCESSES,
                    PROM_INSTANCE_STATE, PROM_CAN_CONNECT, PROM_LAST_SNAPSHOT));

    private SupervisorCatalog() {
    }
}
