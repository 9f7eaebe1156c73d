package io.supervisorkafka.schemas;

import java.util.List;
import java.util.stream.Stream;

/** The topic names of the wire contract. Each topic carries exactly one record type of this package. */
public final class Topics {
    /** {@link SupervisorEvent}, key = server id. Written by the listener. */
    public static final String EVENTS = "supervisor.events";
    /** {@link SupervisorSnapshot}, key = server id. Written by the listener. */
    public static final String SNAPSHOTS = "supervisor.snapshots";
    /**
     * {@link ProcessExit}, key = server id. Written by the listener after each exit event: why the process exited.
     */
    public static final String PROCESS_EXITS = "supervisor.process-exits";
    /** {@link ProcessStatus}, key = {@code server/group:name}, compacted. Written by the Streams app. */
    public static final String PROCESS_STATUS = "supervisor.process-status";
    /** {@link ProcessCounts}, key = server id, compacted. Written by the Streams app. */
    public static final String PROCESS_COUNTS = "supervisor.process-counts";
    /** {@link ServiceCheck}, key = {@code check|entity}. Written by the Streams app: the alerting feed. */
    public static final String SERVICE_CHECKS = "supervisor.service-checks";
    /** {@link MetricPoint}, key = server id. Written by the Streams app. */
    public static final String METRICS = "supervisor.metrics";

    /** {@link GunicornSnapshot}, key = server id. Written by the listener. */
    public static final String GUNICORN = "supervisor.gunicorn";
    /** {@link StatsdMetrics}, key = server id. Written by the listener's StatsD receiver. */
    public static final String STATSD = "supervisor.statsd";

    /** {@link DockerSnapshot}, key = server id. Written by the listener's docker source. */
    public static final String DOCKER = "supervisor.docker";
    /** {@link ListenerMetrics}, key = server id. Written by the listener: its own counters. */
    public static final String LISTENER_METRICS = "supervisor.listener-metrics";
    /** {@link ContainerCounts}, key = server id, compacted. Written by the Streams app. */
    public static final String CONTAINER_COUNTS = "supervisor.container-counts";

    /**
     * InfluxDB line protocol, key = server id: one line per record, as UTF-8 text, not JSON (read it with a
     * {@code StringDeserializer}, or with Telegraf's {@code kafka_consumer} and {@code data_format = "influx"}). Written
     * by the Streams app only with {@code --influx} ({@code influx.enabled=true}): the measurements of Telegraf's
     * supervisor input ({@code supervisor_processes}, {@code supervisor_instance}) and the container counts of its
     * docker input ({@code docker}), tags and fields as Telegraf writes them, timestamps in nanoseconds. Not one of
     * {@link #OUTPUTS} (always written, JSON, each with a record type and a JSON Schema): its grammar is line
     * protocol's, its measurements are documented in {@code docs/influx.md}.
     */
    public static final String INFLUX = "supervisor.influx";

    public static final List<String> INPUTS = List.of(EVENTS, SNAPSHOTS, PROCESS_EXITS);
    /** Inputs of the gunicorn source; keyed by server like {@link #INPUTS}, but read in their own sub-topology. */
    public static final List<String> GUNICORN_INPUTS = List.of(GUNICORN, STATSD);
    /** Inputs of the docker source and the listener's own metrics, keyed by server, each read on its own. */
    public static final List<String> HOST_INPUTS = List.of(DOCKER, LISTENER_METRICS);
    /** Every input: what the listener writes and the Streams app reads. */
    public static final List<String> ALL_INPUTS = Stream.of(INPUTS, GUNICORN_INPUTS, HOST_INPUTS)
            .flatMap(List::stream).toList();
    public static final List<String> COMPACTED_OUTPUTS = List.of(PROCESS_STATUS, PROCESS_COUNTS, CONTAINER_COUNTS);
    public static final List<String> OUTPUTS = List.of(PROCESS_STATUS, PROCESS_COUNTS, SERVICE_CHECKS, METRICS,
            CONTAINER_COUNTS);

    private Topics() {
    }

    /**
     * The record type a topic carries; {@code String} for {@link #INFLUX}, whose value is the text of a line itself
     * (not a JSON string).
     */
    public static Class<?> recordType(String topic) {
        return switch (topic) {
            case INFLUX -> String.class;
            case EVENTS -> SupervisorEvent.class;
            case SNAPSHOTS -> SupervisorSnapshot.class;
            case PROCESS_EXITS -> ProcessExit.class;
            case PROCESS_STATUS -> ProcessStatus.class;
            case PROCESS_COUNTS -> ProcessCounts.class;
            case SERVICE_CHECKS -> ServiceCheck.class;
            case METRICS -> MetricPoint.class;
            case GUNICORN -> GunicornSnapshot.class;
            case STATSD -> StatsdMetrics.class;
            case DOCKER -> DockerSnapshot.class;
            case LISTENER_METRICS -> ListenerMetrics.class;
            case CONTAINER_COUNTS -> ContainerCounts.class;
            default -> throw new IllegalArgumentException("not a supervisor-kafka topic: " + topic);
        };
    }

    /** Whether a topic's values are JSON: all but {@link #INFLUX}. */
    public static boolean isJson(String topic) {
        recordType(topic);
        return !INFLUX.equals(topic);
    }

    /** Classpath location of the JSON Schema of a topic's records. */
    public static String schemaResource(String topic) {
        if (!isJson(topic)) {
            throw new IllegalArgumentException(topic + " carries InfluxDB line protocol, not JSON: it has no JSON Schema");
        }
        return "/schemas/" + topic + ".schema.json";
    }
}
