package io.supervisorkafka.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A webhook receiver for the Alertmanager on a free loopback port: it keeps every alert of every notification it is
 * sent (Alertmanager's webhook payload, version 4), in the order they came.
 */
public final class WebhookReceiver implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PATH = "/alerts";

    private final HttpServer server;
    private final List<Alert> alerts = new CopyOnWriteArrayList<>();
    private final List<String> malformed = new CopyOnWriteArrayList<>();

    /**
     * One alert of a notification: {@code firing} or {@code resolved}, with its labels and annotations, and since when
     * it fires ({@code startsAt}: when Prometheus found its condition true).
     */
    public record Alert(String status, Map<String, String> labels, Map<String, String> annotations, Instant startsAt) {
        public String label(String name) {
            return labels.get(name);
        }
    }

    private WebhookReceiver(HttpServer server) {
        this.server = server;
    }

    public static WebhookReceiver start() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        WebhookReceiver receiver = new WebhookReceiver(server);
        server.createContext(PATH, receiver::handle);
        server.start();
        return receiver;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange; InputStream body = exchange.getRequestBody()) {
            byte[] bytes = body.readAllBytes();
            try {
                for (JsonNode alert : JSON.readTree(bytes).path("alerts")) {
                    alerts.add(new Alert(alert.path("status").asText(), PrometheusServer.strings(alert.path("labels")),
                            PrometheusServer.strings(alert.path("annotations")),
                            OffsetDateTime.parse(alert.path("startsAt").asText()).toInstant()));
                }
            } catch (IOException | DateTimeParseException notJson) {
                malformed.add(new String(bytes, java.nio.charset.StandardCharsets.UTF_8));
            }
            exchange.sendResponseHeaders(200, -1);
        }
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + PATH;
    }

    /** Every alert received so far, oldest first. */
    public List<Alert> alerts() {
        if (!malformed.isEmpty()) {
            throw new IllegalStateException("the webhook received a body that is no JSON: " + malformed.get(0));
        }
        return List.copyOf(alerts);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
