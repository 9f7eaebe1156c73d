package io.supervisorkafka.streams.gunicorn;

import io.supervisorkafka.schemas.CheckStatus;
import io.supervisorkafka.schemas.ServiceCheck;
import io.supervisorkafka.streams.common.Catalog;
import io.supervisorkafka.streams.common.CheckSpec;
import io.supervisorkafka.streams.common.MetricSpec;
import io.supervisorkafka.streams.common.PromFamily;
import io.supervisorkafka.streams.common.TagSpec;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The metric points and service checks of the gunicorn source, named as the StackState and Datadog gunicorn checks
 * name them. The request metrics come per server and, rolled up per app across the fleet, with {@code server:*}.
 */
public final class GunicornCatalog {

    public static final TagSpec SERVER = TagSpec.always("server", "the server id; `*` for fleet-wide points");
    public static final TagSpec APP = TagSpec.always("app", "the gunicorn app (its `--name`, or its StatsD prefix)");
    public static final TagSpec SUPERVISORD_GROUP = TagSpec.optional("supervisord_group",
            "the group of the supervisord program running the app, when known (per-server points)");
    public static final TagSpec SUPERVISORD_PROCESS = TagSpec.optional("supervisord_process",
            "the supervisord program running the app, when known (per-server points)");
    public static final TagSpec STATE = TagSpec.always("state", "`idle` or `working`");
    public static final TagSpec SERVERS = TagSpec.optional("servers",
            "fleet-wide points only: how many servers sent the app's metrics in the window");
    public static final TagSpec DOGSTATSD = TagSpec.passedThrough(
            "the DogStatsD tags of gunicorn's lines (per-server points)");

    private static final TagSpec[] REQUEST_TAGS = {SERVER, APP, SUPERVISORD_GROUP, SUPERVISORD_PROCESS, SERVERS,
            DOGSTATSD};

    public static final MetricSpec WORKERS = MetricSpec.gauge("gunicorn.workers", "workers",
            "The app's workers by state, from the process table (`supervisor.gunicorn`); both states are sent, zeros "
                    + "included.")
            .tags(SERVER, APP, STATE, SUPERVISORD_GROUP, SUPERVISORD_PROCESS);
    public static final MetricSpec REQUESTS = MetricSpec.rate("gunicorn.requests", "requests/s",
            "Requests per second over the StatsD interval (the fleet window fleet-wide).").tags(REQUEST_TAGS);
    public static final MetricSpec REQUEST_STATUS = MetricSpec.rate("gunicorn.request.status.<code>", "responses/s",
            "Responses with that HTTP status per second.")
            .member("code", "[0-9]{3}", "the HTTP status code").tags(REQUEST_TAGS);
    public static final MetricSpec LOG = MetricSpec.rate("gunicorn.log.<level>", "lines/s",
            "Log lines of that level per second (a killed worker is a `warning`).")
            .member("level", "critical|error|warning|exception", "`critical`, `error`, `warning` or `exception`")
            .tags(REQUEST_TAGS);
    public static final MetricSpec REQUEST_DURATION_AVG = MetricSpec.gauge("gunicorn.request.duration.avg", "ms",
            "Mean request duration: sum / count.").tags(REQUEST_TAGS);
    public static final MetricSpec REQUEST_DURATION_MEDIAN = MetricSpec.gauge("gunicorn.request.duration.median",
            "ms", "Median request duration, from the DDSketch (fleet-wide: of the merged sketches).")
            .tags(REQUEST_TAGS);
    public static final MetricSpec REQUEST_DURATION_MAX = MetricSpec.gauge("gunicorn.request.duration.max", "ms",
            "Longest request.").tags(REQUEST_TAGS);
    public static final MetricSpec REQUEST_DURATION_95PERCENTILE = MetricSpec.gauge(
            "gunicorn.request.duration.95percentile", "ms",
            "95th percentile of the request duration, from the DDSketch (fleet-wide: of the merged sketches).")
            .tags(REQUEST_TAGS);
    public static final MetricSpec REQUEST_DURATION_COUNT = MetricSpec.rate("gunicorn.request.duration.count",
            "requests/s", "Timed requests per second: a rate, as DogStatsD reports a histogram's count.")
            .tags(REQUEST_TAGS);

    public static final CheckSpec IS_RUNNING = new CheckSpec(ServiceCheck.GUNICORN_IS_RUNNING,
            "gunicorn.is_running|server/app",
            List.of(TagSpec.SERVER, TagSpec.always("app", "the gunicorn app"),
                    TagSpec.optional("group", "the group of the supervisord program running it, when known"),
                    TagSpec.optional("name", "the supervisord program running it, when known")),
            Map.of(CheckStatus.OK, "the app has a master and workers; the message counts them by state",
                    CheckStatus.CRITICAL, "the app has no master (listed in `--gunicorn-apps` without one, or gone "
                            + "since the last snapshot) or no worker"),
            "Whether each gunicorn app runs, from the process table (`supervisor.gunicorn`). On first sight and on "
                    + "each change.");

    public static final PromFamily PROM_IS_RUNNING = PromFamily.gauge("gunicorn_is_running",
            "1 when the app has a master and workers (gunicorn.is_running OK), else 0.", "server", "app");
    public static final PromFamily PROM_WORKERS = PromFamily.gauge("gunicorn_workers",
            "The app's workers by state (idle, working) in the listener's last snapshot of the process table.",
            "server", "app", "state");
    public static final PromFamily PROM_REQUESTS = PromFamily.counter("gunicorn_requests_total",
            "Requests the app counted in its StatsD metrics (gunicorn.requests), summed over every interval this "
                    + "app's state has seen: rate() it.", "server", "app");
    public static final PromFamily PROM_REQUEST_STATUS = PromFamily.counter("gunicorn_request_status_total",
            "Responses by HTTP status code (gunicorn.request.status.<code>), likewise.", "server", "app", "code");
    public static final PromFamily PROM_LOG_LINES = PromFamily.counter("gunicorn_log_lines_total",
            "Log lines by level (gunicorn.log.<level>: critical, error, warning, exception), likewise.",
            "server", "app", "level");

    public static final Catalog CATALOG = new Catalog("gunicorn", "gunicorn",
            "From `supervisor.gunicorn` (the listener's snapshots of gunicorn's masters and workers) and "
                    + "`supervisor.statsd` (gunicorn's own StatsD metrics, one record per app and flush interval). "
                    + "The request metrics are also rolled up per app across the fleet every `--fleet-window` "
                    + "(record key and tag `server` `*`), with the DDSketches merged: fleet percentiles are "
                    + "percentiles of all requests, not averages of per-server ones.",
            List.of(WORKERS, REQUESTS, REQUEST_STATUS, LOG, REQUEST_DURATION_AVG, REQUEST_DURATION_MEDIAN,
                    REQUEST_DURATION_MAX, REQUEST_DURATION_95PERCENTILE, REQUEST_DURATION_COUNT),
            List.of(IS_RUNNING),
            List.of(PROM_IS_RUNNING, PROM_WORKERS, PROM_REQUESTS, PROM_REQUEST_STATUS, PROM_LOG_LINES));

    private GunicornCatalog() {
    }

    /**
     * The rate that a counter of gunicorn's StatsD metrics becomes, under the counter's own name: requests, responses
     * by status and log lines by level; empty for any other counter.
     */
    public static Optional<MetricSpec> rateOfCounter(String counter) {
        return Stream.of(REQUESTS, REQUEST_STATUS, LOG).filter(metric -> metric.matches(counter)).findFirst();
    }
}
