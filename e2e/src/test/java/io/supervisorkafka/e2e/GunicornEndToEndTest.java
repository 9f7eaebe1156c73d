package io.supervisorkafka.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.supervisorkafka.schemas.CheckStatus;
import io.supervisorkafka.schemas.GunicornSnapshot;
import io.supervisorkafka.schemas.MetricPoint;
import io.supervisorkafka.schemas.ServiceCheck;
import io.supervisorkafka.schemas.StatsdMetrics;
import io.supervisorkafka.schemas.Topics;
import io.supervisorkafka.testkit.ChildProcess;
import io.supervisorkafka.testkit.Ports;
import io.supervisorkafka.testkit.SchemaValidator;
import io.supervisorkafka.testkit.Supervisord;
import io.supervisorkafka.testkit.TopicCollector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
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
 * The gunicorn source end to end: the real gunicorn 20.1 (Debian, with python3-setproctitle) run by the real
 * supervisord as {@code [program:demo]}, sending StatsD to the built listener ({@code --statsd-host}); the listener's
 * snapshots and StatsD aggregates go through a real broker to the built Streams app.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GunicornEndToEndTest {
    static final String SERVER = "gunicorn-host";
    static final Duration PATIENCE = Duration.ofSeconds(60);
    static final String APP = """
            def application(environ, start_response):
                path = environ.get("PATH_INFO", "/")
                status = {"/404": "404 Not Found", "/500": "500 Internal Server Error"}.get(path, "200 OK")
                start_response(status, [("Content-Type", "text/plain")])
                return [status.encode()]
            """;

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    static Path dir;

    EndToEndPipeline pipeline;
    TopicCollector collector;
    Supervisord supervisord;
    int httpPort;
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    void startPipeline() throws Exception {
        // End-to-end tests never skip: without gunicorn this fails and says what to install.
        assertThat(Path.of("/usr/bin/gunicorn"))
                .as("Debian's gunicorn and python3-setproctitle: apt-get install gunicorn python3-setproctitle")
                .isExecutable();
        pipeline = EndToEndPipeline.start(dir, "gunicorn-streams", List.of(Topics.GUNICORN, Topics.STATSD,
                Topics.SERVICE_CHECKS, Topics.METRICS), "--punctuate-interval", "1s", "--fleet-window", "2s");
        collector = pipeline.collector();
        String bootstrap = pipeline.bootstrapServers();
        Files.writeString(dir.resolve("app.py"), APP);
        httpPort = Ports.freeTcpPort();
        int statsdPort = Ports.freeUdpPort();
        supervisord = pipeline.startSupervisord(dir.resolve("supervisord"), "gunicorn-e2e", """
                [program:demo]
                command=/usr/bin/gunicorn --name demo --workers 2 --bind 127.0.0.1:%d --chdir %s
                    --statsd-host 127.0.0.1:%d --statsd-prefix demo app:application
                startsecs=1
                stopsignal=TERM

                """.formatted(httpPort, dir, statsdPort) + Pipeline.listenerSection(bootstrap, SERVER,
                "PROCESS_STATE", "--snapshot-interval 1s --gunicorn-apps demo --gunicorn-interval 1s"
                        + " --statsd-listen 127.0.0.1:" + statsdPort + " --statsd-flush-interval 1s"));
    }

    @AfterAll
    void stopPipeline() throws Exception {
        // supervisord stops gunicorn and the listener.
        if (pipeline != null) {
            pipeline.close();
        }
    }

    @Test
    @Order(1)
    void snapshotsFindTheMasterItsWorkersAndItsProgram() {
        long master = await("demo spawned").atMost(PATIENCE).until(() -> supervisord.pidOf("demo"), pid -> pid != 0);
        await("a snapshot of demo with master " + master + " and 2 workers").atMost(PATIENCE).untilAsserted(() ->
                assertThat(latestApp()).hasValueSatisfying(app -> {
                    assertThat(app.masterPid()).isEqualTo(master);
                    assertThat(app.workers()).hasSize(2);
                    assertThat(app.group()).isEqualTo("demo");
                    assertThat(app.program()).isEqualTo("demo");
                }));
        await("gunicorn.is_running OK").atMost(PATIENCE).untilAsserted(() -> assertThat(checks()).last()
                .satisfies(c -> {
                    assertThat(c.status()).isEqualTo(CheckStatus.OK);
                    assertThat(c.message()).endsWith("idle workers for demo");
                }));
        await("gunicorn.workers points for idle and working").atMost(PATIENCE).until(() -> metrics().stream()
                .filter(m -> m.name().equals("gunicorn.workers") && "demo".equals(m.tags().get("app")))
                .map(m -> m.tags().get("state")).collect(Collectors.toSet()).containsAll(Set.of("idle", "working")));
    }

    @Test
    @Order(2)
    void httpLoadGivesRequestCountsAndStatusRates() throws Exception {
        for (int i = 0; i < 60; i++) {
            String path = i % 6 == 0 ? "/404" : i % 10 == 1 ? "/500" : "/ok";
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + httpPort + path)).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(path.equals("/404") ? 404 : path.equals("/500") ? 500 : 200);
        }
        await("60 requests, 10 of them 404 and 6 of them 500, on " + Topics.STATSD).atMost(PATIENCE)
                .untilAsserted(() -> {
                    assertThat(counterSum("gunicorn.requests")).isEqualTo(60.0);
                    assertThat(counterSum("gunicorn.request.status.404")).isEqualTo(10.0);
                    assertThat(counterSum("gunicorn.request.status.500")).isEqualTo(6.0);
                    assertThat(counterSum("gunicorn.request.status.200")).isEqualTo(44.0);
                });
        // The fleet-wide points come when a fleet window closes, on stream time: only StatsD intervals that come
        // later advance it, through a repartition topic, so on a loaded machine this takes longer than one PATIENCE.
        await("request metrics on " + Topics.METRICS).atMost(PATIENCE.multipliedBy(3)).untilAsserted(() -> {
            List<MetricPoint> points = metrics().stream().filter(m -> "demo".equals(m.tags().get("app"))).toList();
            assertThat(points).filteredOn(m -> m.tags().get("server").equals(SERVER)).extracting(MetricPoint::name)
                    .contains("gunicorn.requests", "gunicorn.request.status.404", "gunicorn.request.status.500",
                            "gunicorn.request.duration.avg", "gunicorn.request.duration.median",
                            "gunicorn.request.duration.max", "gunicorn.request.duration.95percentile",
                            "gunicorn.request.duration.count");
            // The rates add up to the requests sent: sum(rate x interval) over the intervals.
            assertThat(points).filteredOn(m -> m.name().equals("gunicorn.requests")
                    && m.tags().get("server").equals(SERVER)).allSatisfy(m -> {
                        assertThat(m.type()).isEqualTo(MetricPoint.RATE);
                        assertThat(m.tags()).containsEntry("supervisord_process", "demo");
                    });
            assertThat(points).filteredOn(m -> m.tags().get("server").equals("*")).extracting(MetricPoint::name)
                    .contains("gunicorn.requests", "gunicorn.request.duration.95percentile");
        });
    }

    @Test
    @Order(3)
    void ttinAndTtouChangeTheWorkerCount() throws Exception {
        long master = supervisord.pidOf("demo");
        signal("TTIN", master);
        await("3 workers after TTIN").atMost(PATIENCE).untilAsserted(() ->
                assertThat(latestApp()).hasValueSatisfying(app -> assertThat(app.workers()).hasSize(3)));
        await("gunicorn.workers adding up to 3").atMost(PATIENCE).until(() -> latestWorkerTotal() == 3);
        signal("TTOU", master);
        await("2 workers after TTOU").atMost(PATIENCE).untilAsserted(() ->
                assertThat(latestApp()).hasValueSatisfying(app -> assertThat(app.workers()).hasSize(2)));
    }

    @Test
    @Order(4)
    void killMinus9OfAWorkerShowsInTheCountsAndTheLogs() throws Exception {
        GunicornSnapshot.App before = latestApp().orElseThrow();
        long victim = before.workers().get(0).pid();
        double warningsBefore = counterSum("gunicorn.log.warning");
        signal("KILL", victim);
        await("the master logs the killed worker (gunicorn.log.warning) and replaces it").atMost(PATIENCE)
                .untilAsserted(() -> {
                    assertThat(counterSum("gunicorn.log.warning")).isGreaterThan(warningsBefore);
                    assertThat(latestApp()).hasValueSatisfying(app -> {
                        assertThat(app.workers()).hasSize(2);
                        assertThat(app.workers()).noneMatch(w -> w.pid() == victim);
                    });
                });
        await("gunicorn.log.warning as a rate").atMost(PATIENCE).until(() -> metrics().stream()
                .anyMatch(m -> m.name().equals("gunicorn.log.warning") && m.value() > 0));
    }

    @Test
    @Order(5)
    void stoppingTheAppTurnsIsRunningCritical() throws Exception {
        supervisord.ctl("stop", "demo");
        // A snapshot may catch the master after its workers stopped and before it exits: CRITICAL already, for no
        // workers. The feed records changes only, so the master's exit after that adds no record.
        await("gunicorn.is_running CRITICAL").atMost(PATIENCE).untilAsserted(() -> assertThat(checks()).last()
                .satisfies(c -> {
                    assertThat(c.status()).isEqualTo(CheckStatus.CRITICAL);
                    assertThat(c.previous()).isEqualTo(CheckStatus.OK);
                    assertThat(c.message()).isIn("no gunicorn master for demo on " + SERVER,
                            "0 working and 0 idle workers for demo");
                }));
    }

    @Test
    @Order(6)
    void everyRecordMatchesItsSchema() {
        for (String topic : List.of(Topics.GUNICORN, Topics.STATSD, Topics.SERVICE_CHECKS, Topics.METRICS)) {
            List<TopicCollector.Received> records = collector.all(topic);
            assertThat(records).as("records on " + topic).isNotEmpty();
            records.forEach(r -> SchemaValidator.assertValid(topic, r.value()));
        }
        assertThat(collector.all(Topics.STATSD)).allSatisfy(r -> assertThat(r.key()).isEqualTo(SERVER));
    }

    private static void signal(String signal, long pid) throws Exception {
        ChildProcess.Output kill = ChildProcess.run(new ProcessBuilder("kill", "-" + signal, Long.toString(pid)),
                Duration.ofSeconds(30));
        assertThat(kill.exitCode()).as("kill -" + signal + " " + pid + ": " + kill.text()).isZero();
    }

    private Optional<GunicornSnapshot.App> latestApp() {
        List<GunicornSnapshot> snapshots = collector.values(Topics.GUNICORN, GunicornSnapshot.class);
        if (snapshots.isEmpty()) {
            return Optional.empty();
        }
        GunicornSnapshot last = snapshots.get(snapshots.size() - 1);
        return last.apps().stream().filter(a -> a.app().equals("demo") && a.masterPid() != null).findFirst();
    }

    private double latestWorkerTotal() {
        List<MetricPoint> workers = metrics().stream().filter(m -> m.name().equals("gunicorn.workers")).toList();
        if (workers.size() < 2) {
            return -1;
        }
        return workers.get(workers.size() - 1).value() + workers.get(workers.size() - 2).value();
    }

    private double counterSum(String name) {
        return collector.values(Topics.STATSD, StatsdMetrics.class).stream()
                .filter(s -> s.app().equals("demo"))
                .flatMap(s -> s.metrics().stream())
                .filter(m -> m.name().equals(name) && StatsdMetrics.COUNTER.equals(m.type()))
                .mapToDouble(StatsdMetrics.Metric::value).sum();
    }

    private List<ServiceCheck> checks() {
        return collector.values(Topics.SERVICE_CHECKS, ServiceCheck.GUNICORN_IS_RUNNING + "|" + SERVER + "/demo",
                ServiceCheck.class);
    }

    private List<MetricPoint> metrics() {
        return collector.values(Topics.METRICS, MetricPoint.class);
    }
}
