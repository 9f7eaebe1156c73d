package io.supervisorkafka.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The real Alertmanager (Debian package {@code prometheus-alertmanager}) in the foreground, alone (clustering off),
 * with a configuration of our own: its storage in its directory, a loopback port, and one route that delivers every
 * alert, and its resolution, to a webhook at once ({@code group_wait} 0s, {@code group_interval} 1s).
 * {@link #close()} stops it by its pid.
 */
public final class Alertmanager implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ChildProcess process;
    private final int port;

    private Alertmanager(ChildProcess process, int port) {
        this.process = process;
        this.port = port;
    }

    /** Starts it delivering to {@code webhookUrl} and returns once it answers {@code /-/ready}. */
    public static Alertmanager start(Path dir, String webhookUrl) throws IOException {
        Files.createDirectories(dir);
        int port = Ports.freeTcpPort();
        // Grouped per alert and process, so that each process's alert is a notification of its own.
        Path conf = dir.resolve("alertmanager.yml");
        Files.writeString(conf, """
                route:
                  receiver: webhook
                  group_by: ['alertname', 'server', 'group', 'name']
                  group_wait: 0s
                  group_interval: 1s
                  repeat_interval: 1h
                receivers:
                  - name: webhook
                    webhook_configs:
                      - url: '%s'
                        send_resolved: true
                """.formatted(webhookUrl));
        ProcessBuilder builder = new ProcessBuilder("prometheus-alertmanager", "--config.file=" + conf,
                "--storage.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + port,
                // An empty address turns the gossip cluster off: nothing listens on 9094, no peer is sought.
                "--cluster.listen-address=");
        Alertmanager alertmanager = new Alertmanager(
                ChildProcess.start("alertmanager", builder, dir.resolve("alertmanager.log")), port);
        try {
            PrometheusServer.awaitReady(alertmanager.process, alertmanager.url(), Duration.ofSeconds(60));
        } catch (RuntimeException e) {
            alertmanager.close();
            throw e;
        }
        return alertmanager;
    }

    /** The labels of each alert the Alertmanager holds unresolved now, through {@code /api/v2/alerts}. */
    public List<Map<String, String>> activeAlerts() throws IOException {
        HttpResponse<String> response = PrometheusServer.get(url() + "/api/v2/alerts?active=true");
        if (response.statusCode() != 200) {
            throw new IllegalStateException("the Alertmanager answered " + response.statusCode() + " to "
                    + "/api/v2/alerts: " + response.body());
        }
        List<Map<String, String>> alerts = new ArrayList<>();
        for (JsonNode alert : JSON.readTree(response.body())) {
            alerts.add(PrometheusServer.strings(alert.path("labels")));
        }
        return alerts;
    }

    public String url() {
        return "http://127.0.0.1:" + port;
    }

    /** host:port, as Prometheus' {@code alertmanagers} targets name it. */
    public String address() {
        return "127.0.0.1:" + port;
    }

    public long pid() {
        return process.pid();
    }

    public Path log() {
        return process.log();
    }

    @Override
    public void close() {
        process.close();
    }

    @Override
    public String toString() {
        return "Alertmanager at " + url() + " (" + process + ")";
    }
}
