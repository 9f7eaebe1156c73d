package io.supervisorkafka.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;

/**
 * The real Prometheus server (Debian package {@code prometheus}) in the foreground, with a configuration of our own:
 * its TSDB in its directory, a loopback port, one scrape job over the given targets, the given rule files and, when
 * given, an Alertmanager to send alerts to. Scrapes and rule evaluations every {@code interval}, so that a test sees a
 * change within about that. {@link #close()} stops it by its pid.
 */
public final class PrometheusServer implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final ChildProcess process;
    private final int port;

    private PrometheusServer(ChildProcess process, int port) {
        this.process = process;
        this.port = port;
    }

    /** One sample of an instant vector: its labels ({@code __name__} included when the result has one) and value. */
    public record Sample(Map<String, String> labels, double value) {
        public String label(String name) {
            return labels.get(name);
        }
    }

    /** An alert as Prometheus' {@code /api/v1/alerts} gives it: {@code pending} or {@code firing}. */
    public record Alert(String state, Map<String, String> labels, Map<String, String> annotations) {
    }

    /**
     * Starts Prometheus scraping {@code targets} (host:port, path {@code /metrics}) as job {@code job} and evaluating
     * {@code ruleFiles}, sending alerts to {@code alertmanager} (host:port; none when null), and returns once it
     * answers {@code /-/ready}. Its configuration, TSDB and log are in {@code dir}.
     */
    public static PrometheusServer start(Path dir, String job, List<String> targets, List<Path> ruleFiles,
                                         String alertmanager, Duration interval) throws IOException {
        Files.createDirectories(dir);
        int port = Ports.freeTcpPort();
        String every = interval.toMillis() + "ms";
        // scrape_timeout may not exceed scrape_interval; its default (10s) would.
        String config = """
                global:
                  scrape_interval: %1$s
                  scrape_timeout: %1$s
                  evaluation_interval: %1$s
                rule_files: %2$s
                alerting:
                  alertmanagers: %3$s
                scrape_configs:
                  - job_name: '%4$s'
                    static_configs:
                      - targets: [%5$s]
                """.formatted(every,
                ruleFiles.stream().map(file -> "'" + file.toAbsolutePath() + "'")
                        .collect(Collectors.joining(", ", "[", "]")),
                alertmanager == null ? "[]" : "[{static_configs: [{targets: ['" + alertmanager + "']}]}]",
                job, targets.stream().map(target -> "'" + target + "'").collect(Collectors.joining(", ")));
        Path conf = dir.resolve("prometheus.yml");
        Files.writeString(conf, config);
        ProcessBuilder builder = new ProcessBuilder("prometheus", "--config.file=" + conf,
                "--storage.tsdb.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + port,
                // The default 1m would hold a resolved or re-fired alert back from the Alertmanager.
                "--rules.alert.resend-delay=" + every);
        PrometheusServer server = new PrometheusServer(
                ChildProcess.start("prometheus", builder, dir.resolve("prometheus.log")), port);
        try {
            awaitReady(server.process, server.url(), Duration.ofSeconds(60));
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
        return server;
    }

    /** Waits until {@code url}'s {@code /-/ready} answers 200, failing at once with the log if the process exited. */
    static void awaitReady(ChildProcess process, String url, Duration limit) {
        Awaitility.await(process + " answering " + url + "/-/ready").atMost(limit)
                .pollInterval(Duration.ofMillis(100)).ignoreExceptionsInstanceOf(IOException.class).until(() -> {
                    if (!process.isAlive()) {
                        throw new IllegalStateException(process + " exited: " + Files.readString(process.log()));
                    }
                    return get(url + "/-/ready").statusCode() == 200;
                });
    }

    static HttpResponse<String> get(String url) throws IOException {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted: GET " + url, e);
        }
    }

    public String url() {
        return "http://127.0.0.1:" + port;
    }

    public long pid() {
        return process.pid();
    }

    public Path log() {
        return process.log();
    }

    /** An instant query through {@code /api/v1/query}: the samples of its vector result (empty when none). */
    public List<Sample> query(String promql) throws IOException {
        JsonNode data = api("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
        if (!"vector".equals(data.path("resultType").asText())) {
            throw new IllegalStateException("not an instant vector: " + promql + " gave " + data);
        }
        List<Sample> samples = new ArrayList<>();
        for (JsonNode result : data.path("result")) {
            samples.add(new Sample(strings(result.path("metric")),
                    Double.parseDouble(result.path("value").get(1).asText())));
        }
        return samples;
    }

    /** The alerts Prometheus holds now, pending and firing, through {@code /api/v1/alerts}. */
    public List<Alert> alerts() throws IOException {
        List<Alert> alerts = new ArrayList<>();
        for (JsonNode alert : api("/api/v1/alerts").path("alerts")) {
            alerts.add(new Alert(alert.path("state").asText(), strings(alert.path("labels")),
                    strings(alert.path("annotations"))));
        }
        return alerts;
    }

    /** The {@code health} of each scrape target ({@code up}, {@code down}, {@code unknown}) by its scrape URL. */
    public Map<String, String> targetHealth() throws IOException {
        Map<String, String> health = new LinkedHashMap<>();
        for (JsonNode target : api("/api/v1/targets").path("activeTargets")) {
            health.put(target.path("scrapeUrl").asText(), target.path("health").asText()
                    + (target.path("lastError").asText().isEmpty() ? "" : ": " + target.path("lastError").asText()));
        }
        return health;
    }

    private JsonNode api(String pathAndQuery) throws IOException {
        HttpResponse<String> response = get(url() + pathAndQuery);
        JsonNode body = JSON.readTree(response.body());
        if (response.statusCode() != 200 || !"success".equals(body.path("status").asText())) {
            throw new IllegalStateException("Prometheus answered " + response.statusCode() + " to " + pathAndQuery
                    + ": " + response.body());
        }
        return body.path("data");
    }

    static Map<String, String> strings(JsonNode object) {
        Map<String, String> map = new LinkedHashMap<>();
        object.fields().forEachRemaining(field -> map.put(field.getKey(), field.getValue().asText()));
        return map;
    }

    @Override
    public void close() {
        process.close();
    }

    @Override
    public String toString() {
        return "Prometheus at " + url() + " (" + process + ")";
    }
}
