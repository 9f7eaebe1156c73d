package io.supervisorkafka.streams.prometheus;

import com.sun.net.httpserver.HttpExchange;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.kafka.streams.KafkaStreams;

/**
 * The HTTP side of the Prometheus endpoint, on the Prometheus Java client's {@link HTTPServer}: {@code /metrics}
 * (the collector's families in the format the scraper asks for: Prometheus text, OpenMetrics or protobuf), and the
 * probes {@code /-/ready} (200 only while Kafka Streams is RUNNING, 503 otherwise) and {@code /-/healthy} (200 unless
 * Kafka Streams has failed or stopped), which answer with the state in one line.
 */
public final class MetricsEndpoint implements AutoCloseable {

    /** Kafka Streams states in which the app is alive: created, starting, rebalancing or running. */
    private static final Set<KafkaStreams.State> HEALTHY = EnumSet.of(KafkaStreams.State.CREATED,
            KafkaStreams.State.REBALANCING, KafkaStreams.State.RUNNING);

    /** The listen address could not be bound; its message is the one line to print. */
    public static final class CannotListenException extends IOException {
        private static final long serialVersionUID = 1L;

        CannotListenException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private static final String NO_DELAY = "sun.net.httpserver.nodelay";

    private final HTTPServer server;
    private final HttpListen listen;

    private MetricsEndpoint(HTTPServer server, HttpListen listen) {
        this.server = server;
        this.listen = listen;
    }

    /**
     * Binds {@code listen} and serves {@code collector} until {@link #close()}.
     *
     * @throws CannotListenException one line naming the address and why, e.g. the port is taken
     */
    public static MetricsEndpoint start(HttpListen listen, MultiCollector collector,
                                        Supplier<KafkaStreams.State> state) throws CannotListenException {
        PrometheusRegistry registry = new PrometheusRegistry();
        registry.register(collector);
        InetAddress address;
        try {
            address = InetAddress.getByName(listen.host());
        } catch (UnknownHostException e) {
            throw new CannotListenException("cannot listen on " + listen + " (--http-listen): unknown host "
                    + listen.host(), e);
        }
        // The JDK's server writes a response without TCP_NODELAY unless told: the last segment of a scrape then waits
        // for the client's delayed ACK, ~40 ms. ScrapeBenchmark, 1,000 processes: GET /metrics median 52 -> 12-19 ms.
        // Read once, when the JDK's server first starts; a -D given by the operator wins.
        if (System.getProperty(NO_DELAY) == null) {
            System.setProperty(NO_DELAY, "true");
        }
        try {
            HTTPServer server = HTTPServer.builder().inetAddress(address).port(listen.port()).registry(registry)
                    .registerHealthHandler(false)
                    .defaultHandler(exchange -> probe(exchange, state.get()))
                    .buildAndStart();
            return new MetricsEndpoint(server, listen);
        } catch (IOException | RuntimeException e) {
            throw new CannotListenException("cannot listen on " + listen + " (--http-listen): "
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()), e);
        }
    }

    /** The port bound: {@link HttpListen#port()}, or the one taken for port 0. */
    public int port() {
        return server.getPort();
    }

    /** Where it listens, with the port bound. */
    public HttpListen address() {
        return new HttpListen(listen.host(), port());
    }

    @Override
    public void close() {
        server.close();
    }

    /** {@code /-/ready}, {@code /-/healthy}, a pointer to {@code /metrics} on {@code /}, 404 elsewhere. */
    private static void probe(HttpExchange exchange, KafkaStreams.State state) throws IOException {
        try (exchange) {
            exchange.getRequestBody().readAllBytes();
            String path = exchange.getRequestURI().getPath();
            int status;
            String body;
            switch (path) {
                case "/-/ready" -> {
                    status = state == KafkaStreams.State.RUNNING ? 200 : 503;
                    body = (status == 200 ? "ready: " : "not ready: ") + "Kafka Streams is " + state;
                }
                case "/-/healthy" -> {
                    status = HEALTHY.contains(state) ? 200 : 503;
                    body = (status == 200 ? "healthy: " : "not healthy: ") + "Kafka Streams is " + state;
                }
                case "/" -> {
                    status = 200;
                    body = "supervisor-kafka-streams: /metrics (Prometheus), /-/ready, /-/healthy";
                }
                default -> {
                    status = 404;
                    body = "not found: " + path;
                }
            }
            byte[] bytes = (body + "\n").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
            boolean head = "HEAD".equals(exchange.getRequestMethod());
            exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
            if (!head) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(bytes);
                }
            }
        }
    }
}
