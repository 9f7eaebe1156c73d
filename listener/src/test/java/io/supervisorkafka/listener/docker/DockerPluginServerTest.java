package io.supervisorkafka.listener.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.supervisorkafka.schemas.DockerSnapshot;
import io.supervisorkafka.testkit.SchemaValidator;
import io.supervisorkafka.schemas.Topics;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The MetricsCollector plugin endpoints over a real unix socket, called exactly as the engine's plugin client
 * (moby pkg/plugins) calls them: HTTP/1.1 POST, {@code Accept: application/vnd.docker.plugins.v1.2+json}, no body.
 * The engine's metrics socket is {@link StandInDockerd} serving the captured page.
 */
class DockerPluginServerTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    /** One response: status code and body. */
    record Answer(int status, String contentType, JsonNode body) {
    }

    /** A request as Go's net/http writes the engine's plugin call; {@code host} as the engine's version sets it. */
    static Answer call(Path socket, String method, String path, String host) throws IOException {
        String request = method + " " + path + " HTTP/1.1\r\n"
                + "Host: " + host + "\r\n"
                + "User-Agent: Go-http-client/1.1\r\n"
                + "Content-Length: 0\r\n"
                + "Accept: application/vnd.docker.plugins.v1.2+json\r\n"
                + "Accept-Encoding: gzip\r\n"
                + "Connection: close\r\n\r\n";
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(socket));
            channel.write(ByteBuffer.wrap(request.getBytes(StandardCharsets.US_ASCII)));
            ByteArrayOutputStream response = new ByteArrayOutputStream();
            ByteBuffer buffer = ByteBuffer.allocate(4096);
            while (channel.read(buffer) >= 0) {
                response.write(buffer.array(), 0, buffer.position());
                buffer.clear();
            }
            String text = response.toString(StandardCharsets.UTF_8);
            int headEnd = text.indexOf("\r\n\r\n");
            String head = text.substring(0, headEnd);
            String contentType = head.lines().filter(l -> l.toLowerCase().startsWith("content-type:"))
                    .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse(null);
            return new Answer(Integer.parseInt(head.split(" ")[1]), contentType,
                    JSON.readTree(text.substring(headEnd + 4)));
        }
    }

    private static DockerConfig plugin(Path metricsSocket, Path pluginSocket, Duration interval) {
        return new DockerConfig(MetricsEndpoint.parse("unix://" + metricsSocket), interval, Duration.ofSeconds(2),
                DockerConfig.DEFAULT_INCLUDE, List.of(), true, pluginSocket);
    }

    static Answer post(Path socket, String path) throws IOException {
        return call(socket, "POST", path, "plugin.moby.localhost");
    }

    @Test
    void activateStartMetricsAndStopMetricsAsTheEngineCallsThem() throws Exception {
        Path metricsSocket = dir.resolve("metrics.sock");
        Path pluginSocket = dir.resolve("plugins/supervisor-kafka.sock");
        List<DockerSnapshot> published = new CopyOnWriteArrayList<>();
        DockerConfig config = plugin(metricsSocket, pluginSocket, Duration.ofMillis(100));
        DockerCollector collector = new DockerCollector(config, () -> "docker-host", published::add,
                Clock.systemUTC());
        collector.start();
        try (StandInDockerd dockerd = StandInDockerd.unix(metricsSocket, request -> StandInDockerd.referencePage());
             DockerPluginServer server = DockerPluginServer.start(pluginSocket, collector)) {
            assertThat(Files.getPosixFilePermissions(pluginSocket))
                    .isEqualTo(PosixFilePermissions.fromString("rw-------"));

            // Older engines (Go before the dummy host) send an empty Host for a unix socket.
            for (String host : List.of("plugin.moby.localhost", "")) {
                Answer activate = call(pluginSocket, "POST", "/Plugin.Activate", host);
                assertThat(activate.status()).isEqualTo(200);
                assertThat(activate.contentType()).isEqualTo("application/vnd.docker.plugins.v1.2+json");
                assertThat(activate.body()).isEqualTo(JSON.readTree("{\"Implements\": [\"MetricsCollector\"]}"));
            }

            // Registered but not started: ticks publish nothing, and nothing is asked of the engine's socket.
            await().during(Duration.ofMillis(400)).atMost(Duration.ofSeconds(2))
                    .until(() -> published.isEmpty() && dockerd.requests().isEmpty());
            assertThat(collector.collecting()).isFalse();

            Answer start = post(pluginSocket, "/MetricsCollector.StartMetrics");
            assertThat(start.status()).isEqualTo(200);
            assertThat(start.body()).isEqualTo(JSON.readTree("{\"Err\": \"\"}"));
            await("scrapes begin").atMost(Duration.ofSeconds(10)).until(() -> published.size() >= 3);
            assertThat(published).allSatisfy(snapshot -> {
                SchemaValidator.assertValid(Topics.DOCKER, snapshot);
                assertThat(snapshot.ok()).isTrue();
                assertThat(snapshot.mode()).isEqualTo(DockerSnapshot.PLUGIN);
                assertThat(snapshot.source()).isEqualTo("unix://" + metricsSocket);
                assertThat(snapshot.family("engine_daemon_engine_info")).isNotNull();
            });

            Answer stop = post(pluginSocket, "/MetricsCollector.StopMetrics");
            assertThat(stop.status()).isEqualTo(200);
            assertThat(stop.body()).isEqualTo(JSON.readTree("{\"Err\": \"\"}"));
            int afterStop = published.size();
            int requestsAfterStop = dockerd.requests().size();
            await("scrapes stop").during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(3))
                    .until(() -> published.size() == afterStop
                            && dockerd.requests().size() <= requestsAfterStop + 1);

            post(pluginSocket, "/MetricsCollector.StartMetrics");
            await("and begin again on the next StartMetrics").atMost(Duration.ofSeconds(10))
                    .until(() -> published.size() > afterStop);
        } finally {
            collector.close();
        }
        assertThat(pluginSocket).as("deleted on close").doesNotExist();
    }

    @Test
    void unknownEndpointsAndMethodsGetAJsonErr() throws Exception {
        Path pluginSocket = dir.resolve("p.sock");
        DockerConfig config = plugin(dir.resolve("metrics.sock"), pluginSocket, Duration.ofSeconds(15));
        DockerCollector collector = new DockerCollector(config, () -> "h", s -> { }, Clock.systemUTC());
        try (DockerPluginServer server = DockerPluginServer.start(pluginSocket, collector)) {
            Answer unknown = post(pluginSocket, "/VolumeDriver.Create");
            assertThat(unknown.status()).isEqualTo(404);
            assertThat(unknown.body().get("Err").asText()).contains("unknown plugin endpoint /VolumeDriver.Create");

            Answer get = call(pluginSocket, "GET", "/Plugin.Activate", "plugin.moby.localhost");
            assertThat(get.status()).isEqualTo(405);
            assertThat(get.body().get("Err").asText()).contains("takes POST");
            assertThat(collector.collecting()).isFalse();
        }
    }

    @Test
    void aStaleSocketIsReplacedAndALiveOneIsNot() throws Exception {
        Path pluginSocket = dir.resolve("missing-dir/p.sock");
        DockerConfig config = plugin(dir.resolve("metrics.sock"), pluginSocket, Duration.ofSeconds(15));
        DockerCollector collector = new DockerCollector(config, () -> "h", s -> { }, Clock.systemUTC());
        // A socket file left behind by a killed process: bound, then closed without unlinking.
        Files.createDirectories(pluginSocket.getParent());
        try (ServerSocketChannel stale = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            stale.bind(UnixDomainSocketAddress.of(pluginSocket));
        }
        assertThat(pluginSocket).exists();
        try (DockerPluginServer server = DockerPluginServer.start(pluginSocket, collector)) {
            assertThat(post(pluginSocket, "/Plugin.Activate").status()).isEqualTo(200);
            assertThatThrownBy(() -> DockerPluginServer.start(pluginSocket, collector))
                    .isInstanceOf(IOException.class).hasMessageContaining("is in use (served by another process)");
            assertThat(post(pluginSocket, "/Plugin.Activate").status()).as("the live server is untouched")
                    .isEqualTo(200);
        }
    }

    @Test
    void aFileThatIsNotASocketIsLeftAloneAndRefused() throws Exception {
        Path pluginSocket = dir.resolve("p.sock");
        Files.writeString(pluginSocket, "someone's data");
        DockerConfig config = plugin(dir.resolve("metrics.sock"), pluginSocket, Duration.ofSeconds(15));
        DockerCollector collector = new DockerCollector(config, () -> "h", s -> { }, Clock.systemUTC());
        assertThatThrownBy(() -> DockerPluginServer.start(pluginSocket, collector).close())
                .isInstanceOf(IOException.class)
                .hasMessage("docker plugin socket " + pluginSocket + " exists and is not a socket");
        assertThat(pluginSocket).hasContent("someone's data");
    }
}
