package io.supervisorkafka.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.supervisorkafka.schemas.CheckStatus;
import io.supervisorkafka.schemas.JsonSerde;
import io.supervisorkafka.schemas.MetricPoint;
import io.supervisorkafka.schemas.ProcessCounts;
import io.supervisorkafka.schemas.ProcessStatus;
import io.supervisorkafka.schemas.ServiceCheck;
import io.supervisorkafka.schemas.Topics;
import io.supervisorkafka.testkit.SchemaValidator;
import io.supervisorkafka.testkit.Supervisord;
import io.supervisorkafka.testkit.TopicCollector;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole pipeline on real components: supervisord from Debian's package with the built listener as its event
 * listener, a real KRaft broker, and the built Streams app as a separate process, read as a downstream consumer.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PipelineEndToEndTest {
    static final String SERVER = "e2e-host";
    static final Duration PATIENCE = Duration.ofSeconds(90);

    /** Kept when a test fails, with every process's log in it. */
    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    static Path dir;

    EndToEndPipeline pipeline;
    TopicCollector collector;
    Supervisord supervisord;

    @BeforeAll
    void startPipeline() throws Exception {
        pipeline = EndToEndPipeline.start(dir, "e2e-streams",
                Stream.concat(Topics.INPUTS.stream(), Topics.OUTPUTS.stream()).toList(), "--punctuate-interval", "1s");
        collector = pipeline.collector();
        String bootstrap = pipeline.bootstrapServers();
        supervisord = pipeline.startSupervisord(dir.resolve("supervisord"), "e2e", """
                [program:steady]
                command=sleep infinity
                startsecs=1
                autorestart=true

                [program:crasher]
                command=sh -c "echo crashing >&2; exit 3"
                startsecs=1
                startretries=1

                [program:oneshot]
                command=sh -c "sleep 2; exit 3"
                startsecs=1
                autorestart=false

                """ + Pipeline.listenerSection(bootstrap, SERVER,
                "PROCESS_STATE,PROCESS_GROUP,SUPERVISOR_STATE_CHANGE,REMOTE_COMMUNICATION", "--snapshot-interval 2s"));
    }

    @AfterAll
    void stopPipeline() throws Exception {
        if (pipeline != null) {
            pipeline.close();
        }
    }

    @Test
    @Order(1)
    void statusAndCountsAgreeWithSupervisorctl() throws Exception {
        await("steady RUNNING, crasher FATAL, oneshot EXITED on " + Topics.PROCESS_STATUS).atMost(PATIENCE)
                .untilAsserted(() -> {
                    assertThat(latestStatus("steady:steady")).hasValueSatisfying(s -> {
                        assertThat(s.state()).isEqualTo("RUNNING");
                        assertThat(s.check()).isEqualTo(CheckStatus.OK);
                        assertThat(s.pid()).isPositive();
                        assertThat(s.startedAt()).isPositive();
                    });
                    assertThat(latestStatus("crasher:crasher")).hasValueSatisfying(s -> {
                        assertThat(s.state()).isEqualTo("FATAL");
                        assertThat(s.check()).isEqualTo(CheckStatus.CRITICAL);
                    });
                    assertThat(latestStatus("oneshot:oneshot")).hasValueSatisfying(s -> {
                        assertThat(s.state()).isEqualTo("EXITED");
                        assertThat(s.check()).isEqualTo(CheckStatus.CRITICAL);
                    });
                });
        Map<String, String> supervisorctl = supervisord.status();
        assertThat(supervisorctl).containsEntry("steady:steady", "RUNNING").containsEntry("crasher:crasher", "FATAL")
                .containsEntry("oneshot:oneshot", "EXITED").containsEntry("kafka:kafka", "RUNNING");
        await("counts on " + Topics.PROCESS_COUNTS + " agreeing with supervisorctl status " + supervisorctl)
                .atMost(PATIENCE).untilAsserted(() -> {
                    ProcessCounts counts = collector.latest(Topics.PROCESS_COUNTS, SERVER, ProcessCounts.class).orElseThrow();
                    assertThat(counts.total()).isEqualTo(supervisorctl.size());
                    assertThat(counts.up()).isEqualTo(count(supervisorctl, "RUNNING"));
                    assertThat(counts.down()).isEqualTo(count(supervisorctl, "STOPPED", "BACKOFF", "STOPPING",
                            "EXITED", "FATAL"));
                    assertThat(counts.unknown()).isEqualTo(count(supervisorctl, "STARTING", "UNKNOWN"));
                    supervisorctl.values().stream().distinct().forEach(state ->
                            assertThat(counts.byState()).containsEntry(state, (int) count(supervisorctl, state)));
                    Map<String, String> derived = allLatestStatuses().stream()
                            .collect(Collectors.toMap(s -> s.group() + ":" + s.name(), ProcessStatus::state));
                    assertThat(derived).isEqualTo(supervisorctl);
                });
        // Events carry neither exit status nor spawn error: the XML-RPC snapshots add them.
        await("exit status and spawn error from the snapshots").atMost(PATIENCE).untilAsserted(() -> {
            assertThat(latestStatus("oneshot:oneshot").map(ProcessStatus::exitStatus)).contains(3);
            assertThat(latestStatus("crasher:crasher").map(ProcessStatus::spawnErr).orElse(""))
                    .contains("Exited too quickly");
        });
        assertThat(checks("crasher:crasher")).last().satisfies(c -> {
            // BACKOFF and FATAL are both CRITICAL: the feed alerts once, on the change to CRITICAL.
            assertThat(c.status()).isEqualTo(CheckStatus.CRITICAL);
            assertThat(c.message()).contains("crasher").contains(SERVER);
        });
    }

    private static long count(Map<String, String> supervisorctl, String... states) {
        return supervisorctl.values().stream().filter(List.of(states)::contains).count();
    }

    @Test
    @Order(2)
    void killMinus9IsCriticalThenOkAfterAutorestart() throws Exception {
        await().atMost(PATIENCE).until(() -> latestStatus("steady:steady").map(s -> s.check() == CheckStatus.OK).orElse(false));
        long pid = supervisord.pidOf("steady");
        int checksBefore = checks("steady:steady").size();
        long killedAt = System.currentTimeMillis();
        assertThat(ProcessHandle.of(pid).orElseThrow().destroyForcibly()).isTrue();

        await("CRITICAL for steady after kill -9").atMost(PATIENCE).until(() ->
                checks("steady:steady").stream().skip(checksBefore).anyMatch(c -> c.status() == CheckStatus.CRITICAL));
        TopicCollector.Received critical = collector.matching(Topics.SERVICE_CHECKS,
                r -> r.key().endsWith(SERVER + "/steady:steady")).stream()
                .skip(checksBefore)
                .filter(r -> serde(ServiceCheck.class).deserialize(Topics.SERVICE_CHECKS, r.value()).status() == CheckStatus.CRITICAL)
                .findFirst().orElseThrow();
        ServiceCheck check = serde(ServiceCheck.class).deserialize(Topics.SERVICE_CHECKS, critical.value());
        assertThat(check.previous()).isEqualTo(CheckStatus.OK);
        assertThat(check.message()).contains("steady");
        System.err.printf("kill -9 -> CRITICAL on %s: %d ms%n", Topics.SERVICE_CHECKS, critical.receivedAtMillis() - killedAt);

        await("OK again after autorestart").atMost(PATIENCE).until(() -> {
            List<ServiceCheck> after = checks("steady:steady").stream().skip(checksBefore).toList();
            return !after.isEmpty() && after.get(after.size() - 1).status() == CheckStatus.OK;
        });
        assertThat(supervisord.pidOf("steady")).isNotEqualTo(pid).isPositive();
    }

    @Test
    @Order(3)
    void uptimeGrowsAndSupervisordIsReachable() {
        await("two uptime points for steady, the later one larger").atMost(PATIENCE).untilAsserted(() -> {
            List<Double> uptimes = collector.all(Topics.METRICS).stream()
                    .map(r -> serde(MetricPoint.class).deserialize(Topics.METRICS, r.value()))
                    .filter(m -> m.name().equals("supervisord.process.uptime")
                            && "steady".equals(m.tags().get("supervisord_process")))
                    .map(MetricPoint::value).toList();
            assertThat(uptimes).hasSizeGreaterThan(1);
            assertThat(uptimes.get(uptimes.size() - 1)).isGreaterThan(uptimes.get(0)).isPositive();
        });
        await("supervisord.can_connect OK").atMost(PATIENCE).until(() -> collector.all(Topics.SERVICE_CHECKS).stream()
                .map(r -> serde(ServiceCheck.class).deserialize(Topics.SERVICE_CHECKS, r.value()))
                .anyMatch(c -> c.check().equals(ServiceCheck.CAN_CONNECT) && c.status() == CheckStatus.OK));
        await("process counts as metric points, zeros included").atMost(PATIENCE).until(() -> collector.all(Topics.METRICS).stream()
                .map(r -> serde(MetricPoint.class).deserialize(Topics.METRICS, r.value()))
                .filter(m -> m.name().equals("supervisord.process.count"))
                .map(m -> m.tags().get("status")).collect(Collectors.toSet())
                .containsAll(List.of("up", "down", "unknown")));
    }

    @Test
    @Order(4)
    void everyRecordOnEveryTopicMatchesItsSchema() {
        // Container counts come from the docker source, which DockerEndToEndTest covers.
        for (String topic : Stream.concat(Topics.INPUTS.stream(), Topics.OUTPUTS.stream())
                .filter(topic -> !topic.equals(Topics.CONTAINER_COUNTS)).toList()) {
            List<TopicCollector.Received> records = collector.all(topic);
            assertThat(records).as("records on " + topic).isNotEmpty();
            records.stream().filter(r -> r.value() != null).forEach(r -> SchemaValidator.assertValid(topic, r.value()));
        }
        assertThat(collector.all(Topics.EVENTS)).allSatisfy(r -> assertThat(r.key()).isEqualTo(SERVER));
    }

    private List<ServiceCheck> checks(String process) {
        return collector.values(Topics.SERVICE_CHECKS, ServiceCheck.PROCESS_STATUS + "|" + SERVER + "/" + process,
                ServiceCheck.class);
    }

    private Optional<ProcessStatus> latestStatus(String process) {
        return collector.latest(Topics.PROCESS_STATUS, SERVER + "/" + process, ProcessStatus.class);
    }

    private List<ProcessStatus> allLatestStatuses() {
        return List.copyOf(collector.latestByKey(Topics.PROCESS_STATUS, ProcessStatus.class).values());
    }

    private static <T> JsonSerde<T> serde(Class<T> type) {
        return JsonSerde.of(type);
    }
}
