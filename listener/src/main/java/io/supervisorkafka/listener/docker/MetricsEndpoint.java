package io.supervisorkafka.listener.docker;

import io.supervisorkafka.listener.http.HttpEndpoint;
import io.supervisorkafka.listener.http.HttpUrl;
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

    record Unix(Path socket) implements MetricsEndpoint, HttpEndpoint.OnUnixSocket {
        @Override
        public String requestPath() {
            return METRICS_PATH;
        }
    }

    /** @param requestPath the path, with the query if any */
    record Http(String host, int port, String requestPath) implements MetricsEndpoint, HttpEndpoint.OnTcp {
    }

    /**
     * Parses {@code unix:///PATH} or {@code http://HOST[:PORT][/PATH]} ({@code /metrics} when no path).
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    public static MetricsEndpoint parse(String url) {
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
            int colon = trimmed.indexOf(':');
            String scheme = colon > 0 ? trimmed.substring(0, colon) : "(none)";
            throw new IllegalArgumentException("unsupported docker metrics URL scheme '" + scheme + "': use"
                    + " unix:///PATH/metrics.sock or http://HOST:PORT/metrics (dockerd's metrics-addr serves plain"
                    + " HTTP)");
        }
        HttpUrl uri = HttpUrl.parse(trimmed, "docker metrics URL");
        if (uri.rawUserInfo() != null) {
            throw new IllegalArgumentException("docker metrics URL has credentials: dockerd's metrics endpoint takes"
                    + " none");
        }
        String path = uri.pathOr(METRICS_PATH);
        return new Http(uri.host(), uri.port(), uri.rawQuery() == null ? path : path + "?" + uri.rawQuery());
    }
}
