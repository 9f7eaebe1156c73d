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
import io.supervisorkafka.testkit.Supervisord;
import io.supervisorkafka.testkit.TopicCollector;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Alerts an operator can act on, on real components: two supervisord, each with the built listener, a real broker
 * and the built Streams app with a short flapping window and a watch rule for one of the servers.
 *
 * <p>{@code ALERTS} watches everything; {@code WATCHED} matches the rule {@code watched} of the Streams app's
 * {@code --config} file: {@code ignored} is not watched, STOPPED counts as OK, and it has no can_connect check.
 *
 * <p>The tests of why a process exited ({@link #aProgramThatExitsAtOnceSaysWhyWithStatusThreeAndItsStderrLine},
 * {@link #aProgramKilledByNineSaysItWasSigkill}) need the listener's records on {@code supervisor.process-exits}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AlertsEndToEndTest {
    static final String ALERTS = "e2e-alerts";
    static final String WATCHED = "e2e-watched-1";
    static final Duration PATIENCE = Duration.ofSeconds(90);
    static final String IMPORT_ERROR = "ImportError: no module named flask";

    /** Kept when a test fails, with every process's log in it. */
    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    static Path dir;

    EndToEndPipeline pipeline;
    TopicCollector collector;
    Supervisord alerts;

    @BeforeAll
    void startPipeline() throws Exception {
        Path config = dir.resolve("streams.properties");
        Files.writeString(config, String.join("\n",
                "watch.rules=watched",
                "watch.watched.servers=e2e-watched-*",
                "watch.watched.proc_names_exclude=ignored",
                "watch.watched.status_mapping_override=STOPPED:OK",
                "watch.watched.server_check=false", ""));
        pipeline = EndToEndPipeline.start(dir, "e2e-alerts-streams",
                Stream.concat(Topics.INPUTS.stream(), Topics.OUTPUTS.stream()).toList(), "--config", config.toString(),
                "--punctuate-interval", "1s", "--flapping-window", "8s", "--flapping-quiet", "5s");
        collector = pipeline.collector();
        String bootstrap = pipeline.bootstrapServers();
        String events = "PROCESS_STATE,PROCESS_GROUP,SUPERVISOR_STATE_CHANGE";
        String bystanders = """
                [program:ignored]
                command=sleep infinity
                startsecs=1

                [program:parked]
                command=sleep infinity
                autostart=false

                """;
        alerts = pipeline.startSupervisord(dir.resolve("alerts"), "e2e-alerts", bystanders + """
                [program:quick]
                command=sh -c "echo 'Traceback (most recent call last):' >&2; echo '%s' >&2; exit 3"
                startsecs=1
                startretries=2

                [program:sleeper]
                command=sleep infinity
                startsecs=1
                autorestart=false

                [program:flapper]
                command=sh -c "echo 'flapper: lost the database' >&2; sleep 1; exit 1"
                startsecs=0
                autorestart=true

                """.formatted(IMPORT_ERROR) + Pipeline.listenerSection(bootstrap, ALERTS, events,
                "--snapshot-interval 2s"));
        pipeline.startSupervisord(dir.resolve("watched"), "e2e-watched", bystanders
                + Pipeline.listenerSection(bootstrap, WATCHED, events, "--snapshot-interval 2s"));
    }

    @AfterAll
    void stopPipeline() throws Exception {
        if (pipeline != null) {
            pipeline.close();
        }
    }

    @Test
    void aProgramThatExitsAtOnceSaysWhyWithStatusThreeAndItsStderrLine() {
        await("quick's exit status 3 and its last stderr line, in a status or a CRITICAL check").atMost(PATIENCE)
                .until(() -> statuses(ALERTS, "quick:quick").stream().anyMatch(status -> status.exitStatus() != null
                        && status.exitStatus() == 3 && status.lastExit() != null
                        && IMPORT_ERROR.equals(status.lastExit().output()))
                        || checks(ServiceCheck.PROCESS_STATUS, ALERTS, "quick:quick").stream().anyMatch(check ->
                        check.status() == CheckStatus.CRITICAL && check.message().contains("exited with status 3")
                                && check.message().endsWith(": " + IMPORT_ERROR)));
    }

    @Test
    void aProgramKilledByNineSaysItWasSigkill() throws Exception {
        await("sleeper RUNNING").atMost(PATIENCE).until(() -> latestStatus(ALERTS, "sleeper:sleeper")
                .map(status -> "RUNNING".equals(status.state())).orElse(false));
        long pid = alerts.pidOf("sleeper");
        assertThat(ProcessHandle.of(pid).orElseThrow().destroyForcibly()).isTrue();

        await("SIGKILL in sleeper's status or CRITICAL check").atMost(PATIENCE)
                .until(() -> statuses(ALERTS, "sleeper:sleeper").stream().anyMatch(status -> status.lastExit() != null
                        && "SIGKILL".equals(status.lastExit().signal())
                        && Integer.valueOf(-1).equals(status.exitStatus()))
                        || checks(ServiceCheck.PROCESS_STATUS, ALERTS, "sleeper:sleeper").stream().anyMatch(check ->
                        check.message().contains("was killed by SIGKILL")));
    }

    @Test
    void aProgramThatRestartsEverySecondFlapsThenCalmsDownOnceStopped() throws Exception {
        await("flapper flapping").atMost(PATIENCE).until(() -> !checks(ServiceCheck.PROCESS_FLAPPING, ALERTS,
                "flapper:flapper").isEmpty());
        assertThat(checks(ServiceCheck.PROCESS_FLAPPING, ALERTS, "flapper:flapper")).first().satisfies(check -> {
            assertThat(check.status()).isEqualTo(CheckStatus.CRITICAL);
            assertThat(check.previous()).isNull();
            assertThat(check.message()).startsWith("process flapper:flapper on " + ALERTS + " is flapping: ")
                    .contains("within 8 s (threshold 3)");
        });
        await("supervisord.process.restarts of flapper").atMost(PATIENCE).until(() -> metrics(ALERTS).anyMatch(
                point -> point.name().equals("supervisord.process.restarts")
                        && "flapper".equals(point.tags().get("supervisord_process")) && point.value() >= 1
                        && ALERTS.equals(point.tags().get("supervisord_server"))));

        alerts.ctl("stop", "flapper");

        await("flapping OK again once flapper is stopped and the quiet time passed").atMost(PATIENCE)
                .untilAsserted(() -> assertThat(checks(ServiceCheck.PROCESS_FLAPPING, ALERTS, "flapper:flapper"))
                        .last().satisfies(check -> {
                            assertThat(check.status()).isEqualTo(CheckStatus.OK);
                            assertThat(check.previous()).isEqualTo(CheckStatus.CRITICAL);
                        }));
    }

    @Test
    void theListenerLearnsOfDeathsFromAHelperOnSupervisordsPythonThatEndsWithIt() throws Exception {
        // A supervisord of its own: its listener is killed here.
        try (Supervisord own = Supervisord.start(dir.resolve("exit-watch"), "e2e-exit-watch", """
                [program:sleeper]
                command=sleep infinity

                """ + Pipeline.listenerSection(pipeline.bootstrapServers(), "e2e-exit-watch", "PROCESS_STATE",
                "--snapshot-interval 0s"))) {
            await("the listener RUNNING").atMost(PATIENCE).ignoreExceptions()
                    .until(() -> "RUNNING".equals(own.status().get("kafka:kafka")));
            long listener = own.pidOf("kafka:kafka");
            ProcessHandle helper = await("its child-exit watch").atMost(PATIENCE)
                    .until(() -> exitWatchOf(listener), Optional::isPresent).orElseThrow();
            Path python = Files.readSymbolicLink(Path.of("/proc", Long.toString(own.pid()), "exe"));
            assertThat(helper.info().command()).as("run with supervisord's own Python").contains(python.toString());

            assertThat(ProcessHandle.of(listener).orElseThrow().destroyForcibly()).isTrue();
            await("the helper ends with its listener, killed by -9").atMost(PATIENCE)
                    .until(() -> ended(helper.pid()));
            await("the restarted listener runs its own").atMost(PATIENCE).ignoreExceptions().until(() -> {
                long restarted = own.pidOf("kafka:kafka");
                return restarted != listener && exitWatchOf(restarted).isPresent();
            });
        }
    }

    /** The listener's child that runs {@code child_exit_watch.py}: named so on its command line, for ps. */
    private static Optional<ProcessHandle> exitWatchOf(long listener) {
        return ProcessHandle.of(listener).stream().flatMap(ProcessHandle::children)
                .filter(child -> child.info().arguments().map(List::of)
                        .map(arguments -> arguments.contains("supervisor-kafka-child-exit-watch")).orElse(false))
                .findFirst();
    }

    /** Gone, or a zombie (an orphan waits for whoever is this machine's init to reap it). */
    private static boolean ended(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            return stat.charAt(stat.lastIndexOf(") ") + 2) == 'Z';
        } catch (IOException gone) {
            return true;
        }
    }

    @Test
    void theWatchRuleOfAServerDecidesItsChecksAndMetricsWhileStatusAndCountsKeepTheTruth() {
        await("parked, never started, is OK on the watched server and CRITICAL on the other").atMost(PATIENCE)
                .untilAsserted(() -> {
                    assertThat(checks(ServiceCheck.PROCESS_STATUS, WATCHED, "parked:parked"))
                            .extracting(ServiceCheck::status).containsExactly(CheckStatus.OK);
                    assertThat(checks(ServiceCheck.PROCESS_STATUS, ALERTS, "parked:parked"))
                            .extracting(ServiceCheck::status).containsExactly(CheckStatus.CRITICAL);
                });
        await("ignored RUNNING on both servers, with a check only on the other").atMost(PATIENCE)
                .untilAsserted(() -> {
                    assertThat(latestStatus(WATCHED, "ignored:ignored")).hasValueSatisfying(
                            status -> assertThat(status.state()).isEqualTo("RUNNING"));
                    assertThat(checks(ServiceCheck.PROCESS_STATUS, ALERTS, "ignored:ignored"))
                            .extracting(ServiceCheck::status).contains(CheckStatus.OK);
                });
        await("supervisord.can_connect of the other server").atMost(PATIENCE).until(() -> !collector.values(
                Topics.SERVICE_CHECKS, ServiceCheck.CAN_CONNECT + "|" + ALERTS, ServiceCheck.class).isEmpty());
        // Whatever a status record comes with (checks, metric points) is committed with it in one transaction.
        String bootstrap = pipeline.bootstrapServers();
        assertThat(TopicCollector.readToEnd(bootstrap, Topics.SERVICE_CHECKS)).map(AlertsEndToEndTest::key)
                .doesNotContain(ServiceCheck.PROCESS_STATUS + "|" + WATCHED + "/ignored:ignored",
                        ServiceCheck.CAN_CONNECT + "|" + WATCHED);

        await("the count metric of the watched server: its watched processes, STOPPED taken for OK")
                .atMost(PATIENCE).untilAsserted(() -> {
                    assertThat(latestCount(WATCHED, "down")).contains(0.0);
                    assertThat(latestCount(WATCHED, "up")).contains(2.0); // parked and the listener
                    ProcessCounts truth = collector.latest(Topics.PROCESS_COUNTS, WATCHED, ProcessCounts.class)
                            .orElseThrow();
                    assertThat(truth.total()).isEqualTo(3);
                    assertThat(truth.down()).isEqualTo(1);
                });
        assertThat(TopicCollector.readToEnd(bootstrap, Topics.METRICS).stream().map(AlertsEndToEndTest::point))
                .filteredOn(point -> WATCHED.equals(point.tags().get("server")))
                .noneMatch(point -> "ignored".equals(point.tags().get("supervisord_process")))
                .anyMatch(point -> "parked".equals(point.tags().get("supervisord_process")));
    }

    private List<ServiceCheck> checks(String check, String server, String process) {
        return collector.values(Topics.SERVICE_CHECKS, check + "|" + server + "/" + process, ServiceCheck.class);
    }

    private List<ProcessStatus> statuses(String server, String process) {
        return collector.values(Topics.PROCESS_STATUS, server + "/" + process, ProcessStatus.class);
    }

    private Optional<ProcessStatus> latestStatus(String server, String process) {
        return collector.latest(Topics.PROCESS_STATUS, server + "/" + process, ProcessStatus.class);
    }

    private Stream<MetricPoint> metrics(String server) {
        return collector.values(Topics.METRICS, server, MetricPoint.class).stream();
    }

    private Optional<Double> latestCount(String server, String status) {
        return metrics(server).filter(point -> point.name().equals("supervisord.process.count")
                && status.equals(point.tags().get("status"))).map(MetricPoint::value).reduce((a, b) -> b);
    }

    private static String key(ConsumerRecord<byte[], byte[]> record) {
        return record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
    }

    private static MetricPoint point(ConsumerRecord<byte[], byte[]> record) {
        return JsonSerde.of(MetricPoint.class).deserialize(Topics.METRICS, record.value());
    }
}
