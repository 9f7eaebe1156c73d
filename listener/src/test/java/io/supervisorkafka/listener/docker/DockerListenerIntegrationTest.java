package io.supervisorkafka.listener.docker;

import static io.supervisorkafka.listener.testing.TestEvents.acknowledgements;
import static io.supervisorkafka.listener.testing.TestEvents.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.supervisorkafka.listener.ConfigLoader;
import io.supervisorkafka.listener.Listener;
import io.supervisorkafka.listener.ListenerConfig;
import io.supervisorkafka.listener.TestFlags;
import io.supervisorkafka.listener.testing.ProtocolOutput;
import io.supervisorkafka.testkit.TopicCollector;
import io.supervisorkafka.schemas.DockerSnapshot;
import io.supervisorkafka.schemas.JsonSerde;
import io.supervisorkafka.testkit.SchemaValidator;
import io.supervisorkafka.testkit.SingleNodeKafka;
import io.supervisorkafka.schemas.Topics;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The listener in process with the docker source and a real broker: scrape records, and the failed scrape once the
 * engine's socket is gone, reach {@code supervisor.docker} keyed by the server id and valid against its JSON Schema,
 * while the protocol loop keeps acknowledging; and the plugin mode without supervisord. The engine is
 * {@link StandInDockerd} (the real dockerd runs in the end-to-end tests).
 */
class DockerListenerIntegrationTest {
    @TempDir
    Path dir;


    private static List<DockerSnapshot> snapshots(String bootstrap, String server) {
        List<ConsumerRecord<byte[], byte[]>> records = TopicCollector.readToEnd(bootstrap, Topics.DOCKER);
        return records.stream().map(record -> {
            SchemaValidator.assertValid(Topics.DOCKER, record.value());
            assertThat(new String(record.key(), StandardCharsets.UTF_8)).isEqualTo(server);
            DockerSnapshot snapshot = JsonSerde.of(DockerSnapshot.class).deserialize(Topics.DOCKER, record.value());
            assertThat(record.timestamp()).isEqualTo(snapshot.observedAt());
            return snapshot;
        }).toList();
    }

    @Test
    void scrapesAndFailuresReachKafkaBesideTheProtocolLoop() throws Exception {
        Path socket = dir.resolve("metrics.sock");
        ExecutorService executor = Executors.newSingleThreadExecutor();
        try (KafkaClusterTestKit cluster = SingleNodeKafka.start()) {
            String bootstrap = cluster.bootstrapServers();
            ListenerConfig config = ConfigLoader.load(TestFlags.parse("--bootstrap-servers", bootstrap, "--server-id",
                    "docker-itest", "--snapshot-interval", "0s", "--spool-dir", dir.resolve("spool").toString(),
                    "--fsync-interval", "50ms", "--docker-url", "unix://" + socket, "--docker-interval", "200ms"),
                    Map.of(), "unused-host");
            try (Listener listener = new Listener(config, "1-1", Clock.systemUTC(),
                    () -> new KafkaProducer<>(config.producerProperties()))) {
                PipedOutputStream stdinWriter = new PipedOutputStream();
                PipedInputStream stdin = new PipedInputStream(stdinWriter, 64 * 1024);
                ProtocolOutput stdout = new ProtocolOutput();
                try (StandInDockerd dockerd = StandInDockerd.unix(socket, r -> StandInDockerd.referencePage())) {
                    Future<Integer> run = executor.submit(() -> listener.run(stdin, stdout));
                    await().atMost(Duration.ofSeconds(10)).until(() -> stdout.text().equals("READY\n"));
                    for (int i = 0; i < 20; i++) {
                        stdinWriter.write(event("docker-itest", i, "TICK_5", "when:" + (1795307165 + i)));
                        stdinWriter.flush();
                        String expected = acknowledgements(i + 1);
                        await().atMost(Duration.ofSeconds(10)).until(() -> stdout.text().equals(expected));
                    }
                    await("scrapes in Kafka").atMost(Duration.ofSeconds(60))
                            .until(() -> snapshots(bootstrap, "docker-itest").size() >= 3);

                    List<DockerSnapshot> ok = snapshots(bootstrap, "docker-itest");
                    assertThat(ok).allSatisfy(snapshot -> {
                        assertThat(snapshot.error()).isNull();
                        assertThat(snapshot.mode()).isEqualTo(DockerSnapshot.SCRAPE);
                        assertThat(snapshot.source()).isEqualTo("unix://" + socket);
                        assertThat(snapshot.family("engine_daemon_engine_info").samples()).singleElement()
                                .satisfies(s -> assertThat(s.labels()).containsEntry("version", "20.10.24+dfsg1"));
                    });
                    assertThat(ok).extracting(DockerSnapshot::observedAt).isSorted();

                    stdinWriter.close();
                    assertThat(run.get(30, TimeUnit.SECONDS)).isEqualTo(Listener.EXIT_OK);
                }
                // The loop is done, the background threads still run until close(): the engine went away.
                await("the failed scrape is published too").atMost(Duration.ofSeconds(60)).until(() ->
                        snapshots(bootstrap, "docker-itest").stream().anyMatch(s -> !s.ok()));
                DockerSnapshot failed = snapshots(bootstrap, "docker-itest").stream().filter(s -> !s.ok())
                        .findFirst().orElseThrow();
                assertThat(failed.error()).startsWith("cannot connect to unix://" + socket);
                assertThat(failed.families()).isEmpty();
            }
        } finally {
            executor.shutdownNow();
        }
    }

    @Test
    void pluginModeWithoutSupervisordPublishesBetweenStartAndStopMetrics() throws Exception {
        Path metricsSocket = dir.resolve("metrics.sock");
        Path pluginSocket = dir.resolve("plugins/supervisor-kafka.sock");
        Path file = Files.writeString(dir.resolve("listener.properties"), """
                listener.docker.url=unix://%s
                listener.docker.plugin.socket=%s
                listener.shutdown.grace=2s
                """.formatted(metricsSocket, pluginSocket));
        ExecutorService executor = Executors.newSingleThreadExecutor();
        try (KafkaClusterTestKit cluster = SingleNodeKafka.start();
             StandInDockerd dockerd = StandInDockerd.unix(metricsSocket, r -> StandInDockerd.referencePage())) {
            String bootstrap = cluster.bootstrapServers();
            ListenerConfig config = ConfigLoader.load(TestFlags.parse("--bootstrap-servers", bootstrap, "--config",
                    file.toString(), "--server-id", "plugin-itest", "--snapshot-interval", "0s", "--spool-dir",
                    dir.resolve("spool").toString(), "--fsync-interval", "50ms", "--docker-interval", "200ms",
                    "--docker-plugin"), Map.of(), "unused-host");
            Listener listener = new Listener(config, "1-1", Clock.systemUTC(),
                    () -> new KafkaProducer<>(config.producerProperties()));
            Future<Integer> run = executor.submit(listener::runWithoutEventListener);
            await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(pluginSocket));
            assertThat(DockerPluginServerTest.post(pluginSocket, "/Plugin.Activate").status()).isEqualTo(200);
            assertThat(DockerPluginServerTest.post(pluginSocket, "/MetricsCollector.StartMetrics").status())
                    .isEqualTo(200);
            await().atMost(Duration.ofSeconds(60)).until(() -> snapshots(bootstrap, "plugin-itest").size() >= 2);
            assertThat(DockerPluginServerTest.post(pluginSocket, "/MetricsCollector.StopMetrics").status())
                    .isEqualTo(200);
            listener.close();
            assertThat(run.get(30, TimeUnit.SECONDS)).isEqualTo(Listener.EXIT_OK);

            List<DockerSnapshot> published = snapshots(bootstrap, "plugin-itest");
            assertThat(published).allSatisfy(snapshot -> {
                assertThat(snapshot.ok()).isTrue();
                assertThat(snapshot.mode()).isEqualTo(DockerSnapshot.PLUGIN);
            });
            assertThat(dockerd.requests()).hasSizeGreaterThanOrEqualTo(published.size());
            assertThat(pluginSocket).doesNotExist();
        } finally {
            executor.shutdownNow();
        }
    }
}
