package io.supervisorkafka.listener.supervisor.xmlrpc;

import io.supervisorkafka.listener.http.HttpEndpoint;
import io.supervisorkafka.listener.http.HttpUrl;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.URLDecoder;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Where supervisord's XML-RPC interface listens: its {@code [unix_http_server]} socket or its
 * {@code [inet_http_server]}, as in {@code SUPERVISOR_SERVER_URL} ({@code unix:///var/run/supervisor.sock},
 * {@code http://127.0.0.1:9001}). {@link #display()} never carries credentials.
 */
public sealed interface SupervisorEndpoint extends HttpEndpoint {

    /** The default request path, as supervisorctl uses it. */
    String RPC_PATH = "/RPC2";

    /** A new, unconnected channel of the right protocol family for {@link #socketAddress()}. */
    default SocketChannel openChannel() throws IOException {
        return this instanceof Unix ? SocketChannel.open(StandardProtocolFamily.UNIX) : SocketChannel.open();
    }

    record Unix(Path socket) implements SupervisorEndpoint, HttpEndpoint.OnUnixSocket {
        @Override
        public String requestPath() {
            return RPC_PATH;
        }
    }

    record Http(String host, int port, String path) implements SupervisorEndpoint, HttpEndpoint.OnTcp {
        @Override
        public String requestPath() {
            return path;
        }
    }

    /** An endpoint and the credentials that were written into its URL ({@code http://user:pass@host}), if any. */
    record Parsed(SupervisorEndpoint endpoint, Credentials credentials) {
    }

    /** Parses a supervisor URL; the exception message never repeats the URL, which may hold a password. */
    static Parsed parse(String url) {
        String trimmed = url.trim();
        String lower = trimmed.toLowerCase(Locale.ROOT);
        if (lower.startsWith("unix://")) {
            String path = trimmed.substring("unix://".length());
            if (path.isEmpty()) {
                throw new IllegalArgumentException("supervisor URL unix:// has no socket path");
            }
            return new Parsed(new Unix(Path.of(path)), null);
        }
        if (!lower.startsWith("http://")) {
            int colon = trimmed.indexOf(':');
            String scheme = colon > 0 ? trimmed.substring(0, colon) : "(none)";
            throw new IllegalArgumentException("unsupported supervisor URL scheme '" + scheme
                    + "': use unix:///path/to/supervisor.sock or http://host:port");
        }
        HttpUrl uri = HttpUrl.parse(trimmed, "supervisor URL");
        String path = uri.pathOr(RPC_PATH);
        Credentials credentials = null;
        String userInfo = uri.rawUserInfo();
        if (userInfo != null) {
            int colon = userInfo.indexOf(':');
            String user = colon < 0 ? userInfo : userInfo.substring(0, colon);
            String password = colon < 0 ? "" : userInfo.substring(colon + 1);
            credentials = new Credentials(URLDecoder.decode(user, StandardCharsets.UTF_8),
                    URLDecoder.decode(password, StandardCharsets.UTF_8));
        }
        return new Parsed(new Http(uri.host(), uri.port(), path), credentials);
    }
}
