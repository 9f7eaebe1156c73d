package io.supervisorkafka.listener.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.supervisorkafka.schemas.DockerSnapshot;
import io.supervisorkafka.testkit.SchemaValidator;
import io.supervisorkafka.schemas.Topics;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scrapes over a real unix socket and real TCP, against {@link StandInDockerd} (a stand-in for dockerd serving the
 * page captured from a real dockerd 20.10; the real dockerd is driven by the end-to-end test): the families kept, the
 * record, and every failure published as a record with its error.
 */
class DockerScrapeTest {
    @TempDir
    Path dir;

    private static final List<String> ENGINE_FAMILIES = List.of("engine_daemon_container_actions_seconds",
            "engine_daemon_container_states_containers", "engine_daemon_engine_cpus_cpus",
            "engine_daemon_engine_info", "engine_daemon_engine_memory_bytes", "engine_daemon_events_subscribers_total",
            "engine_daemon_events_total", "engine_daemon_health_checks_failed_total",
            "engine_daemon_health_checks_total", "engine_daemon_host_info_functions_seconds");

    private DockerCollector collector(String url, Duration interval, Duration timeout, List<String> include,
                                      List<String> exclude, List<DockerSnapshot> sink) {
        DockerConfig config = new DockerConfig(MetricsEndpoint.parse(url), interval, timeout, include, exclude, false,
                DockerConfig.DEFAULT_PLUGIN_SOCKET);
        return new DockerCollector(config, () -> "docker-host", sink::add, Clock.systemUTC());
    }

    private DockerSnapshot scrapeOnce(String url, Duration timeout) {
        return collector(url, Duration.ofSeconds(15), timeout, DockerConfig.DEFAULT_INCLUDE, List.of(),
                new ArrayList<>()).scrape();
    }

    private static DockerSnapshot valid(DockerSnapshot snapshot) {
        SchemaValidator.assertValid(Topics.DOCKER, snapshot);
        return snapshot;
    }

    @Test
    void scrapesTheEnginePageOverAUnixSocket() throws Exception {
        Path socket = dir.resolve("metrics.sock");
        try (StandInDockerd dockerd = StandInDockerd.unix(socket, request -> StandInDockerd.referencePage())) {
            long before = System.currentTimeMillis();
            DockerSnapshot snapshot = valid(scrapeOnce("unix://" + socket, Duration.ofSeconds(5)));

            assertThat(snapshot.error()).isNull();
            assertThat(snapshot.server()).isEqualTo("docker-host");
            assertThat(snapshot.source()).isEqualTo("unix://" + socket);
            assertThat(snapshot.mode()).isEqualTo(DockerSnapshot.SCRAPE);
            assertThat(snapshot.observedAt()).isBetween(before, System.currentTimeMillis());
            assertThat(snapshot.durationMs()).isBetween(0L, 5000L);
            assertThat(snapshot.families()).extracting(DockerSnapshot.Family::name)
                    .as("engine_daemon_* only, in page order").containsExactlyElementsOf(ENGINE_FAMILIES);
            DockerSnapshot.Family states = snapshot.family("engine_daemon_container_states_containers");
            assertThat(states.type()).isEqualTo(DockerSnapshot.Family.GAUGE);
            assertThat(states.samples()).extracting(s -> s.labels().get("state"))
                    .containsExactly("paused", "running", "stopped");
            assertThat(dockerd.requests()).singleElement().satisfies(request -> assertThat(request)
                    .startsWith("GET /metrics HTTP/1.0\r\n").contains("Host: localhost\r\n")
                    .contains("Accept: text/plain;version=0.0.4\r\n").contains("Connection: close\r\n"));
        }
    }

    @Test
    void scrapesOverTcpWithIncludeAndExcludePatterns() throws Exception {
        try (StandInDockerd dockerd = StandInDockerd.tcp(request -> StandInDockerd.referencePage())) {
            String url = "http://127.0.0.1:" + dockerd.port() + "/metrics";
            DockerSnapshot snapshot = valid(collector(url, Duration.ofSeconds(15), Duration.ofSeconds(5),
                    List.of("engine_daemon_*", "builder_*"), List.of("engine_daemon_*_seconds"), new ArrayList<>())
                    .scrape());

            assertThat(snapshot.error()).isNull();
            assertThat(snapshot.source()).isEqualTo(url);
            List<String> expected = new ArrayList<>(List.of("builder_builds_failed_total",
                    "builder_builds_triggered_total"));
            ENGINE_FAMILIES.stream().filter(name -> !name.endsWith("_seconds")).forEach(expected::add);
            assertThat(snapshot.families()).extracting(DockerSnapshot.Family::name)
                    .containsExactlyElementsOf(expected);
            assertThat(dockerd.requests()).singleElement().satisfies(request -> assertThat(request)
                    .contains("Host: 127.0.0.1:" + dockerd.port() + "\r\n"));
        }
    }

    @Test
    void aChunkedAnswerIsDecoded() throws Exception {
        byte[] body = Files.readAllBytes(StandInDockerd.REFERENCE_PAGE);
        StringBuilder chunked = new StringBuilder("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
        String text = new String(body, StandardCharsets.UTF_8);
        for (int at = 0; at < text.length(); at += 4000) {
            String piece = text.substring(at, Math.min(text.length(), at + 4000));
            chunked.append(Integer.toHexString(piece.getBytes(StandardCharsets.UTF_8).length)).append("\r\n")
                    .append(piece).append("\r\n");
        }
        chunked.append("0\r\n\r\n");
        byte[] answer = chunked.toString().getBytes(StandardCharsets.UTF_8);
        try (StandInDockerd dockerd = StandInDockerd.tcp(request -> answer)) {
            DockerSnapshot snapshot = valid(scrapeOnce("http://127.0.0.1:" + dockerd.port(), Duration.ofSeconds(5)));
            assertThat(snapshot.error()).isNull();
            assertThat(snapshot.families()).extracting(DockerSnapshot.Family::name)
                    .containsExactlyElementsOf(ENGINE_FAMILIES);
        }
    }

    @Test
    void connectionRefusedIsARecordWithTheError() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        DockerSnapshot snapshot = valid(scrapeOnce("http://127.0.0.1:" + port + "/metrics", Duration.ofSeconds(5)));
        assertThat(snapshot.ok()).isFalse();
        assertThat(snapshot.error()).startsWith("cannot connect to http://127.0.0.1:" + port + "/metrics: ")
                .containsIgnoringCase("refused");
        assertThat(snapshot.families()).isEmpty();
    }

    @Test
    void aMissingSocketIsARecordWithTheError() {
        Path socket = dir.resolve("no-such/metrics.sock");
        DockerSnapshot snapshot = valid(scrapeOnce("unix://" + socket, Duration.ofSeconds(5)));
        assertThat(snapshot.error()).startsWith("cannot connect to unix://" + socket + ": ");
        assertThat(snapshot.source()).isEqualTo("unix://" + socket);
    }

    @Test
    void anUnresolvableHostIsAFailedRecordEveryInterval() {
        // .invalid never resolves (RFC 2606).
        String url = "http://no-such-host.invalid:9323/metrics";
        List<DockerSnapshot> published = new CopyOnWriteArrayList<>();
        try (DockerCollector collector = collector(url, Duration.ofMillis(100), Duration.ofSeconds(2),
                DockerConfig.DEFAULT_INCLUDE, List.of(), published)) {
            collector.start();
            await().atMost(Duration.ofSeconds(10)).until(() -> collector.failed() >= 2);
        }
        assertThat(published).hasSizeGreaterThanOrEqualTo(2).allSatisfy(snapshot -> {
            valid(snapshot);
            assertThat(snapshot.ok()).isFalse();
            assertThat(snapshot.error()).isEqualTo("cannot resolve the host of " + url);
            assertThat(snapshot.source()).isEqualTo(url);
        });
    }

    @Test
    void anHttpErrorIsARecordWithTheStatus() throws Exception {
        byte[] answer = "HTTP/1.0 500 Internal Server Error\r\nContent-Length: 5\r\n\r\nboom\n"
                .getBytes(StandardCharsets.US_ASCII);
        try (StandInDockerd dockerd = StandInDockerd.tcp(request -> answer)) {
            DockerSnapshot snapshot = valid(scrapeOnce("http://127.0.0.1:" + dockerd.port(), Duration.ofSeconds(5)));
            assertThat(snapshot.error()).isEqualTo("HTTP 500 Internal Server Error from http://127.0.0.1:"
                    + dockerd.port() + "/metrics");
        }
    }

    @Test
    void aStallingServerCostsOneDeadline() throws Exception {
        Path socket = dir.resolve("stall.sock");
        try (StandInDockerd dockerd = StandInDockerd.unix(socket, request -> null)) {
            long started = System.nanoTime();
            DockerSnapshot snapshot = valid(scrapeOnce("unix://" + socket, Duration.ofMillis(300)));
            Duration took = Duration.ofNanos(System.nanoTime() - started);

            assertThat(snapshot.error()).isEqualTo("timed out waiting for the response (scrape deadline 300 ms, unix://"
                    + socket + ")");
            assertThat(took).isBetween(Duration.ofMillis(290), Duration.ofSeconds(3));
            assertThat(snapshot.durationMs()).isBetween(290L, 3000L);
        }
    }

    @Test
    void anOversizedPageIsRefused() throws Exception {
        byte[] line = "engine_daemon_events_total 1\n".getBytes(StandardCharsets.US_ASCII);
        byte[] body = new byte[DockerCollector.MAX_RESPONSE_BYTES + 1024];
        for (int at = 0; at + line.length <= body.length; at += line.length) {
            System.arraycopy(line, 0, body, at, line.length);
        }
        byte[] answer = StandInDockerd.page(body);
        try (StandInDockerd dockerd = StandInDockerd.tcp(request -> answer)) {
            DockerSnapshot snapshot = valid(scrapeOnce("http://127.0.0.1:" + dockerd.port(), Duration.ofSeconds(10)));
            assertThat(snapshot.error()).isEqualTo("response from http://127.0.0.1:" + dockerd.port()
                    + "/metrics is larger than 1048576 bytes");
            assertThat(snapshot.families()).isEmpty();
        }
    }

    @Test
    void aMalformedPageNamesTheLine() throws Exception {
        byte[] answer = StandInDockerd.page("""
                # HELP engine_daemon_events_total The number of events logged
                # TYPE engine_daemon_events_total counter
                engine_daemon_events_total not-a-number
                """.getBytes(StandardCharsets.UTF_8));
        try (StandInDockerd dockerd = StandInDockerd.tcp(request -> answer)) {
            DockerSnapshot snapshot = valid(scrapeOnce("http://127.0.0.1:" + dockerd.port(), Duration.ofSeconds(5)));
            assertThat(snapshot.error()).startsWith("malformed metrics page from http://127.0.0.1:" + dockerd.port()
                    + "/metrics: line 3: ");
            assertThat(snapshot.families()).isEmpty();
        }
    }

    @Test
    void publishesEveryIntervalAndFailuresToo() throws Exception {
        Path socket = dir.resolve("metrics.sock");
        List<DockerSnapshot> published = new CopyOnWriteArrayList<>();
        DockerCollector collector = collector("unix://" + socket, Duration.ofMillis(100), Duration.ofSeconds(2),
                DockerConfig.DEFAULT_INCLUDE, List.of(), published);
        try (StandInDockerd dockerd = StandInDockerd.unix(socket, request -> StandInDockerd.referencePage())) {
            collector.start();
            await().atMost(Duration.ofSeconds(10)).until(() -> published.size() >= 3);
            assertThat(published).allSatisfy(s -> assertThat(s.ok()).isTrue());
        }
        int served = published.size();
        await("the socket is gone: failed scrapes are published").atMost(Duration.ofSeconds(10))
                .until(() -> published.size() > served + 1 && !published.get(published.size() - 1).ok());
        collector.close();
        assertThat(published.get(published.size() - 1).error()).startsWith("cannot connect to unix://" + socket);
        assertThat(collector.succeeded()).isGreaterThanOrEqualTo(3);
        assertThat(collector.failed()).isGreaterThanOrEqualTo(1);
        published.forEach(DockerScrapeTest::valid);
    }

    /**
     * The figure in the listener README: one scrape of the served page and its parse (the durationMs field). Printed,
     * not asserted: speed is for benchmark programs; the test asserts that every scrape succeeded.
     */
    @Test
    void scrapeAndParseTimeOfTheReferencePage() throws Exception {
        Path socket = dir.resolve("metrics.sock");
        Function<String, byte[]> page = request -> StandInDockerd.referencePage();
        try (StandInDockerd dockerd = StandInDockerd.unix(socket, page)) {
            DockerCollector collector = collector("unix://" + socket, Duration.ofSeconds(15), Duration.ofSeconds(5),
                    DockerConfig.DEFAULT_INCLUDE, List.of(), new ArrayList<>());
            for (int i = 0; i < 200; i++) {
                assertThat(collector.scrape().ok()).isTrue(); // warm-up, as a long-running listener is
            }
            int runs = 500;
            long[] nanos = new long[runs];
            for (int i = 0; i < runs; i++) {
                long started = System.nanoTime();
                DockerSnapshot snapshot = collector.scrape();
                nanos[i] = System.nanoTime() - started;
                assertThat(snapshot.ok()).isTrue();
            }
            Arrays.sort(nanos);
            double median = nanos[runs / 2] / 1e6;
            double p99 = nanos[runs * 99 / 100] / 1e6;
            System.err.printf("docker scrape + parse of the %d-byte reference page over a unix socket: median %.2f ms,"
                    + " p99 %.2f ms (%d runs; JVM flags %s)%n", Files.size(StandInDockerd.REFERENCE_PAGE), median, p99,
                    runs, ManagementFactory.getRuntimeMXBean().getInputArguments());
        }
    }
}
