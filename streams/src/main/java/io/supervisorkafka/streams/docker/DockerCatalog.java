package io.supervisorkafka.streams.docker;

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
 * The metric points and service checks of the docker source, named as Datadog names them, from the Prometheus
 * families of the Docker engine's {@code /metrics} page.
 */
public final class DockerCatalog {

    public static final TagSpec DOCKER_VERSION = TagSpec.optional("docker_version",
            "the engine's version, from `engine_daemon_engine_info` once a page had it");
    public static final TagSpec OS = TagSpec.optional("os", "the host's operating system, likewise");
    public static final TagSpec KERNEL = TagSpec.optional("kernel", "the host's kernel, likewise");
    public static final TagSpec ACTION = TagSpec.always("action", "the container action, e.g. `start`, `create`");

    private static final TagSpec[] ENGINE_TAGS = {TagSpec.SERVER, DOCKER_VERSION, OS, KERNEL};
    private static final TagSpec[] ACTION_TAGS = {TagSpec.SERVER, ACTION, DOCKER_VERSION, OS, KERNEL};

    public static final MetricSpec CONTAINERS = MetricSpec.gauge("docker.containers.<state>", "containers",
            "Containers in that state, from `engine_daemon_container_states_containers`; all three states are sent, "
                    + "zeros included.")
            .member("state", String.join("|", DockerMetrics.CONTAINER_STATES), "`running`, `paused` or `stopped`")
            .tags(ENGINE_TAGS);
    public static final MetricSpec EVENTS = MetricSpec.rate("docker.engine.events", "events/s",
            "Events the engine logged per second, from `engine_daemon_events_total` between two successful scrapes "
                    + "(none after a counter reset).")
            .tags(ENGINE_TAGS);
    public static final MetricSpec HEALTH_CHECKS_FAILED = MetricSpec.rate("docker.engine.health_checks.failed",
            "checks/s", "Failed health checks per second, from `engine_daemon_health_checks_failed_total`, likewise.")
            .tags(ENGINE_TAGS);
    public static final MetricSpec CONTAINER_ACTIONS_AVG = MetricSpec.gauge("docker.engine.container_actions.avg",
            "s", "Mean duration of the actions observed between two successful scrapes: Δsum / Δcount of "
                    + "`engine_daemon_container_actions_seconds`; none without a new observation.")
            .tags(ACTION_TAGS);
    public static final MetricSpec CONTAINER_ACTIONS_95PERCENTILE = MetricSpec.gauge(
            "docker.engine.container_actions.95percentile", "s", "95th percentile of the same actions, from the "
                    + "histogram's bucket deltas interpolated linearly inside the bucket, as Prometheus' "
                    + "`histogram_quantile` does.")
            .tags(ACTION_TAGS);
    public static final MetricSpec SCRAPE_DURATION = MetricSpec.gauge("docker.engine.scrape.duration", "ms",
            "How long the listener's scrape took, failed scrapes included.").tags(ENGINE_TAGS);

    public static final CheckSpec CAN_CONNECT = new CheckSpec(ServiceCheck.DOCKER_CAN_CONNECT,
            "docker.can_connect|server", List.of(TagSpec.SERVER),
            Map.of(CheckStatus.OK, "the last scrape succeeded; the message gives the engine's version",
                    CheckStatus.CRITICAL, "the last scrape failed; the message names the source and the error",
                    CheckStatus.UNKNOWN, "no scrape arrived within `--stale-after`: its listener may be down"),
            "Whether the listener reaches the Docker engine's metrics. On first sight and on each change.");

    public static final PromFamily PROM_CAN_CONNECT = PromFamily.gauge("docker_can_connect",
            "1 when the listener's last scrape of the Docker engine succeeded (docker.can_connect OK), 0 when it "
                    + "failed or none arrived within --stale-after.", "server");
    public static final PromFamily PROM_CONTAINERS = PromFamily.gauge("docker_containers",
            "The engine's containers by state (running, paused, stopped) in its last successful scrape that had "
                    + "them.", "server", "state");

    public static final Catalog CATALOG = new Catalog("docker", "Docker engine",
            "From `supervisor.docker`: one record per scrape of dockerd's Prometheus page (families "
                    + "`engine_daemon_*`), or the error of a failed scrape. Rates and latencies come from the "
                    + "difference between two consecutive successful scrapes of a server.",
            List.of(CONTAINERS, EVENTS, HEALTH_CHECKS_FAILED, CONTAINER_ACTIONS_AVG, CONTAINER_ACTIONS_95PERCENTILE,
                    SCRAPE_DURATION),
            List.of(CAN_CONNECT),
            List.of(PROM_CAN_CONNECT, PROM_CONTAINERS));

    private DockerCatalog() {
    }
}
