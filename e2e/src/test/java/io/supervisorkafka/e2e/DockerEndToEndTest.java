package io.supervisorkafka.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.supervisorkafka.listener.docker.DockerCollector;
import io.supervisorkafka.listener.docker.DockerConfig;
import io.supervisorkafka.listener.docker.MetricsEndpoint;
import io.supervisorkafka.schemas.CheckStatus;
import io.supervisorkafka.schemas.ContainerCounts;
import io.supervisorkafka.schemas.DockerSnapshot;
import io.supervisorkafka.schemas.MetricPoint;
import io.supervisorkafka.schemas.ServiceCheck;
import io.supervisorkafka.schemas.Topics;
import io.supervisorkafka.testkit.SchemaValidator;
import io.supervisorkafka.testkit.TopicCollector;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
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
 * The docker source end to end: the real Docker engine 20.10 (Debian's docker.io) started by this test with its own
 * roots, socket and metrics address; the built listener under the real supervisord scrapes its {@code --metrics-addr}
 * page; the built Streams app turns the scrapes into container counts, engine metrics and {@code docker.can_connect}.
 * Containers run from an image imported from busybox-static, with {@code --network none}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DockerEndToEndTest {
    static final String SERVER = "docker-host";
    static final String IMAGE = "sk-busybox:1";
    static final Duration PATIENCE = Duration.ofSeconds(60);

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    static Path dir;

    EndToEndPipeline pipeline;
    TopicCollector collector;
    Dockerd dockerd;

    @BeforeAll
    void startPipeline() throws Exception {
        Dockerd.requireInstalled();
        pipeline = EndToEndPipeline.start(dir, "docker-streams", List.of(Topics.DOCKER, Topics.CONTAINER_COUNTS,
                Topics.SERVICE_CHECKS, Topics.METRICS), "--punctuate-interval", "1s");
        collector = pipeline.collector();
        // containerd's sockets live deep under the exec root and unix socket paths are short: a directory of /tmp.
        dockerd = Dockerd.start(Files.createTempDirectory(Path.of("/tmp"), "sk-dockerd-"));
        dockerd.importBusybox(IMAGE);
        pipeline.startSupervisord(dir.resolve("supervisord"), "docker-e2e", Pipeline.listenerSection(
                pipeline.bootstrapServers(), SERVER, "PROCESS_STATE",
                "--docker-url " + dockerd.metricsUrl() + " --docker-interval 500ms"));
    }

    @AfterAll
    void stopPipeline() throws Exception {
        if (dockerd != null) {
            dockerd.close();
        }
        if (pipeline != null) {
            pipeline.close();
        }
    }

    @Test
    @Order(1)
    void scrapesOfTheEngineReachKafkaAndCanConnectIsOk() {
        await("a successful scrape of " + dockerd.metricsUrl()).atMost(PATIENCE).untilAsserted(() ->
                assertThat(latestScrape()).hasValueSatisfying(scrape -> {
                    assertThat(scrape.error()).isNull();
                    assertThat(scrape.mode()).isEqualTo(DockerSnapshot.SCRAPE);
                    assertThat(scrape.source()).isEqualTo(dockerd.metricsUrl());
                    assertThat(scrape.families()).extracting(DockerSnapshot.Family::name)
                            .contains("engine_daemon_container_states_containers", "engine_daemon_engine_info")
                            .allMatch(name -> name.startsWith("engine_daemon_"));
                }));
        await("docker.can_connect OK").atMost(PATIENCE).untilAsserted(() -> assertThat(canConnect()).last()
                .satisfies(check -> assertThat(check.status()).isEqualTo(CheckStatus.OK)));
    }

    @Test
    @Order(2)
    void containerCountsFollowRunPauseAndStop() throws Exception {
        awaitCounts("no containers yet", 0, 0, 0);
        String first = dockerd.docker("run", "-d", "--network", "none", "--name", "first", IMAGE, "sleep", "600");
        String second = dockerd.docker("run", "-d", "--network", "none", "--name", "second", IMAGE, "sleep", "600");
        assertThat(first).isNotEqualTo(second);
        awaitCounts("two running", 2, 0, 0);
        dockerd.docker("pause", "first");
        awaitCounts("one running, one paused", 1, 1, 0);
        dockerd.docker("stop", "--time", "0", "second");
        awaitCounts("one paused, one stopped", 0, 1, 1);
        dockerd.docker("unpause", "first");
        awaitCounts("one running, one stopped", 1, 0, 1);
    }

    @Test
    @Order(3)
    void engineMetricsCarryTheEngineInfoAsTags() throws Exception {
        String version = dockerd.docker("version", "--format", "{{.Server.Version}}");
        await("docker.containers.* gauges, the events rate and container action latencies").atMost(PATIENCE)
                .untilAsserted(() -> {
                    List<MetricPoint> points = collector.values(Topics.METRICS, SERVER, MetricPoint.class).stream()
                            .filter(point -> point.name().startsWith("docker.")).toList();
                    assertThat(points).extracting(MetricPoint::name).contains("docker.containers.running",
                            "docker.containers.paused", "docker.containers.stopped", "docker.engine.events",
                            "docker.engine.container_actions.avg", "docker.engine.container_actions.95percentile");
                    assertThat(points).allSatisfy(point -> {
                        assertThat(point.tags()).containsEntry("server", SERVER)
                                .containsEntry("docker_version", version).containsKeys("os", "kernel");
                    });
                    assertThat(points).filteredOn(point -> point.name().equals("docker.engine.events"))
                            .anySatisfy(point -> {
                                assertThat(point.type()).isEqualTo(MetricPoint.RATE);
                                assertThat(point.value()).isPositive();
                            });
                    assertThat(points).filteredOn(point -> point.name().equals("docker.engine.container_actions.avg"))
                            .extracting(point -> point.tags().get("action")).contains("start", "create");
                });
    }

    @Test
    @Order(4)
    void theListenerAlsoScrapesTheEnginesMetricsSocket() {
        // The socket the engine bind-mounts into a MetricsCollector plugin; here the listener's collector in-process.
        DockerConfig config = new DockerConfig(MetricsEndpoint.parse("unix://" + dockerd.metricsSocket()),
                Duration.ofSeconds(15), Duration.ofSeconds(5), DockerConfig.DEFAULT_INCLUDE, List.of(), false,
                DockerConfig.DEFAULT_PLUGIN_SOCKET);
        try (DockerCollector collector = new DockerCollector(config, () -> SERVER, snapshot -> {
        }, Clock.systemUTC())) {
            DockerSnapshot scrape = collector.scrape();
            assertThat(scrape.error()).isNull();
            assertThat(scrape.family("engine_daemon_container_states_containers").samples())
                    .filteredOn(sample -> sample.labels().get("state").equals("running"))
                    .singleElement().satisfies(sample -> assertThat(sample.value()).isEqualTo(1.0));
        }
    }

    @Test
    @Order(5)
    void stoppingTheEngineTurnsCanConnectCritical() {
        long pid = dockerd.pid();
        dockerd.close();
        assertThat(ProcessHandle.of(pid)).isEmpty();
        await("failed scrapes published with the error").atMost(PATIENCE).untilAsserted(() ->
                assertThat(latestScrape()).hasValueSatisfying(scrape -> {
                    assertThat(scrape.error()).isNotBlank();
                    assertThat(scrape.families()).isEmpty();
                }));
        await("docker.can_connect CRITICAL after OK").atMost(PATIENCE).untilAsserted(() ->
                assertThat(canConnect()).last().satisfies(check -> {
                    assertThat(check.status()).isEqualTo(CheckStatus.CRITICAL);
                    assertThat(check.previous()).isEqualTo(CheckStatus.OK);
                    assertThat(check.message()).contains(dockerd.metricsUrl());
                }));
    }

    @Test
    @Order(6)
    void everyRecordMatchesItsSchema() {
        for (String topic : List.of(Topics.DOCKER, Topics.CONTAINER_COUNTS, Topics.SERVICE_CHECKS, Topics.METRICS)) {
            List<TopicCollector.Received> records = collector.all(topic);
            assertThat(records).as("records on " + topic).isNotEmpty();
            records.forEach(received -> SchemaValidator.assertValid(topic, received.value()));
        }
    }

    private Optional<DockerSnapshot> latestScrape() {
        return collector.latest(Topics.DOCKER, SERVER, DockerSnapshot.class);
    }

    private List<ServiceCheck> canConnect() {
        return collector.values(Topics.SERVICE_CHECKS, ServiceCheck.class).stream()
                .filter(check -> check.check().equals(ServiceCheck.DOCKER_CAN_CONNECT) && check.server().equals(SERVER))
                .toList();
    }

    private void awaitCounts(String what, long running, long paused, long stopped) {
        await(what + " on " + Topics.CONTAINER_COUNTS).atMost(PATIENCE).untilAsserted(() ->
                assertThat(collector.latest(Topics.CONTAINER_COUNTS, SERVER, ContainerCounts.class))
                        .hasValueSatisfying(counts -> {
                            assertThat(counts.running()).as("running").isEqualTo(running);
                            assertThat(counts.paused()).as("paused").isEqualTo(paused);
                            assertThat(counts.stopped()).as("stopped").isEqualTo(stopped);
                            assertThat(counts.total()).as("total").isEqualTo(running + paused + stopped);
                        }));
    }
}
