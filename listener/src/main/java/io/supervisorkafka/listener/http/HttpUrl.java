package io.supervisorkafka.listener.http;

import java.net.URI;
import java.net.URISyntaxException;

/**
 * The parts of an {@code http://} URL that the listener's endpoints use. Parse errors never repeat the URL: it may
 * hold a password.
 *
 * @param host        the host, an IPv6 address without its brackets
 * @param port        the port, 80 when the URL has none
 * @param rawPath     the path as written, or null
 * @param rawQuery    the query as written, or null
 * @param rawUserInfo {@code user:password} as written, or null
 */
public record HttpUrl(String host, int port, String rawPath, String rawQuery, String rawUserInfo) {

    /**
     * @param name what the URL is, for messages ({@code supervisor URL})
     * @throws IllegalArgumentException when it is not a URL with a host
     */
    public static HttpUrl parse(String url, String name) {
        URI uri;
        try {
            uri = new URI(url.trim());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(name + " is not a valid http:// URL");
        }
        if (uri.getHost() == null) {
            throw new IllegalArgumentException(name + " has no host");
        }
        String host = uri.getHost().startsWith("[") ? uri.getHost().substring(1, uri.getHost().length() - 1)
                : uri.getHost();
        return new HttpUrl(host, uri.getPort() < 0 ? 80 : uri.getPort(), uri.getRawPath(), uri.getRawQuery(),
                uri.getRawUserInfo());
    }

    /** The path, or {@code defaultPath} when the URL has none or only {@code /}. */
    public String pathOr(String defaultPath) {
        return rawPath == null || rawPath.isEmpty() || rawPath.equals("/") ? defaultPath : rawPath;
    }

    /** The Host header for that host and port: an IPv6 address in brackets, no port when it is 80. */
    public static String hostHeader(String host, int port) {
        String bracketed = host.contains(":") ? "[" + host + "]" : host;
        return port == 80 ? bracketed : bracketed + ":" + port;
    }
}
