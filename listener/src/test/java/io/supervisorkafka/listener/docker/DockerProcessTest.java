package io.supervisorkafka.listener.docker;

import static io.supervisorkafka.listener.testing.TestEvents.acknowledgements;
import static io.supervisorkafka.listener.testing.TestEvents.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.supervisorkafka.listener.testing.ListenerProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The listener in its own JVM with {@code -Xlog:class+load}: the docker source costs nothing when it is off (no class
 * of its collector, parser or Jetty is loaded), scraping loads no Jetty, and plugin mode runs without supervisord
 * ({@code --no-eventlistener}) until SIGTERM. The engine's metrics socket is {@link StandInDockerd}.
 */
class DockerProcessTest {
    @TempDir
    Path dir;

    private ListenerProcess listener;

    @AfterEach
    void stop() throws InterruptedException {
        if (listener != null) {
            listener.close();
        }
    }

    private ListenerProcess start(String... extra) throws IOException {
        List<String> args = new ArrayList<>(List.of("--bootstrap-servers", ListenerProcess.unreachableBroker(), "--server-id", "proc-1",
                "--spool-dir", dir.resolve("spool").toString(), "--snapshot-interval", "0s"));
        args.addAll(List.of(extra));
        listener = ListenerProcess.start(dir.resolve("stderr.txt"),
                List.of("-Xlog:class+load=info:file=" + dir.resolve("classes.txt")), args);
        return listener;
    }

    private List<String> loaded(String prefix) throws IOException {
        return Files.readAllLines(dir.resolve("classes.txt")).stream().filter(line -> line.contains(" " + prefix))
                .toList();
    }

    /** One event through the protocol loop, then stdin closed: a clean exit. */
    private void acknowledgeOneEventAndStop(ListenerProcess listener) throws Exception {
        await().atMost(Duration.ofSeconds(30)).until(() -> listener.stdout().equals("READY\n"));
        listener.write(event("web-1", 0, "TICK_5", "when:1795307165"));
        await().atMost(Duration.ofSeconds(30)).until(() -> listener.stdout().equals(acknowledgements(1)));
        listener.closeStdin();
        assertThat(listener.waitForExit(30)).isZero();
    }

    @Test
    void withTheDockerSourceOffNothingOfItIsLoaded() throws Exception {
        acknowledgeOneEventAndStop(start());
        assertThat(loaded("io.supervisorkafka.listener.Listener ")).as("the log works").isNotEmpty();
        assertThat(loaded("org.eclipse.jetty")).isEmpty();
        assertThat(loaded("io.supervisorkafka.listener.docker.")).as("only the config record may be loaded")
                .allSatisfy(line -> assertThat(line).contains("io.supervisorkafka.listener.docker.DockerConfig "));
    }

    @Test
    void scrapingLoadsNoJetty() throws Exception {
        Path socket = dir.resolve("metrics.sock");
        try (StandInDockerd dockerd = StandInDockerd.unix(socket, request -> StandInDockerd.referencePage())) {
            ListenerProcess listener = start("--docker-url", "unix://" + socket, "--docker-interval", "100ms");
            await().atMost(Duration.ofSeconds(30)).until(() -> dockerd.requests().size() >= 2);
            acknowledgeOneEventAndStop(listener);
        }
        assertThat(loaded("io.supervisorkafka.listener.docker.DockerCollector ")).isNotEmpty();
        assertThat(loaded("org.eclipse.jetty")).isEmpty();
    }

    @Test
    void pluginModeRunsWithoutSupervisordUntilSigterm() throws Exception {
        Path metricsSocket = dir.resolve("metrics.sock");
        Path pluginSocket = dir.resolve("plugins/supervisor-kafka.sock");
        Path config = Files.writeString(dir.resolve("listener.properties"), """
                listener.docker.url=unix://%s
                listener.docker.interval=100ms
                listener.docker.plugin.socket=%s
                listener.shutdown.grace=200ms
                """.formatted(metricsSocket, pluginSocket));
        try (StandInDockerd dockerd = StandInDockerd.unix(metricsSocket, request -> StandInDockerd.referencePage())) {
            ListenerProcess listener = start("--no-eventlistener", "--docker-plugin", "--config", config.toString());
            await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(pluginSocket));
            assertThat(DockerPluginServerTest.post(pluginSocket, "/Plugin.Activate").status()).isEqualTo(200);
            await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2))
                    .until(() -> dockerd.requests().isEmpty());
            assertThat(DockerPluginServerTest.post(pluginSocket, "/MetricsCollector.StartMetrics").status())
                    .isEqualTo(200);
            await().atMost(Duration.ofSeconds(30)).until(() -> dockerd.requests().size() >= 2);

            listener.process().destroy(); // SIGTERM, as docker plugin disable sends it
            assertThat(listener.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(listener.waitForExit(5)).as("128 + SIGTERM, as for any JVM stopped by the signal").isEqualTo(143);
        }
        assertThat(listener.stdout()).as("no protocol without supervisord").isEmpty();
        assertThat(pluginSocket).as("deleted on exit").doesNotExist();
        assertThat(listener.stderr()).contains("docker metrics plugin on " + pluginSocket).contains("stopped:");
        assertThat(loaded("org.eclipse.jetty.server.Server ")).isNotEmpty();
    }
}
