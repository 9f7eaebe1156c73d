package io.supervisorkafka.listener.docker;

import io.supervisorkafka.listener.http.HttpEndpoint;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Where the Docker engine serves its Prometheus metrics: the socket it binds for metrics plugins
 * ({@code unix:///run/docker/metrics.sock}, path {@code /metrics}) or its {@code metrics-addr}
 * ({@code http://127.0.0.1:9323/metrics}).
 */
public sealed interface MetricsEndpoint extends HttpEndpoint {
    /** The path dockerd serves the page on, on both listeners. */
    String METRICS_PATH = "/metrics";

    /** The HTTP request path (with the query, if any). */
    String requestPath();

    record Unix(Path socket) implements MetricsEndpoint {
        @Override
        public String display() {
            return "unix://" + socket;
        }

        @Override
        public String hostHeader() {
            return "localhost";
        }

        @Override
        public SocketAddress socketAddress() {
            return UnixDomainSocketAddress.of(socket);
        }

        @Override
        public String requestPath() {
            return METRICS_PATH;
        }
    }

    record Http(String host, int port, String requestPath) implements MetricsEndpoint {
        @Override
        public String display() {
            return "http://" + hostHeader() + requestPath;
        }

        @Override
        public String hostHeader() {
            String bracketed = host.contains(":") ? "[" + host + "]" : host;
            return port == 80 ? bracketed : bracketed + ":" + port;
        }

        @Override
        public SocketAddress socketAddress() {
            return new InetSocketAddress(host, port);
        }
    }

    /**
     * Parses {@code unix:///PATH} or {@code http://HOST[:PORT][/PATH]} ({@code /metrics} when no path).
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    static MetricsEndpoint parse(String url) {
        String trimmed = url.trim();
        String lower = trimmed.toLowerCase(Locale.ROOT);
        if (lower.startsWith("unix://")) {
            String path = trimmed.substring("unix://".length());
            if (!path.startsWith("/")) {
                throw new IllegalArgumentException("docker metrics URL " + trimmed + " needs an absolute socket path:"
                        + " unix:///run/docker/metrics.sock");
            }
            return new Unix(Path.of(path));
        }
        if (!lower.startsWith("http://")) {
            throw new IllegalArgumentException("unsupported docker metrics URL " + trimmed + ": use"
                    + " unix:///PATH/metrics.sock or http://HOST:PORT/metrics (dockerd's metrics-addr serves plain"
                    + " HTTP)");
        }
        URI uri;
        try {
            uri = new URI(trimmed);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("docker metrics URL " + trimmed + " is not a valid URL: "
                    + e.getReason());
        }
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("docker metrics URL " + trimmed + " has no host");
        }
        if (uri.getRawUserInfo() != null) {
            throw new IllegalArgumentException("docker metrics URL has credentials: dockerd's metrics endpoint takes"
                    + " none");
        }
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() || uri.getRawPath().equals("/")
                ? METRICS_PATH : uri.getRawPath();
        if (uri.getRawQuery() != null) {
            path = path + "?" + uri.getRawQuery();
        }
        String host = uri.getHost().startsWith("[") ? uri.getHost().substring(1, uri.getHost().length() - 1)
                : uri.getHost();
        return new Http(host, uri.getPort() < 0 ? 80 : uri.getPort(), path);
    }
}
