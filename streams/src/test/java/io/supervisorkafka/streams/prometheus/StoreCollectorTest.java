package io.supervisorkafka.streams.prometheus;

import static io.supervisorkafka.streams.Fixtures.info;
import static io.supervisorkafka.streams.Fixtures.processEvent;
import static io.supervisorkafka.streams.Fixtures.running;
import static io.supervisorkafka.streams.Fixtures.snapshot;
import static org.assertj.core.api.Assertions.assertThat;

import io.supervisorkafka.schemas.DockerSnapshot;
import io.supervisorkafka.schemas.GunicornSnapshot;
import io.supervisorkafka.schemas.JsonSerde;
import io.supervisorkafka.schemas.ListenerMetrics;
import io.supervisorkafka.schemas.StatsdMetrics;
import io.supervisorkafka.schemas.SupervisorEvent;
import io.supervisorkafka.schemas.SupervisorSnapshot;
import io.supervisorkafka.schemas.Topics;
import io.supervisorkafka.streams.Fixtures;
import io.supervisorkafka.streams.TopologyDrivers;
import io.supervisorkafka.streams.common.PromFamily;
import io.supervisorkafka.streams.docker.DockerPage;
import io.supervisorkafka.streams.supervisor.ProcessCountsDeriver;
import io.supervisorkafka.streams.supervisor.ProcessStatusDeriver;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The endpoint's families from the stores of the real topology, filled through a TopologyTestDriver, scraped in the
 * text format and read back as Prometheus reads it.
 */
class StoreCollectorTest {

    private static final String SERVER = Fixtures.SERVER;
    private static final long T = Fixtures.T0;

    @TempDir
    Path stateDir;
    private TopologyTestDriver driver;
    private final AtomicReference<KafkaStreams.State> state = new AtomicReference<>(KafkaStreams.State.RUNNING);
    private final RestoreProgress restores = new RestoreProgress();

    @BeforeEach
    void start() {
        driver = TopologyDrivers.start(stateDir, T);
    }

    @AfterEach
    void close() {
        driver.close();
    }

    private <V> void pipe(String topic, Class<V> type, String key, V value, long timestamp) {
        driver.createInputTopic(topic, new StringSerializer(), JsonSerde.of(type))
                .pipeInput(new TestRecord<>(key, value, Instant.ofEpochMilli(timestamp)));
    }

    /** One server: a process RUNNING, one EXITED with status 3, one STOPPED; gunicorn, docker and its listener. */
    private void fillOneServer(String server) {
        pipe(Topics.SNAPSHOTS, SupervisorSnapshot.class, server, snapshot(server, T,
                running("probe", 3564, T - 60_000, T),
                info("web", "web", "EXITED", 0, T - 30_000, T - 10_000, T, 3, "", "Exited too quickly"),
                info("retired", "retired", "STOPPED", 0, 0, 0, T, 0, "", "Not started")), T);
        pipe(Topics.GUNICORN, GunicornSnapshot.class, server, new GunicornSnapshot(server, T, 100, List.of(
                new GunicornSnapshot.App("demo", true, 4100L, "web", "web", List.of(
                        new GunicornSnapshot.Worker(4101, GunicornSnapshot.WORKING),
                        new GunicornSnapshot.Worker(4102, GunicornSnapshot.IDLE),
                        new GunicornSnapshot.Worker(4103, GunicornSnapshot.IDLE))),
                new GunicornSnapshot.App("api", true, null, null, null, List.of()))), T);
        pipe(Topics.STATSD, StatsdMetrics.class, server, new StatsdMetrics(server, "demo", T - 10_000, T, List.of(
                counter("gunicorn.requests", 100), counter("gunicorn.request.status.200", 90),
                counter("gunicorn.request.status.404", 10), counter("gunicorn.log.error", 2)), 0L), T);
        DockerSnapshot scrape = DockerPage.captured().containers(1, 0, 2).snapshot(T);
        pipe(Topics.DOCKER, DockerSnapshot.class, server, new DockerSnapshot(server, scrape.observedAt(),
                scrape.source(), scrape.mode(), scrape.durationMs(), scrape.error(), scrape.families()), T);
        pipe(Topics.LISTENER_METRICS, ListenerMetrics.class, server, new ListenerMetrics(server, Fixtures.INSTANCE,
                T - 60_000, T, 1250, 1, 2, 1240, 3, new ListenerMetrics.Spool("block", 4096, 67_108_864, 7, 4, 5),
                Map.of("snapshots.ok", 12L), 852L), T);
    }

    /** The process web:web of {@link Fixtures#SERVER} crashes and is restarted three times: it flaps. */
    private void flap() {
        long serial = 0;
        long at = T + 1_000;
        for (int i = 0; i < 3; i++) {
            pipe(Topics.EVENTS, SupervisorEvent.class, SERVER, processEvent(serial++, "web", "web", "STARTING",
                    "EXITED", null, null, at), at);
            pipe(Topics.EVENTS, SupervisorEvent.class, SERVER, processEvent(serial++, "web", "web", "RUNNING",
                    "STARTING", 4000L + i, null, at + 1_000), at + 1_000);
            pipe(Topics.EVENTS, SupervisorEvent.class, SERVER, processEvent(serial++, "web", "web", "EXITED",
                    "RUNNING", 4000L + i, false, at + 2_000), at + 2_000);
            at += 3_000;
        }
    }

    private static StatsdMetrics.Metric counter(String name, double value) {
        return new StatsdMetrics.Metric(name, StatsdMetrics.COUNTER, null, value, null, null, null, null, null);
    }

    private Exposition scrape(LocalStores stores) {
        return Exposition.parse(Scrapes.text(new StoreCollector(stores, state::get, restores)));
    }

    @Test
    void servesEachProcessServerAppEngineAndListenerFromTheStores() {
        fillOneServer(SERVER);

        Exposition scrape = scrape(new DriverStores(driver));

        String[] probe = {"server", SERVER, "group", "probe", "name", "probe"};
        String[] web = {"server", SERVER, "group", "web", "name", "web"};
        String[] retired = {"server", SERVER, "group", "retired", "name", "retired"};
        assertThat(scrape.value("supervisord_up", probe)).contains(1.0);
        assertThat(scrape.value("supervisord_state", probe)).contains(20.0);
        assertThat(scrape.value("supervisord_start_time_seconds", probe)).contains((T - 60_000) / 1000.0);
        assertThat(scrape.value("supervisord_up", web)).contains(0.0);
        assertThat(scrape.value("supervisord_state", web)).contains(100.0);
        assertThat(scrape.value("supervisord_exit_status", web)).contains(3.0);
        assertThat(scrape.value("supervisord_start_time_seconds", web)).as("only while up").isEmpty();
        assertThat(scrape.value("supervisord_state", retired)).contains(0.0);
        assertThat(scrape.samples("supervisord_up")).hasSize(3);
        assertThat(scrape.samples("supervisord_flapping")).as("none of them flapped").isEmpty();

        assertThat(scrape.value("supervisord_processes", "server", SERVER, "status", "up")).contains(1.0);
        assertThat(scrape.value("supervisord_processes", "server", SERVER, "status", "down")).contains(2.0);
        assertThat(scrape.value("supervisord_processes", "server", SERVER, "status", "unknown")).contains(0.0);
        assertThat(scrape.value("supervisord_processes", "server", SERVER, "status", "RUNNING")).contains(1.0);
        assertThat(scrape.value("supervisord_processes", "server", SERVER, "status", "EXITED")).contains(1.0);
        assertThat(scrape.value("supervisord_processes", "server", SERVER, "status", "STOPPED")).contains(1.0);
        assertThat(scrape.value("supervisord_processes", "server", SERVER, "status", "FATAL")).contains(0.0);
        assertThat(scrape.samples("supervisord_processes")).hasSize(3 + 8);
        assertThat(scrape.value("supervisord_instance_state", "server", SERVER)).contains(1.0);
        assertThat(scrape.value("supervisord_can_connect", "server", SERVER)).contains(1.0);
        assertThat(scrape.value("supervisord_last_snapshot_timestamp_seconds", "server", SERVER))
                .contains(T / 1000.0);

        assertThat(scrape.value("gunicorn_is_running", "server", SERVER, "app", "demo")).contains(1.0);
        assertThat(scrape.value("gunicorn_is_running", "server", SERVER, "app", "api")).contains(0.0);
        assertThat(scrape.value("gunicorn_workers", "server", SERVER, "app", "demo", "state", "idle")).contains(2.0);
        assertThat(scrape.value("gunicorn_workers", "server", SERVER, "app", "demo", "state", "working"))
                .contains(1.0);
        assertThat(scrape.value("gunicorn_requests_total", "server", SERVER, "app", "demo")).contains(100.0);
        assertThat(scrape.value("gunicorn_request_status_total", "server", SERVER, "app", "demo", "code", "404"))
                .contains(10.0);
        assertThat(scrape.value("gunicorn_log_lines_total", "server", SERVER, "app", "demo", "level", "error"))
                .contains(2.0);

        assertThat(scrape.value("docker_can_connect", "server", SERVER)).contains(1.0);
        assertThat(scrape.value("docker_containers", "server", SERVER, "state", "running")).contains(1.0);
        assertThat(scrape.value("docker_containers", "server", SERVER, "state", "paused")).contains(0.0);
        assertThat(scrape.value("docker_containers", "server", SERVER, "state", "stopped")).contains(2.0);

        assertThat(scrape.value("supervisor_kafka_listener_start_time_seconds", "server", SERVER))
                .contains((T - 60_000) / 1000.0);
        assertThat(scrape.value("supervisor_kafka_listener_last_report_timestamp_seconds", "server", SERVER))
                .contains(T / 1000.0);
        assertThat(scrape.value("supervisor_kafka_listener_events_acknowledged_total", "server", SERVER))
                .contains(1250.0);
        assertThat(scrape.value("supervisor_kafka_listener_events_lost_total", "server", SERVER)).contains(852.0);
        assertThat(scrape.value("supervisor_kafka_listener_spool_bytes", "server", SERVER)).contains(4096.0);
        assertThat(scrape.value("supervisor_kafka_listener_spool_unshipped_records", "server", SERVER))
                .contains(7.0);
        assertThat(scrape.value("supervisor_kafka_listener_spool_dropped_records_total", "server", SERVER))
                .contains(4.0);
        assertThat(scrape.value("supervisor_kafka_listener_spool_refused_records_total", "server", SERVER))
                .contains(5.0);

        assertThat(scrape.value("supervisor_kafka_streams_ready")).contains(1.0);
        for (String store : StoreCollector.STORES) {
            assertThat(scrape.value("supervisor_kafka_streams_store_ready", "store", store)).as(store).contains(1.0);
        }
        assertThat(scrape.samples("supervisor_kafka_streams_store_restoring_partitions")).isEmpty();
    }

    @Test
    void everyFamilyIsInTheCatalogsWithItsHelpTypeAndLabels() {
        fillOneServer(SERVER);
        flap();
        restores.onRestoreStart(new TopicPartition("app-event-ids-changelog", 0), "event-ids", 10, 110);

        Exposition scrape = scrape(new DriverStores(driver));

        Map<String, PromFamily> catalog = new java.util.HashMap<>();
        EndpointCatalog.families().forEach(family -> catalog.put(family.name(), family));
        Set<String> served = new TreeSet<>();
        for (Exposition.Sample sample : scrape.samples) {
            assertThat(catalog).as("family of %s", sample.name()).containsKey(sample.name());
            PromFamily family = catalog.get(sample.name());
            assertThat(sample.labels().keySet()).as(sample.name())
                    .containsExactlyInAnyOrderElementsOf(family.labels());
            served.add(family.name());
        }
        assertThat(scrape.value("supervisord_flapping", "server", SERVER, "group", "web", "name", "web"))
                .contains(1.0);
        assertThat(served).as("every family has a sample in this scrape")
                .containsExactlyInAnyOrderElementsOf(catalog.keySet());
        scrape.type.forEach((name, type) -> {
            PromFamily family = catalog.get(name);
            assertThat(family).as("TYPE %s", name).isNotNull();
            assertThat(type).isEqualTo(family.type().text());
            assertThat(scrape.help.get(name)).isEqualTo(family.help());
        });
        assertThat(scrape.type.keySet()).containsExactlyInAnyOrderElementsOf(catalog.keySet());
    }

    @Test
    void aStoreThatCannotBeQueriedServesNothingAndIsNotReadyNorIsAStoreBeingRestored() {
        fillOneServer(SERVER);
        LocalStores driverStores = new DriverStores(driver);
        LocalStores migrating = new LocalStores() {
            @Override
            public <V> ReadOnlyKeyValueStore<String, V> keyValueStore(String name) {
                if (name.equals(ProcessStatusDeriver.STORE)) {
                    throw new InvalidStateStoreException("the state store, process-status, may have migrated");
                }
                return driverStores.keyValueStore(name);
            }
        };
        restores.onRestoreStart(new TopicPartition("app-process-counts-changelog", 1), ProcessCountsDeriver.STORE,
                100, 1100);
        restores.onBatchRestored(new TopicPartition("app-process-counts-changelog", 1), ProcessCountsDeriver.STORE,
                399, 300);
        state.set(KafkaStreams.State.REBALANCING);

        Exposition scrape = scrape(migrating);

        assertThat(scrape.samples("supervisord_up")).isEmpty();
        assertThat(scrape.samples("supervisord_state")).isEmpty();
        assertThat(scrape.value("supervisor_kafka_streams_ready")).contains(0.0);
        assertThat(scrape.value("supervisor_kafka_streams_store_ready", "store", ProcessStatusDeriver.STORE))
                .contains(0.0);
        assertThat(scrape.value("supervisor_kafka_streams_store_ready", "store", ProcessCountsDeriver.STORE))
                .contains(0.0);
        assertThat(scrape.value("supervisor_kafka_streams_store_restoring_partitions", "store",
                ProcessCountsDeriver.STORE)).contains(1.0);
        assertThat(scrape.value("supervisor_kafka_streams_store_restore_remaining_records", "store",
                ProcessCountsDeriver.STORE)).contains(700.0);
        assertThat(scrape.value("supervisor_kafka_streams_store_ready", "store", "container-counts")).contains(1.0);

        restores.onRestoreEnd(new TopicPartition("app-process-counts-changelog", 1), ProcessCountsDeriver.STORE,
                1000);
        state.set(KafkaStreams.State.RUNNING);
        Exposition after = scrape(new LocalStores() {
            @Override
            public <V> ReadOnlyKeyValueStore<String, V> keyValueStore(String name) {
                throw new InvalidStateStoreException("no task of " + name + " here");
            }

            @Override
            public boolean hostsActiveTaskOf(String name) {
                return false;
            }
        });
        assertThat(after.value("supervisor_kafka_streams_store_ready", "store", ProcessStatusDeriver.STORE))
                .as("an instance with no task of the store has nothing to wait for").contains(1.0);
        assertThat(after.samples("supervisor_kafka_streams_store_restoring_partitions")).isEmpty();
    }

    @Test
    void labelValuesAreEscapedAsTheTextFormatWantsThem() {
        String hostile = "we\"b\\1,x=y {z}\nnext";
        fillOneServer(hostile);

        Exposition scrape = scrape(new DriverStores(driver));

        assertThat(scrape.value("supervisord_up", "server", hostile, "group", "probe", "name", "probe"))
                .contains(1.0);
        assertThat(scrape.value("docker_containers", "server", hostile, "state", "stopped")).contains(2.0);
    }
}
