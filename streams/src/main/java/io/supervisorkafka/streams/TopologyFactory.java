package io.supervisorkafka.streams;

import io.supervisorkafka.schemas.ContainerCounts;
import io.supervisorkafka.schemas.DockerSnapshot;
import io.supervisorkafka.schemas.JsonSerde;
import io.supervisorkafka.schemas.ListenerMetrics;
import io.supervisorkafka.schemas.MetricPoint;
import io.supervisorkafka.schemas.ProcessCounts;
import io.supervisorkafka.schemas.ProcessStatus;
import io.supervisorkafka.schemas.ServiceCheck;
import io.supervisorkafka.schemas.SupervisorEvent;
import io.supervisorkafka.schemas.SupervisorSnapshot;
import io.supervisorkafka.schemas.Topics;
import io.supervisorkafka.streams.ConnectivityUpdate.CanConnectChanged;
import io.supervisorkafka.streams.ConnectivityUpdate.SupervisorStateChanged;
import io.supervisorkafka.streams.MetricsInput.CountsChanged;
import io.supervisorkafka.streams.MetricsInput.InstanceStateChanged;
import io.supervisorkafka.streams.MetricsInput.ProcessChanged;
import io.supervisorkafka.schemas.GunicornSnapshot;
import io.supervisorkafka.schemas.StatsdMetrics;
import java.util.List;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.kstream.EmitStrategy;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.TimeWindows;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;

/**
 * Builds the topology; a pure function of the {@link PipelineConfig}.
 *
 * <pre>
 * supervisor.events ─ event-deduplicator ─┐
 * supervisor.snapshots ───────────────────┴─ supervisor-inputs
 *   supervisor-inputs ─ process-status-deriver ─ (StatusChange)
 *       ├─▶ supervisor.process-status
 *       ├─ process-check-emitter ─▶ supervisor.service-checks
 *       ├─ process-counts-deriver ─▶ supervisor.process-counts, and to metrics-emitter
 *       └─ to metrics-emitter
 *   supervisor-inputs ─ connectivity-checker ─ (ConnectivityUpdate)
 *       ├─ can_connect checks ─▶ supervisor.service-checks
 *       └─ supervisord state changes ─ to metrics-emitter
 *   metrics-emitter ─▶ supervisor.metrics
 *
 * supervisor.gunicorn ─┬─ gunicorn-check-deriver (store gunicorn-apps) ─▶ supervisor.service-checks
 *                      └─ gunicorn-worker-metrics ─▶ supervisor.metrics
 * supervisor.statsd ───┬─ statsd-metrics-deriver (reads gunicorn-apps) ─▶ supervisor.metrics
 *                      └─ by app ─ repartition ─ fleet window (sketches merged) ─ fleet-metrics ─▶ supervisor.metrics
 *
 * supervisor.docker ─┬─ docker-check-deriver (store docker-connectivity) ─▶ supervisor.service-checks
 *                    ├─ docker-metrics-deriver (store docker-previous-scrapes) ─▶ supervisor.metrics
 *                    └─ container-counts-deriver (store container-counts) ─▶ supervisor.container-counts
 * supervisor.listener-metrics ─ listener-metrics-emitter ─▶ supervisor.metrics
 * </pre>
 *
 * <p>Both inputs are keyed by server and co-partitioned, so everything is one sub-topology: the processors share the
 * per-server state of a partition without any repartition topic. Key changes after the status deriver (to
 * {@code server/group:name}) are fine because nothing downstream groups or joins by key.
 */
public final class TopologyFactory {

    private static final Serde<String> KEYS = Serdes.String();

    private TopologyFactory() {
    }

    public static Topology build(PipelineConfig config) {
        StreamsBuilder builder = new StreamsBuilder();
        builder.addStateStore(EventDeduplicator.storeBuilder(config.dedupRetention()));
        builder.addStateStore(ProcessStatusDeriver.storeBuilder());
        builder.addStateStore(ProcessCountsDeriver.storeBuilder());
        builder.addStateStore(ConnectivityChecker.storeBuilder());

        KStream<String, SupervisorInput> fromEvents = builder
                .stream(Topics.EVENTS, Consumed.with(KEYS, JsonSerde.of(SupervisorEvent.class)).withName("events"))
                .process(() -> new EventDeduplicator(config.dedupRetention()), Named.as("event-deduplicator"),
                        EventDeduplicator.STORE)
                .flatMapValues((server, event) -> SupervisorInput.fromEvent(server, event).stream().toList(),
                        Named.as("event-input"));
        KStream<String, SupervisorInput> fromSnapshots = builder
                .stream(Topics.SNAPSHOTS, Consumed.with(KEYS, JsonSerde.of(SupervisorSnapshot.class))
                        .withName("snapshots"))
                .flatMapValues((server, snapshot) -> SupervisorInput.fromSnapshot(server, snapshot).stream().toList(),
                        Named.as("snapshot-input"));
        KStream<String, SupervisorInput> inputs = fromEvents.merge(fromSnapshots, Named.as("supervisor-inputs"));

        KStream<String, StatusChange> changes = inputs.process(ProcessStatusDeriver::new,
                Named.as("process-status-deriver"), ProcessStatusDeriver.STORE);
        changes.mapValues(StatusChange::after, Named.as("status-after-change"))
                .to(Topics.PROCESS_STATUS, Produced.with(KEYS, JsonSerde.of(ProcessStatus.class))
                        .withName("process-status-sink"));

        KStream<String, ProcessCounts> counts = changes.process(ProcessCountsDeriver::new,
                Named.as("process-counts-deriver"), ProcessStatusDeriver.STORE, ProcessCountsDeriver.STORE);
        counts.to(Topics.PROCESS_COUNTS, Produced.with(KEYS, JsonSerde.of(ProcessCounts.class))
                .withName("process-counts-sink"));

        KStream<String, ConnectivityUpdate> connectivity = inputs.process(
                () -> new ConnectivityChecker(config.punctuateInterval(), config.staleAfter()),
                Named.as("connectivity-checker"), ConnectivityChecker.STORE);

        KStream<String, ServiceCheck> processChecks = changes.process(ProcessCheckEmitter::new,
                Named.as("process-check-emitter"));
        KStream<String, ServiceCheck> canConnectChecks = connectivity.flatMapValues(
                update -> update instanceof CanConnectChanged changed ? List.of(changed.check()) : List.of(),
                Named.as("can-connect-checks"));
        processChecks.merge(canConnectChecks, Named.as("service-checks"))
                .to(Topics.SERVICE_CHECKS, Produced.with(KEYS, JsonSerde.of(ServiceCheck.class))
                        .withName("service-checks-sink"));

        KStream<String, MetricsInput> processMetrics = changes.flatMapValues(
                change -> change.after() == null ? List.of() : List.of(new ProcessChanged(change.after())),
                Named.as("process-metrics-input"));
        KStream<String, MetricsInput> countMetrics = counts.mapValues(
                (server, processCounts) -> new CountsChanged(server, processCounts), Named.as("count-metrics-input"));
        KStream<String, MetricsInput> instanceMetrics = connectivity.flatMapValues(
                update -> update instanceof SupervisorStateChanged changed
                        ? List.of(new InstanceStateChanged(changed.server(), changed.stateCode(), changed.observedAt()))
                        : List.of(),
                Named.as("instance-metrics-input"));
        processMetrics.merge(countMetrics, Named.as("process-and-count-metrics"))
                .merge(instanceMetrics, Named.as("metrics-inputs"))
                .process(() -> new MetricsEmitter(config.punctuateInterval()), Named.as("metrics-emitter"),
                        ProcessStatusDeriver.STORE, ConnectivityChecker.STORE)
                .to(Topics.METRICS, Produced.with(KEYS, JsonSerde.of(MetricPoint.class)).withName("metrics-sink"));

        addGunicorn(builder, config);
        addDocker(builder, config);
        addListenerMetrics(builder);
        return builder.build();
    }

    /** The gunicorn source: worker gauges and is_running from snapshots, request metrics from StatsD, fleet roll-up. */
    private static void addGunicorn(StreamsBuilder builder, PipelineConfig config) {
        builder.addStateStore(GunicornCheckDeriver.storeBuilder());
        KStream<String, GunicornSnapshot> snapshots = builder.stream(Topics.GUNICORN,
                Consumed.with(KEYS, JsonSerde.of(GunicornSnapshot.class)).withName("gunicorn-snapshots"));
        snapshots.process(GunicornCheckDeriver::new, Named.as("gunicorn-check-deriver"), GunicornCheckDeriver.STORE)
                .to(Topics.SERVICE_CHECKS, Produced.with(KEYS, JsonSerde.of(ServiceCheck.class))
                        .withName("gunicorn-checks-sink"));
        Produced<String, MetricPoint> metrics = Produced.with(KEYS, JsonSerde.of(MetricPoint.class));
        snapshots.filter((server, snapshot) -> snapshot != null, Named.as("gunicorn-snapshots-present"))
                .flatMapValues(GunicornWorkerMetrics::of, Named.as("gunicorn-worker-metrics"))
                .to(Topics.METRICS, metrics.withName("gunicorn-worker-metrics-sink"));

        KStream<String, StatsdMetrics> statsd = builder.stream(Topics.STATSD,
                Consumed.with(KEYS, JsonSerde.of(StatsdMetrics.class)).withName("statsd-intervals"));
        statsd.process(StatsdMetricsDeriver::new, Named.as("statsd-metrics-deriver"), GunicornCheckDeriver.STORE)
                .to(Topics.METRICS, Produced.with(KEYS, JsonSerde.of(MetricPoint.class))
                        .withName("statsd-metrics-sink"));

        long window = config.fleetWindow().toMillis();
        statsd.filter((server, record) -> record != null, Named.as("statsd-intervals-present"))
                .selectKey((server, record) -> record.app(), Named.as("statsd-by-app"))
                .groupByKey(Grouped.with("statsd-by-app", KEYS, JsonSerde.of(StatsdMetrics.class)))
                .windowedBy(TimeWindows.ofSizeAndGrace(config.fleetWindow(), config.fleetWindow()))
                .emitStrategy(EmitStrategy.onWindowClose())
                .aggregate(FleetRollup::empty, (app, record, rollup) -> rollup.add(record),
                        Named.as("fleet-rollup"), Materialized.<String, FleetRollup, WindowStore<Bytes, byte[]>>as(
                                "fleet-rollup").withKeySerde(KEYS).withValueSerde(JsonSerde.of(FleetRollup.class)))
                .toStream(Named.as("fleet-windows"))
                .flatMap((windowed, rollup) -> rollup.points(windowed.key(), window, windowed.window().end())
                        .stream().map(point -> KeyValue.pair(GunicornMetrics.FLEET, point)).toList(),
                        Named.as("fleet-metrics"))
                .to(Topics.METRICS, Produced.with(KEYS, JsonSerde.of(MetricPoint.class))
                        .withName("fleet-metrics-sink"));
    }

    /** The docker source: docker.can_connect, the engine's metric points, and container counts per server. */
    private static void addDocker(StreamsBuilder builder, PipelineConfig config) {
        builder.addStateStore(DockerCheckDeriver.storeBuilder());
        builder.addStateStore(DockerMetricsDeriver.storeBuilder());
        builder.addStateStore(ContainerCountsDeriver.storeBuilder());
        KStream<String, DockerSnapshot> scrapes = builder.stream(Topics.DOCKER,
                Consumed.with(KEYS, JsonSerde.of(DockerSnapshot.class)).withName("docker-scrapes"));
        scrapes.process(() -> new DockerCheckDeriver(config.punctuateInterval(), config.staleAfter()),
                        Named.as("docker-check-deriver"), DockerCheckDeriver.STORE)
                .to(Topics.SERVICE_CHECKS, Produced.with(KEYS, JsonSerde.of(ServiceCheck.class))
                        .withName("docker-checks-sink"));
        scrapes.process(DockerMetricsDeriver::new, Named.as("docker-metrics-deriver"), DockerMetricsDeriver.STORE)
                .to(Topics.METRICS, Produced.with(KEYS, JsonSerde.of(MetricPoint.class))
                        .withName("docker-metrics-sink"));
        scrapes.process(ContainerCountsDeriver::new, Named.as("container-counts-deriver"),
                        ContainerCountsDeriver.STORE)
                .to(Topics.CONTAINER_COUNTS, Produced.with(KEYS, JsonSerde.of(ContainerCounts.class))
                        .withName("container-counts-sink"));
    }

    /** The listener's own counters, as metric points. */
    private static void addListenerMetrics(StreamsBuilder builder) {
        builder.stream(Topics.LISTENER_METRICS, Consumed.with(KEYS, JsonSerde.of(ListenerMetrics.class))
                        .withName("listener-metrics"))
                .filter((server, metrics) -> metrics != null, Named.as("listener-metrics-present"))
                .flatMap((key, metrics) -> ListenerMetricsEmitter.points(metrics).stream()
                        .map(point -> KeyValue.pair(metrics.server(), point)).toList(),
                        Named.as("listener-metrics-emitter"))
                .to(Topics.METRICS, Produced.with(KEYS, JsonSerde.of(MetricPoint.class))
                        .withName("listener-metrics-sink"));
    }
}
