package io.supervisorkafka.streams.docker;

import static io.supervisorkafka.streams.Fixtures.SERVER;
import static io.supervisorkafka.streams.Fixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.supervisorkafka.schemas.CheckStatus;
import io.supervisorkafka.schemas.ContainerCounts;
import io.supervisorkafka.schemas.DockerSnapshot;
import io.supervisorkafka.schemas.JsonSerde;
import io.supervisorkafka.schemas.ServiceCheck;
import io.supervisorkafka.schemas.Topics;
import io.supervisorkafka.streams.TopologyDrivers;
import io.supervisorkafka.streams.TopologyOutputs;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The docker part of the topology on TopologyTestDriver; unreadable records of both host inputs (docker and the
 * listener's metrics) are skipped while processing goes on.
 */
class DockerTopologyTest {
    @TempDir
    Path stateDir;
    private TopologyTestDriver driver;
    private TestInputTopic<String, DockerSnapshot> scrapes;
    private TopologyOutputs outputs;

    @BeforeEach
    void start() {
        driver = TopologyDrivers.start(stateDir, T0);
        scrapes = driver.createInputTopic(Topics.DOCKER, new StringSerializer(), JsonSerde.of(DockerSnapshot.class));
        outputs = new TopologyOutputs(driver);
    }

    @AfterEach
    void close() {
        driver.close();
    }

    private void send(DockerSnapshot snapshot) {
        scrapes.pipeInput(new TestRecord<>(snapshot.server(), snapshot, Instant.ofEpochMilli(snapshot.observedAt())));
    }

    @Test
    void scrapesGiveCanConnectContainerCountsAndEngineMetricsAndSilenceTurnsTheCheckUnknown() {
        DockerPage page = DockerPage.captured().containers(1, 0, 0).events(3);
        send(page.snapshot(T0));
        outputs.drain();
        assertThat(outputs.checks).extracting(kv -> kv.key, kv -> kv.value.status())
                .containsExactly(tuple("docker.can_connect|web-1", CheckStatus.OK));
        assertThat(outputs.containerCounts).extracting(kv -> kv.value)
                .containsExactly(new ContainerCounts(SERVER, 1, 0, 0, 1, T0));
        assertThat(outputs.metricsNamed("docker.containers.running")).singleElement()
                .satisfies(point -> assertThat(point.value()).isEqualTo(1.0));

        send(page.containers(0, 0, 1).events(33).observe("stop", 0.7).snapshot(T0 + 15_000));
        send(DockerPage.failed(T0 + 30_000, "dial unix /run/docker/metrics.sock: connect: no such file"));
        outputs.drain();
        assertThat(outputs.containerCounts).extracting(kv -> kv.value)
                .containsExactly(new ContainerCounts(SERVER, 0, 0, 1, 1, T0 + 15_000));
        assertThat(outputs.metricsNamed("docker.engine.events")).singleElement()
                .satisfies(point -> assertThat(point.value()).isEqualTo(2.0));
        assertThat(outputs.checks).singleElement().satisfies(check -> {
            assertThat(check.value.status()).isEqualTo(CheckStatus.CRITICAL);
            assertThat(check.value.message()).endsWith("no such file");
        });

        driver.advanceWallClockTime(Duration.ofSeconds(120));
        outputs.drain();
        assertThat(outputs.checks).extracting(kv -> kv.value.status(), kv -> kv.value.previous())
                .containsExactly(tuple(CheckStatus.UNKNOWN, CheckStatus.CRITICAL));
    }

    @Test
    void unreadableRecordsAreSkippedAndProcessingGoesOn() {
        // The dead letter record itself is checked on a real broker (StreamsAppTest): this driver does not capture it.
        TestInputTopic<String, byte[]> rawScrapes = driver.createInputTopic(Topics.DOCKER, new StringSerializer(),
                new ByteArraySerializer());
        TestInputTopic<String, byte[]> rawListenerMetrics = driver.createInputTopic(Topics.LISTENER_METRICS,
                new StringSerializer(), new ByteArraySerializer());

        rawScrapes.pipeInput(SERVER, "{not json".getBytes(StandardCharsets.UTF_8));
        rawScrapes.pipeInput(SERVER, "{\"server\":\"web-1\",\"observedAt\":\"soon\"}".getBytes(StandardCharsets.UTF_8));
        rawListenerMetrics.pipeInput(SERVER, "[]".getBytes(StandardCharsets.UTF_8));
        rawScrapes.pipeInput(SERVER, "{}".getBytes(StandardCharsets.UTF_8));
        rawListenerMetrics.pipeInput(SERVER, "{}".getBytes(StandardCharsets.UTF_8));
        rawScrapes.pipeInput(SERVER, (byte[]) null);
        rawListenerMetrics.pipeInput(SERVER, (byte[]) null);
        send(DockerPage.captured().snapshot(T0));

        outputs.drain();
        assertThat(outputs.checks).extracting(kv -> kv.value).extracting(ServiceCheck::status)
                .containsExactly(CheckStatus.OK);
        assertThat(outputs.containerCounts).hasSize(1);
        assertThat(outputs.metrics).isNotEmpty();
    }
}
