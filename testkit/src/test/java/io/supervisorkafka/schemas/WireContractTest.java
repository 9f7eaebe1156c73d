package io.supervisorkafka.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.supervisorkafka.testkit.SchemaValidator;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

/**
 * The records of every topic against their JSON Schema files. It lives beside the schema validator, in the test kit,
 * which depends on the schemas module (the schemas module cannot depend on the kit in turn).
 */
class WireContractTest {

    static final SupervisorEvent EVENT = new SupervisorEvent("web-1", "supervisor", "812-1795307160000", 5, "kafka", 5,
            "PROCESS_STATE_RUNNING", "3.0",
            Map.of("processname", "probe", "groupname", "probe", "from_state", "STARTING", "pid", "3564"), null,
            1795307165123L);

    static final SupervisorSnapshot SNAPSHOT = new SupervisorSnapshot("web-1", "supervisor", "unix:///run/supervisor.sock",
            1795307160000L, 4, null,
            new SupervisorSnapshot.SupervisorInfo("RUNNING", 1, "supervisor", "4.2.5", 812L),
            List.of(new SupervisorSnapshot.ProcessInfo("probe", "probe", "RUNNING", 20, 3564, 1795307150L, 0,
                    1795307160L, 0, null, "pid 3564, uptime 0:00:10")));

    static final GunicornSnapshot GUNICORN = new GunicornSnapshot("web-1", 1795307165000L, 1000, List.of(
            new GunicornSnapshot.App("demo", true, 4100L, "web", "web", List.of(
                    new GunicornSnapshot.Worker(4101, GunicornSnapshot.WORKING),
                    new GunicornSnapshot.Worker(4102, GunicornSnapshot.IDLE))),
            new GunicornSnapshot.App("api", true, null, null, null, List.of())));

    static final DockerSnapshot DOCKER = new DockerSnapshot("web-1", 1795307160000L, "http://127.0.0.1:9323/metrics",
            DockerSnapshot.SCRAPE, 7, null, List.of(
            new DockerSnapshot.Family("engine_daemon_container_states_containers", DockerSnapshot.Family.GAUGE,
                    "The count of containers in various states", List.of(
                    new DockerSnapshot.Sample("engine_daemon_container_states_containers", Map.of("state", "running"),
                            2, null),
                    new DockerSnapshot.Sample("engine_daemon_container_states_containers", Map.of("state", "paused"),
                            0, 1795307159000L))),
            new DockerSnapshot.Family("engine_daemon_container_actions_seconds", DockerSnapshot.Family.HISTOGRAM,
                    null, List.of(
                    new DockerSnapshot.Sample("engine_daemon_container_actions_seconds_bucket",
                            Map.of("action", "start", "le", "+Inf"), 3, null),
                    new DockerSnapshot.Sample("engine_daemon_container_actions_seconds_sum",
                            Map.of("action", "start"), Double.NaN, null),
                    new DockerSnapshot.Sample("engine_daemon_container_actions_seconds_count",
                            Map.of("action", "start"), Double.POSITIVE_INFINITY, null)))));

    static final ListenerMetrics LISTENER_METRICS = new ListenerMetrics("web-1", "812-1795307160000", 1795307160000L,
            1795307175000L, 120, 1, 0, 118, 0,
            new ListenerMetrics.Spool("drop-oldest", 40960, 268435456, 2, 0, 0),
            Map.of("snapshots.ok", 3L, "docker.failed", 1L), 6L);

    static StatsdMetrics statsd() {
        com.datadoghq.sketch.ddsketch.DDSketch sketch = Sketches.create();
        sketch.accept(1.5);
        sketch.accept(20);
        return new StatsdMetrics("web-1", "demo", 1795307160000L, 1795307170000L, List.of(
                new StatsdMetrics.Metric("gunicorn.requests", StatsdMetrics.COUNTER, null, 2.0, null, null, null,
                        null, null),
                new StatsdMetrics.Metric("gunicorn.workers", StatsdMetrics.GAUGE, Map.of("env", "prod"), 4.0, null,
                        null, null, null, null),
                new StatsdMetrics.Metric("gunicorn.request.duration", StatsdMetrics.TIMER, null, null, 2.0, 21.5,
                        1.5, 20.0, Sketches.encode(sketch))), 0L);
    }

    @Test
    void sketchesRoundTripAndMerge() {
        com.datadoghq.sketch.ddsketch.DDSketch a = Sketches.create();
        com.datadoghq.sketch.ddsketch.DDSketch b = Sketches.create();
        for (int i = 1; i <= 100; i++) {
            (i % 2 == 0 ? a : b).accept(i);
        }
        com.datadoghq.sketch.ddsketch.DDSketch merged = Sketches.decode(Sketches.encode(a));
        merged.mergeWith(Sketches.decode(Sketches.encode(b)));
        assertThat(merged.getCount()).isEqualTo(100.0);
        assertThat(merged.getValueAtQuantile(0.5)).isCloseTo(50.0, org.assertj.core.data.Offset.offset(1.0));
        assertThat(merged.getValueAtQuantile(0.95)).isCloseTo(95.0, org.assertj.core.data.Offset.offset(1.5));
        assertThatThrownBy(() -> Sketches.decode("bm90IGEgc2tldGNo")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void appChecksAreKeyedByApp() {
        ServiceCheck check = new ServiceCheck(ServiceCheck.GUNICORN_IS_RUNNING, "web-1", "web", "web",
                CheckStatus.OK, null, "3 working and 1 idle workers for demo", 1795307165000L, "demo");
        assertThat(check.key()).isEqualTo("gunicorn.is_running|web-1/demo");
        SchemaValidator.assertValid(Topics.SERVICE_CHECKS, check);
    }

    static Map<String, Integer> byState() {
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (ProcessState state : ProcessState.values()) {
            counts.put(state.name(), state == ProcessState.RUNNING ? 2 : state == ProcessState.FATAL ? 1 : 0);
        }
        return counts;
    }

    @Test
    void everyRecordTypeRoundTripsAndMatchesItsSchema() {
        Map<String, Object> samples = Map.ofEntries(
                Map.entry(Topics.EVENTS, EVENT),
                Map.entry(Topics.SNAPSHOTS, SNAPSHOT),
                Map.entry(Topics.PROCESS_EXITS, new ProcessExit("web-1", "812-1795307160000", 41, "web", "web",
                        "RUNNING", "EXITED", false, 3564L, 3, null, 2.25,
                        "Traceback (most recent call last):\nImportError: No module named flask\n", "stderr", null,
                        1795307165000L, 1795307165012L)),
                Map.entry(Topics.PROCESS_STATUS, new ProcessStatus("web-1", "probe", "probe", "RUNNING", 20, 3564L,
                        1795307150000L, 15, null, null, "pid 3564", CheckStatus.OK, 1795307151000L,
                        ProcessStatus.SOURCE_EVENT, 1795307151000L, 1795307165000L)),
                Map.entry(Topics.PROCESS_COUNTS, new ProcessCounts("web-1", 2, 1, 0, 3, byState(), 1795307165000L)),
                Map.entry(Topics.SERVICE_CHECKS, new ServiceCheck(ServiceCheck.PROCESS_STATUS, "web-1", "probe", "probe",
                        CheckStatus.CRITICAL, CheckStatus.OK, "probe on web-1 is EXITED", 1795307165000L)),
                Map.entry(Topics.METRICS, MetricPoint.gauge("supervisord.process.uptime", 15, 1795307165000L,
                        Map.of("server", "web-1", "supervisord_process", "probe"))),
                Map.entry(Topics.GUNICORN, GUNICORN),
                Map.entry(Topics.STATSD, statsd()),
                Map.entry(Topics.DOCKER, DOCKER),
                Map.entry(Topics.LISTENER_METRICS, LISTENER_METRICS),
                Map.entry(Topics.CONTAINER_COUNTS, new ContainerCounts("web-1", 2, 0, 1, 3, 1795307160000L)));
        assertThat(samples.keySet()).containsExactlyInAnyOrderElementsOf(java.util.stream.Stream.of(Topics.INPUTS,
                Topics.GUNICORN_INPUTS, Topics.HOST_INPUTS, Topics.OUTPUTS).flatMap(List::stream).toList());
        samples.forEach((topic, record) -> {
            @SuppressWarnings("unchecked")
            JsonSerde<Object> serde = (JsonSerde<Object>) JsonSerde.of(Topics.recordType(topic));
            byte[] bytes = serde.serialize(topic, record);
            SchemaValidator.assertValid(topic, bytes);
            assertThat(serde.deserialize(topic, bytes)).isEqualTo(record);
        });
    }

    @Test
    void schemaCatchesAFieldTheContractDoesNotHave() {
        String json = "{\"check\":\"supervisord.can_connect\",\"server\":\"a\",\"status\":\"OK\",\"message\":\"m\","
                + "\"timestamp\":1,\"surprise\":true}";
        assertThat(SchemaValidator.violations(Topics.SERVICE_CHECKS, json.getBytes(StandardCharsets.UTF_8)))
                .anySatisfy(v -> assertThat(v).contains("surprise"));
    }

    @Test
    void typedViewOfEvents() {
        assertThat(EVENT.kind()).isEqualTo(new EventKind.ProcessStateChange("probe", "probe", ProcessState.RUNNING,
                ProcessState.STARTING, 3564L, null, null));
        SupervisorEvent log = new SupervisorEvent("s", null, "i", 1, "p", 1, "PROCESS_LOG_STDERR", "3.0",
                Map.of("processname", "a", "groupname", "g", "pid", "7"), "héllo\n", 1);
        assertThat(log.kind()).isEqualTo(new EventKind.ProcessLog("g", "a", 7L, "stderr", "héllo\n"));
        SupervisorEvent tick = new SupervisorEvent("s", null, "i", 1, "p", 1, "TICK_60", "3.0",
                Map.of("when", "1795307165"), null, 1);
        assertThat(tick.kind()).isEqualTo(new EventKind.Tick(60, 1795307165L));
        SupervisorEvent future = new SupervisorEvent("s", null, "i", 1, "p", 1, "SOMETHING_NEW", "3.0",
                Map.of(), null, 1);
        assertThat(future.kind()).isEqualTo(new EventKind.Other("SOMETHING_NEW"));
        assertThat(EVENT.eventId()).isEqualTo("web-1/812-1795307160000/5");
    }

    @Test
    void unreadableRecordsFailWithTheTopicAndType() {
        JsonSerde<ServiceCheck> serde = JsonSerde.of(ServiceCheck.class);
        assertThatThrownBy(() -> serde.deserialize("t", "{not json".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("ServiceCheck").hasMessageContaining("t");
        assertThat(serde.deserialize("t", null)).isNull();
        assertThat(serde.serialize("t", null)).isNull();
    }
}
