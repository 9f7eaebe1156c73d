package io.supervisorkafka.streams.supervisor;

import io.supervisorkafka.schemas.JsonSerde;
import io.supervisorkafka.schemas.MetricPoint;
import io.supervisorkafka.schemas.ProcessCounts;
import io.supervisorkafka.schemas.ProcessExit;
import io.supervisorkafka.schemas.ProcessStatus;
import io.supervisorkafka.schemas.ServiceCheck;
import io.supervisorkafka.schemas.SupervisorEvent;
import io.supervisorkafka.schemas.SupervisorSnapshot;
import io.supervisorkafka.schemas.Topics;
import io.supervisorkafka.streams.PipelineConfig;
import io.supervisorkafka.streams.supervisor.FlappingUpdate.FlappingChanged;
import io.supervisorkafka.streams.supervisor.FlappingUpdate.RestartsCounted;
import io.supervisorkafka.streams.supervisor.SupervisordConnectivityUpdate.CanConnectChanged;
import io.supervisorkafka.streams.supervisor.SupervisordConnectivityUpdate.SupervisorStateChanged;
import io.supervisorkafka.streams.supervisor.SupervisordMetricsInput.CountsChanged;
import io.supervisorkafka.streams.supervisor.SupervisordMetricsInput.InstanceStateChanged;
import io.supervisorkafka.streams.supervisor.SupervisordMetricsInput.ProcessChanged;
import io.supervisorkafka.streams.supervisor.SupervisordMetricsInput.RestartsChanged;
import java.util.List;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;

/**
 * The supervisord source's part of the topology: events, snapshots and exit records merged per server into process
 * status, counts, service checks and metrics.
 *
 * <pre>
 * supervisor.events ─ event-deduplicator ─┐
 * supervisor.snapshots ───────────────────┤
 * supervisor.process-exits ───────────────┴─ supervisor-inputs
 *   supervisor-inputs ─ process-status-deriver ─ (ProcessStatusChange)
 *       ├─▶ supervisor.process-status
 *       ├─ process-check-emitter ─▶ supervisor.service-checks
 *       ├─ process-counts-deriver ─▶ supervisor.process-counts, and to metrics-emitter
 *       └─ to metrics-emitter
 *   supervisor-inputs ─ process-flapping-detector ─ (FlappingUpdate)
 *       ├─ flapping checks ─▶ supervisor.service-checks
 *       └─ restart counts ─ to metrics-emitter
 *   supervisor-inputs ─ connectivity-checker ─ (SupervisordConnectivityUpdate)
 *       ├─ can_connect checks (servers with server_check) ─▶ supervisor.service-checks
 *       └─ supervisord state changes ─ to metrics-emitter
 *   metrics-emitter ─▶ supervisor.metrics
 *   supervisor-inputs ─ supervisor-influx-lines ─▶ supervisor.influx   (only with --influx)
 * </pre>
 *
 * <p>The inputs are keyed by server and co-partitioned, so this is one sub-topology: the processors share the
 * per-server state of a partition without any repartition topic. Key changes after the status deriver (to
 * {@code server/group:name}) are fine because nothing downstream groups or joins by key. Exit records need no
 * deduplication: applying one twice changes nothing.
 */
public final class SupervisorTopology {

    private static final Serde<String> KEYS = Serdes.String();

    private SupervisorTopology() {
    }

    public static void addTo(StreamsBuilder builder, PipelineConfig config) {
        builder.addStateStore(EventDeduplicator.storeBuilder(config.dedupRetention()));
        builder.addStateStore(ProcessStatusDeriver.storeBuilder());
        builder.addStateStore(ProcessStatusDeriver.exitsStoreBuilder());
        builder.addStateStore(ProcessStatusDeriver.exitServersStoreBuilder());
        builder.addStateStore(ProcessCountsDeriver.storeBuilder());
        builder.addStateStore(ProcessCheckEmitter.storeBuilder());
        builder.addStateStore(ProcessFlappingDetector.storeBuilder());
        builder.addStateStore(SupervisordConnectivityChecker.storeBuilder());
        WatchRules watch = config.watch();

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
        KStream<String, SupervisorInput> fromExits = builder
                .stream(Topics.PROCESS_EXITS, Consumed.with(KEYS, JsonSerde.of(ProcessExit.class))
                        .withName("process-exits"))
                .flatMapValues((server, exit) -> SupervisorInput.fromExit(server, exit).stream().toList(),
                        Named.as("exit-input"));
        KStream<String, SupervisorInput> inputs = fromEvents.merge(
                fromSnapshots.merge(fromExits, Named.as("snapshot-and-exit-inputs")), Named.as("supervisor-inputs"));

        KStream<String, ProcessStatusChange> changes = inputs.process(ProcessStatusDeriver::new,
                Named.as("process-status-deriver"), ProcessStatusDeriver.STORE, ProcessStatusDeriver.EXITS_STORE,
                ProcessStatusDeriver.EXIT_SERVERS_STORE);
        changes.mapValues(ProcessStatusChange::after, Named.as("status-after-change"))
                .to(Topics.PROCESS_STATUS, Produced.with(KEYS, JsonSerde.of(ProcessStatus.class))
                        .withName("process-status-sink"));

        KStream<String, ProcessCounts> counts = changes.process(ProcessCountsDeriver::new,
                Named.as("process-counts-deriver"), ProcessStatusDeriver.STORE, ProcessCountsDeriver.STORE);
        counts.to(Topics.PROCESS_COUNTS, Produced.with(KEYS, JsonSerde.of(ProcessCounts.class))
                .withName("process-counts-sink"));

        KStream<String, SupervisordConnectivityUpdate> connectivity = inputs.process(
                () -> new SupervisordConnectivityChecker(config.punctuateInterval(), config.staleAfter()),
                Named.as("connectivity-checker"), SupervisordConnectivityChecker.STORE);

        KStream<String, FlappingUpdate> flapping = inputs.process(
                () -> new ProcessFlappingDetector(config.flapping(), config.punctuateInterval(), watch),
                Named.as("process-flapping-detector"), ProcessFlappingDetector.STORE);

        KStream<String, ServiceCheck> processChecks = changes.process(
                () -> new ProcessCheckEmitter(config.exitContextWait(), watch), Named.as("process-check-emitter"),
                ProcessCheckEmitter.STORE);
        KStream<String, ServiceCheck> flappingChecks = flapping.flatMapValues(
                update -> update instanceof FlappingChanged changed ? List.of(changed.check()) : List.of(),
                Named.as("flapping-checks"));
        KStream<String, ServiceCheck> canConnectChecks = connectivity.flatMapValues(
                update -> update instanceof CanConnectChanged changed
                        && watch.forServer(changed.check().server()).serverCheck()
                        ? List.of(changed.check()) : List.of(),
                Named.as("can-connect-checks"));
        processChecks.merge(flappingChecks, Named.as("process-and-flapping-checks"))
                .merge(canConnectChecks, Named.as("service-checks"))
                .to(Topics.SERVICE_CHECKS, Produced.with(KEYS, JsonSerde.of(ServiceCheck.class))
                        .withName("service-checks-sink"));

        KStream<String, SupervisordMetricsInput> processMetrics = changes.flatMapValues(
                change -> change.after() == null ? List.of() : List.of(new ProcessChanged(change.after())),
                Named.as("process-metrics-input"));
        KStream<String, SupervisordMetricsInput> countMetrics = counts.mapValues(
                (server, processCounts) -> new CountsChanged(server, processCounts), Named.as("count-metrics-input"));
        KStream<String, SupervisordMetricsInput> instanceMetrics = connectivity.flatMapValues(
                update -> update instanceof SupervisorStateChanged changed
                        ? List.of(new InstanceStateChanged(changed.server(), changed.stateCode(), changed.observedAt()))
                        : List.of(),
                Named.as("instance-metrics-input"));
        KStream<String, SupervisordMetricsInput> restartMetrics = flapping.flatMapValues(
                update -> update instanceof RestartsCounted counted ? List.of(new RestartsChanged(counted.server(),
                        counted.group(), counted.name(), counted.restarts(), counted.at())) : List.of(),
                Named.as("restart-metrics-input"));
        processMetrics.merge(countMetrics, Named.as("process-and-count-metrics"))
                .merge(instanceMetrics.merge(restartMetrics, Named.as("instance-and-restart-metrics")),
                        Named.as("metrics-inputs"))
                .process(() -> new SupervisordMetricsEmitter(config.punctuateInterval(), config.flapping().window(),
                                watch), Named.as("metrics-emitter"),
                        ProcessStatusDeriver.STORE, SupervisordConnectivityChecker.STORE, ProcessFlappingDetector.STORE)
                .to(Topics.METRICS, Produced.with(KEYS, JsonSerde.of(MetricPoint.class)).withName("metrics-sink"));

        if (config.influx()) {
            // Last child of the inputs: it reads the status store after the deriver applied the same input.
            inputs.process(SupervisorInfluxEmitter::new, Named.as("supervisor-influx-lines"),
                            ProcessStatusDeriver.STORE)
                    .to(Topics.INFLUX, Produced.with(KEYS, Serdes.String()).withName("supervisor-influx-sink"));
        }
    }
}
