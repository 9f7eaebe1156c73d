package io.supervisorkafka.streams.influx;

import io.supervisorkafka.streams.common.TagSpec;
import io.supervisorkafka.streams.influx.MeasurementSpec.FieldSpec;
import java.util.List;
import java.util.Optional;

/**
 * The InfluxDB measurements written on {@code supervisor.influx} with {@code --influx}: those of Telegraf's
 * {@code inputs.supervisor} ({@code supervisor_processes}, {@code supervisor_instance}) and the container counts of
 * its {@code inputs.docker} ({@code docker}), named, tagged and typed as Telegraf writes them, so that dashboards and
 * alerts built on Telegraf's data read these lines unchanged. The one place their names are spelled: the processors
 * start their lines here, {@code docs/influx.md} is generated from it and the tests hold every line to it.
 *
 * <p>Tags: Telegraf's agent adds {@code host} (the machine Telegraf ran on, normally the supervisord's host) to every
 * line an input lacks it on, so a line without it would get the hostname of the Telegraf that consumes the topic:
 * every line carries {@code host}, the server id, as Telegraf on that server would have tagged it. {@code server} is
 * the server id too, as on every other output of the app (and the supervisor input's tag before Telegraf 1.24).
 * Telegraf 1.24+'s supervisor input also tags {@code id} (supervisord's identification string, {@code supervisor}
 * unless configured), {@code source} and {@code port} (the host and port of the XML-RPC URL it asked, {@code localhost}
 * and {@code 9001} with a local Telegraf): not written, see the README.
 *
 * <p>There is no gunicorn measurement: Telegraf has no gunicorn input, only its generic {@code statsd} input, whose
 * measurement names and fields depend on its templates and timer settings, so no shape is well known enough to copy.
 */
public final class InfluxCatalog {

    public static final TagSpec HOST = TagSpec.always("host",
            "the server id: what Telegraf's agent tags with the hostname of the machine it runs on");
    public static final TagSpec GROUP = TagSpec.always("group", "the process's group in supervisord");
    public static final TagSpec PROCESS = TagSpec.always("process", "the process's name in supervisord");
    public static final TagSpec ENGINE_HOST = TagSpec.always("engine_host",
            "the server id (Telegraf: the engine's host name, `docker info`'s Name)");
    public static final TagSpec SERVER_VERSION = TagSpec.optional("server_version",
            "the engine's version, from `engine_daemon_engine_info`, when the page has it");

    public static final FieldSpec PROCESS_STATE = FieldSpec.integer("state",
            "supervisord's state code: 0 STOPPED, 10 STARTING, 20 RUNNING, 30 BACKOFF, 40 STOPPING, 100 EXITED, "
                    + "200 FATAL, 1000 UNKNOWN");
    public static final FieldSpec UPTIME = FieldSpec.optionalInteger("uptime",
            "seconds since supervisord last started the process, at the line's time, in every state (Telegraf: "
                    + "`now - start` of getProcessInfo): it goes on counting after the process stopped or exited, "
                    + "unlike `supervisord.process.uptime`, which is 0 unless RUNNING, BACKOFF or STOPPING; left out "
                    + "while no start is known (a process never started: supervisord's start is 0, and Telegraf "
                    + "writes `now - 0`, the epoch time in seconds)");
    public static final FieldSpec PID = FieldSpec.integer("pid", "the process id, 0 when there is no process");
    public static final FieldSpec EXIT_CODE = FieldSpec.integer("exitCode",
            "the exit status of the last exit, -1 when a signal ended it, 0 when none is known (Telegraf: "
                    + "getProcessInfo's `exitstatus`, which supervisord forgets at the next spawn and reports as 0 for "
                    + "an exit too quick to reach RUNNING; here the listener's record of each exit tells it)");
    public static final FieldSpec INSTANCE_STATE = FieldSpec.integer("state",
            "supervisord's own state code: 2 FATAL, 1 RUNNING, 0 RESTARTING, -1 SHUTDOWN");
    public static final FieldSpec CONTAINERS = FieldSpec.integer("n_containers", "containers in any state");
    public static final FieldSpec CONTAINERS_RUNNING = FieldSpec.integer("n_containers_running", "running containers");
    public static final FieldSpec CONTAINERS_PAUSED = FieldSpec.integer("n_containers_paused", "paused containers");
    public static final FieldSpec CONTAINERS_STOPPED = FieldSpec.integer("n_containers_stopped", "stopped containers");

    public static final MeasurementSpec SUPERVISOR_PROCESSES = new MeasurementSpec("supervisor_processes",
            "inputs.supervisor", List.of(GROUP, HOST, PROCESS, TagSpec.SERVER),
            List.of(EXIT_CODE, PID, PROCESS_STATE, UPTIME),
            "One line per process: when an event or the listener's exit record changes it (at the time it was "
                    + "observed), and for every process of a server at each successful snapshot (at the snapshot's "
                    + "time), as Telegraf writes one at each gather. Every process, whatever the `watch.*` rules "
                    + "(Telegraf's input has no process filter). `pid` and `exitCode` are always written: Telegraf "
                    + "writes them when `metrics_include`/`metrics_exclude` let it (its default excludes both).");
    public static final MeasurementSpec SUPERVISOR_INSTANCE = new MeasurementSpec("supervisor_instance",
            "inputs.supervisor", List.of(HOST, TagSpec.SERVER), List.of(INSTANCE_STATE),
            "One line per server at each successful snapshot (getState) and at each SUPERVISOR_STATE_CHANGE event "
                    + "(RUNNING 1, STOPPING -1).");
    public static final MeasurementSpec DOCKER = new MeasurementSpec("docker", "inputs.docker",
            List.of(ENGINE_HOST, HOST, TagSpec.SERVER, SERVER_VERSION),
            List.of(CONTAINERS, CONTAINERS_PAUSED, CONTAINERS_RUNNING, CONTAINERS_STOPPED),
            "One line per successful scrape of the engine's Prometheus page that has "
                    + "`engine_daemon_container_states_containers`, at the scrape's time: the container counts of "
                    + "Telegraf's `docker` measurement (the same counters of the engine `docker info` reports). Its "
                    + "other fields (`n_images`, `n_cpus`, `memory_total`, ...) and the `docker_container_*` "
                    + "measurements come from the Docker API, which the listener does not read: not written.");

    public static final List<MeasurementSpec> MEASUREMENTS = List.of(SUPERVISOR_PROCESSES, SUPERVISOR_INSTANCE,
            DOCKER);

    private InfluxCatalog() {
    }

    public static Optional<MeasurementSpec> measurement(String name) {
        return MEASUREMENTS.stream().filter(spec -> spec.name().equals(name)).findFirst();
    }
}
