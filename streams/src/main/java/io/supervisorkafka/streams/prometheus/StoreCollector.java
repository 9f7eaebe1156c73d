package io.supervisorkafka.streams.prometheus;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.supervisorkafka.schemas.CheckStatus;
import io.supervisorkafka.schemas.ContainerCounts;
import io.supervisorkafka.schemas.ListenerMetrics;
import io.supervisorkafka.schemas.ProcessCounts;
import io.supervisorkafka.schemas.ProcessState;
import io.supervisorkafka.schemas.ProcessStatus;
import io.supervisorkafka.streams.common.PromFamily;
import io.supervisorkafka.streams.docker.ContainerCountsDeriver;
import io.supervisorkafka.streams.docker.DockerCatalog;
import io.supervisorkafka.streams.docker.DockerCheckDeriver;
import io.supervisorkafka.streams.docker.DockerConnectivity;
import io.supervisorkafka.streams.gunicorn.GunicornAppsState;
import io.supervisorkafka.streams.gunicorn.GunicornCatalog;
import io.supervisorkafka.streams.gunicorn.GunicornCheckDeriver;
import io.supervisorkafka.streams.gunicorn.GunicornRequestTotals;
import io.supervisorkafka.streams.gunicorn.StatsdMetricsDeriver;
import io.supervisorkafka.streams.selfmetrics.ListenerMetricsKeeper;
import io.supervisorkafka.streams.selfmetrics.ListenerSelfMetricsCatalog;
import io.supervisorkafka.streams.supervisor.ProcessCountsDeriver;
import io.supervisorkafka.streams.supervisor.ProcessFlapping;
import io.supervisorkafka.streams.supervisor.ProcessFlappingDetector;
import io.supervisorkafka.streams.supervisor.ProcessStatusDeriver;
import io.supervisorkafka.streams.supervisor.SupervisorCatalog;
import io.supervisorkafka.streams.supervisor.SupervisordConnectivity;
import io.supervisorkafka.streams.supervisor.SupervisordConnectivityChecker;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Builds the Prometheus endpoint's families at scrape time from the state stores this instance holds ({@link
 * LocalStores}), with the names, types, help and labels of the catalogs. Nothing is cached between scrapes: a scrape
 * shows the stores as they are.
 *
 * <p>Each store is read in full before any of it is served: a store that cannot be queried, or whose query fails
 * half-way (a rebalance began), serves nothing in this scrape and is reported in {@code
 * supervisor_kafka_streams_store_ready} as 0; so is a store that has a changelog partition being restored here.
 * Each instance serves only its own tasks' part: Prometheus scrapes every instance.
 */
public final class StoreCollector implements MultiCollector {

    /** The stores the families come from, in the order their readiness is reported. */
    public static final List<String> STORES = List.of(ProcessStatusDeriver.STORE, ProcessFlappingDetector.STORE,
            ProcessCountsDeriver.STORE, SupervisordConnectivityChecker.STORE, GunicornCheckDeriver.STORE,
            StatsdMetricsDeriver.TOTALS_STORE, DockerCheckDeriver.STORE, ContainerCountsDeriver.STORE, ListenerMetricsKeeper.STORE);

    private static final double SECOND = 1000.0;

    private final LocalStores stores;
    private final Supplier<KafkaStreams.State> state;
    private final RestoreProgress restores;

    public StoreCollector(LocalStores stores, Supplier<KafkaStreams.State> state, RestoreProgress restores) {
        this.stores = stores;
        this.state = state;
        this.restores = restores;
    }

    @Override
    public List<String> getPrometheusNames() {
        return EndpointCatalog.families().stream().map(PromFamily::modelName).toList();
    }

    @Override
    public MetricSnapshots collect() {
        Families out = new Families();
        Map<String, Boolean> ready = new LinkedHashMap<>();
        KafkaStreams.State now = state.get();

        Optional<List<KeyValue<String, ProcessStatus>>> statuses = read(ProcessStatusDeriver.STORE, ready, now);
        statuses.ifPresent(entries -> processes(entries, out));
        this.<ProcessFlapping>read(ProcessFlappingDetector.STORE, ready, now)
                .ifPresent(entries -> flapping(entries, out));
        this.<ProcessCounts>read(ProcessCountsDeriver.STORE, ready, now).ifPresent(entries -> counts(entries, out));
        this.<SupervisordConnectivity>read(SupervisordConnectivityChecker.STORE, ready, now)
                .ifPresent(entries -> supervisord(entries, out));
        this.<GunicornAppsState>read(GunicornCheckDeriver.STORE, ready, now)
                .ifPresent(entries -> gunicornApps(entries, out));
        this.<GunicornRequestTotals>read(StatsdMetricsDeriver.TOTALS_STORE, ready, now)
                .ifPresent(entries -> gunicornTotals(entries, out));
        this.<DockerConnectivity>read(DockerCheckDeriver.STORE, ready, now)
                .ifPresent(entries -> dockerConnectivity(entries, out));
        this.<ContainerCounts>read(ContainerCountsDeriver.STORE, ready, now)
                .ifPresent(entries -> containers(entries, out));
        this.<ListenerMetrics>read(ListenerMetricsKeeper.STORE, ready, now)
                .ifPresent(entries -> listeners(entries, out));

        out.gauge(EndpointCatalog.READY, now == KafkaStreams.State.RUNNING ? 1 : 0);
        ready.forEach((store, isReady) -> out.gauge(EndpointCatalog.STORE_READY, isReady ? 1 : 0, store));
        restores.byStore().forEach((store, restore) -> {
            out.gauge(EndpointCatalog.RESTORING_PARTITIONS, restore.partitions(), store);
            out.gauge(EndpointCatalog.RESTORE_REMAINING, restore.remainingRecords(), store);
        });
        return out.snapshots();
    }

    /**
     * Every entry of the store, or empty when it cannot be read in full now; records whether the store is ready: read
     * with nothing restoring, or not held here at all while the app runs.
     */
    private <V> Optional<List<KeyValue<String, V>>> read(String name, Map<String, Boolean> ready,
                                                        KafkaStreams.State now) {
        List<KeyValue<String, V>> entries = new ArrayList<>();
        try {
            ReadOnlyKeyValueStore<String, V> store = stores.keyValueStore(name);
            try (KeyValueIterator<String, V> all = store.all()) {
                while (all.hasNext()) {
                    KeyValue<String, V> entry = all.next();
                    if (entry.value != null) {
                        entries.add(entry);
                    }
                }
            }
        } catch (InvalidStateStoreException e) {
            ready.put(name, now == KafkaStreams.State.RUNNING && !stores.hostsActiveTaskOf(name));
            return Optional.empty();
        }
        ready.put(name, !restores.isRestoring(name));
        return Optional.of(entries);
    }

    private static void processes(List<KeyValue<String, ProcessStatus>> entries, Families out) {
        for (KeyValue<String, ProcessStatus> entry : entries) {
            ProcessStatus status = entry.value;
            String[] labels = {status.server(), text(status.group()), text(status.name())};
            ProcessState state = status.processState();
            boolean up = state == ProcessState.RUNNING;
            out.gauge(SupervisorCatalog.PROM_UP, up ? 1 : 0, labels);
            out.gauge(SupervisorCatalog.PROM_STATE, status.stateCode(), labels);
            if (status.exitStatus() != null) {
                out.gauge(SupervisorCatalog.PROM_EXIT_STATUS, status.exitStatus(), labels);
            }
            if (up && status.startedAt() != null) {
                out.gauge(SupervisorCatalog.PROM_START_TIME, status.startedAt() / SECOND, labels);
            }
        }
    }

    private static void flapping(List<KeyValue<String, ProcessFlapping>> entries, Families out) {
        for (KeyValue<String, ProcessFlapping> entry : entries) {
            ProcessFlapping process = entry.value;
            if (process.status() != null) {
                out.gauge(SupervisorCatalog.PROM_FLAPPING, process.status() == CheckStatus.CRITICAL ? 1 : 0,
                        process.server(), text(process.group()), text(process.name()));
            }
        }
    }

    private static void counts(List<KeyValue<String, ProcessCounts>> entries, Families out) {
        for (KeyValue<String, ProcessCounts> entry : entries) {
            ProcessCounts counts = entry.value;
            String server = counts.server();
            out.gauge(SupervisorCatalog.PROM_PROCESSES, counts.up(), server, "up");
            out.gauge(SupervisorCatalog.PROM_PROCESSES, counts.down(), server, "down");
            out.gauge(SupervisorCatalog.PROM_PROCESSES, counts.unknown(), server, "unknown");
            for (ProcessState state : ProcessState.values()) {
                out.gauge(SupervisorCatalog.PROM_PROCESSES, counts.byState().getOrDefault(state.name(), 0), server,
                        state.name());
            }
        }
    }

    private static void supervisord(List<KeyValue<String, SupervisordConnectivity>> entries, Families out) {
        for (KeyValue<String, SupervisordConnectivity> entry : entries) {
            SupervisordConnectivity server = entry.value;
            if (server.stateCode() != null) {
                out.gauge(SupervisorCatalog.PROM_INSTANCE_STATE, server.stateCode(), server.server());
            }
            if (server.status() != null) {
                out.gauge(SupervisorCatalog.PROM_CAN_CONNECT, server.status() == CheckStatus.OK ? 1 : 0,
                        server.server());
            }
            if (server.lastSnapshotAt() > 0) {
                out.gauge(SupervisorCatalog.PROM_LAST_SNAPSHOT, server.lastSnapshotAt() / SECOND, server.server());
            }
        }
    }

    private static void gunicornApps(List<KeyValue<String, GunicornAppsState>> entries, Families out) {
        for (KeyValue<String, GunicornAppsState> entry : entries) {
            String server = entry.key;
            entry.value.apps().forEach((app, state) -> {
                out.gauge(GunicornCatalog.PROM_IS_RUNNING, CheckStatus.OK.name().equals(state.status()) ? 1 : 0,
                        server, app);
                if (state.idle() != null && state.working() != null) {
                    out.gauge(GunicornCatalog.PROM_WORKERS, state.idle(), server, app, "idle");
                    out.gauge(GunicornCatalog.PROM_WORKERS, state.working(), server, app, "working");
                }
            });
        }
    }

    private static void gunicornTotals(List<KeyValue<String, GunicornRequestTotals>> entries, Families out) {
        for (KeyValue<String, GunicornRequestTotals> entry : entries) {
            String server = entry.key;
            entry.value.apps().forEach((app, totals) -> {
                out.counter(GunicornCatalog.PROM_REQUESTS, totals.requests(), server, app);
                totals.statuses().forEach((code, value) ->
                        out.counter(GunicornCatalog.PROM_REQUEST_STATUS, value, server, app, code));
                totals.logs().forEach((level, value) ->
                        out.counter(GunicornCatalog.PROM_LOG_LINES, value, server, app, level));
            });
        }
    }

    private static void dockerConnectivity(List<KeyValue<String, DockerConnectivity>> entries, Families out) {
        for (KeyValue<String, DockerConnectivity> entry : entries) {
            DockerConnectivity server = entry.value;
            if (server.status() != null) {
                out.gauge(DockerCatalog.PROM_CAN_CONNECT, server.status() == CheckStatus.OK ? 1 : 0,
                        server.server());
            }
        }
    }

    private static void containers(List<KeyValue<String, ContainerCounts>> entries, Families out) {
        for (KeyValue<String, ContainerCounts> entry : entries) {
            ContainerCounts counts = entry.value;
            out.gauge(DockerCatalog.PROM_CONTAINERS, counts.running(), counts.server(), "running");
            out.gauge(DockerCatalog.PROM_CONTAINERS, counts.paused(), counts.server(), "paused");
            out.gauge(DockerCatalog.PROM_CONTAINERS, counts.stopped(), counts.server(), "stopped");
        }
    }

    private static void listeners(List<KeyValue<String, ListenerMetrics>> entries, Families out) {
        for (KeyValue<String, ListenerMetrics> entry : entries) {
            ListenerMetrics metrics = entry.value;
            String server = metrics.server();
            out.gauge(ListenerSelfMetricsCatalog.PROM_START_TIME, metrics.startedAt() / SECOND, server);
            out.gauge(ListenerSelfMetricsCatalog.PROM_LAST_REPORT, metrics.observedAt() / SECOND, server);
            out.counter(ListenerSelfMetricsCatalog.PROM_EVENTS_ACKNOWLEDGED, metrics.eventsAcknowledged(), server);
            out.counter(ListenerSelfMetricsCatalog.PROM_EVENTS_MALFORMED, metrics.eventsMalformed(), server);
            out.counter(ListenerSelfMetricsCatalog.PROM_EVENTS_OVERSIZED, metrics.eventsOversized(), server);
            if (metrics.eventsLost() != null) {
                out.counter(ListenerSelfMetricsCatalog.PROM_EVENTS_LOST, metrics.eventsLost(), server);
            }
            out.counter(ListenerSelfMetricsCatalog.PROM_RECORDS_SHIPPED, metrics.recordsShipped(), server);
            out.counter(ListenerSelfMetricsCatalog.PROM_RECORDS_SKIPPED, metrics.recordsSkipped(), server);
            ListenerMetrics.Spool spool = metrics.spool();
            if (spool != null) {
                out.gauge(ListenerSelfMetricsCatalog.PROM_SPOOL_BYTES, spool.bytes(), server);
                out.gauge(ListenerSelfMetricsCatalog.PROM_SPOOL_MAX_BYTES, spool.maxBytes(), server);
                out.gauge(ListenerSelfMetricsCatalog.PROM_SPOOL_UNSHIPPED, spool.unshipped(), server);
                out.counter(ListenerSelfMetricsCatalog.PROM_SPOOL_DROPPED, spool.droppedRecords(), server);
                out.counter(ListenerSelfMetricsCatalog.PROM_SPOOL_REFUSED, spool.refusedRecords(), server);
            }
        }
    }

    private static String text(String value) {
        return value == null ? "" : value;
    }

    /** The samples of this scrape, by family, in the order of {@link EndpointCatalog#families()}. */
    private static final class Families {
        private final Map<PromFamily, List<Object>> points = new LinkedHashMap<>();

        Families() {
            EndpointCatalog.families().forEach(family -> points.put(family, new ArrayList<>()));
        }

        void gauge(PromFamily family, double value, String... labelValues) {
            require(family, PromFamily.Type.GAUGE, labelValues);
            points.get(family).add(GaugeDataPointSnapshot.builder().value(value)
                    .labels(labels(family, labelValues)).build());
        }

        void counter(PromFamily family, double value, String... labelValues) {
            require(family, PromFamily.Type.COUNTER, labelValues);
            points.get(family).add(CounterDataPointSnapshot.builder().value(Math.max(0, value))
                    .labels(labels(family, labelValues)).build());
        }

        private void require(PromFamily family, PromFamily.Type type, String[] labelValues) {
            if (family.type() != type || labelValues.length != family.labels().size()
                    || !points.containsKey(family)) {
                throw new IllegalArgumentException(family + " is a " + family.type().text() + " with labels "
                        + family.labels() + " in the endpoint's catalogs");
            }
        }

        private static Labels labels(PromFamily family, String[] values) {
            return values.length == 0 ? Labels.EMPTY
                    : Labels.of(family.labels().toArray(String[]::new), values);
        }

        MetricSnapshots snapshots() {
            List<MetricSnapshot> snapshots = new ArrayList<>();
            points.forEach((family, samples) -> {
                if (samples.isEmpty()) {
                    return;
                }
                if (family.type() == PromFamily.Type.COUNTER) {
                    CounterSnapshot.Builder builder = CounterSnapshot.builder().name(family.modelName())
                            .help(family.help());
                    samples.forEach(sample -> builder.dataPoint((CounterDataPointSnapshot) sample));
                    snapshots.add(builder.build());
                } else {
                    GaugeSnapshot.Builder builder = GaugeSnapshot.builder().name(family.modelName())
                            .help(family.help());
                    samples.forEach(sample -> builder.dataPoint((GaugeDataPointSnapshot) sample));
                    snapshots.add(builder.build());
                }
            });
            return new MetricSnapshots(snapshots);
        }
    }
}
