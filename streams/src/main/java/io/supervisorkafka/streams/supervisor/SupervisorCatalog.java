package io.supervisorkafka.streams.supervisor;

import io.supervisorkafka.schemas.CheckStatus;
import io.supervisorkafka.schemas.ServiceCheck;
import io.supervisorkafka.streams.common.Catalog;
import io.supervisorkafka.streams.common.CheckSpec;
import io.supervisorkafka.streams.common.MetricSpec;
import io.supervisorkafka.streams.common.TagSpec;
import java.util.List;
import java.util.Map;

/** The metric points and service checks of the supervisord source, named as Datadog's supervisord check names them. */
public final class SupervisorCatalog {

    public static final TagSpec GROUP = TagSpec.always("supervisord_group", "the process's group in supervisord");
    public static final TagSpec PROCESS = TagSpec.always("supervisord_process", "the process's name in supervisord");
    public static final TagSpec STATUS = TagSpec.always("status",
            "`up` (check OK), `down` (CRITICAL) or `unknown` (UNKNOWN)");

    public static final MetricSpec PROCESS_UPTIME = MetricSpec.gauge("supervisord.process.uptime", "s",
            "How long the process has been up: since its start while RUNNING, BACKOFF or STOPPING, else 0. On each "
                    + "status change, then every `--punctuate-interval` against the wall clock.")
            .tags(TagSpec.SERVER, GROUP, PROCESS);
    public static final MetricSpec PROCESS_COUNT = MetricSpec.gauge("supervisord.process.count", "processes",
            "The server's processes by check status; `up`, `down` and `unknown` are all sent, zeros included. On each "
                    + "change of the counts, then every `--punctuate-interval`.")
            .tags(TagSpec.SERVER, STATUS);
    public static final MetricSpec INSTANCE_STATE = MetricSpec.gauge("supervisord.instance.state", "state code",
            "supervisord's own state: 1 RUNNING, 0 RESTARTING, -1 SHUTDOWN, 2 FATAL; the last known, from snapshots "
                    + "and SUPERVISOR_STATE_CHANGE events. On each change, then every `--punctuate-interval`.")
            .tags(TagSpec.SERVER);

    public static final CheckSpec PROCESS_STATUS = new CheckSpec(ServiceCheck.PROCESS_STATUS,
            "supervisord.process.status|server/group:name",
            List.of(TagSpec.SERVER, TagSpec.always("group", "the process's group"),
                    TagSpec.always("name", "the process's name")),
            Map.of(CheckStatus.OK, "RUNNING", CheckStatus.UNKNOWN, "STARTING or UNKNOWN",
                    CheckStatus.CRITICAL, "STOPPED, BACKOFF, STOPPING, EXITED or FATAL"),
            "The state of each process supervisord manages, with since when, its pid, and its exit status or spawn "
                    + "error when known. On first sight and on each change of status (not of state within a status); "
                    + "the last check of a removed process stands.");
    public static final CheckSpec CAN_CONNECT = new CheckSpec(ServiceCheck.CAN_CONNECT,
            "supervisord.can_connect|server", List.of(TagSpec.SERVER),
            Map.of(CheckStatus.OK, "the last XML-RPC snapshot succeeded",
                    CheckStatus.CRITICAL, "the last snapshot failed; the message names the endpoint and the error",
                    CheckStatus.UNKNOWN, "no snapshot arrived within `--stale-after`: its listener may be down"),
            "Whether the listener reaches supervisord's XML-RPC interface. On first sight and on each change.");

    public static final Catalog CATALOG = new Catalog("supervisord", "supervisord",
            "From `supervisor.events` and `supervisor.snapshots`: the listener's supervisord events and XML-RPC "
                    + "snapshots.",
            List.of(PROCESS_UPTIME, PROCESS_COUNT, INSTANCE_STATE), List.of(PROCESS_STATUS, CAN_CONNECT));

    private SupervisorCatalog() {
    }
}
