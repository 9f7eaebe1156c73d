package io.supervisorkafka.listener.docker;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.supervisorkafka.listener.BackgroundThreads;
import java.io.IOException;
import java.net.ConnectException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.http.HostPortHttpField;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.internal.HttpConnection;
import org.eclipse.jetty.unixdomain.server.UnixDomainServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.StringUtil;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Docker MetricsCollector plugin endpoints, served on a unix socket with Jetty (loaded only in plugin mode):
 *
 * <ul>
 *   <li>{@code POST /Plugin.Activate}: {@code {"Implements": ["MetricsCollector"]}}</li>
 *   <li>{@code POST /MetricsCollector.StartMetrics}: the engine mounted its metrics socket; scraping starts</li>
 *   <li>{@code POST /MetricsCollector.StopMetrics}: the socket is going away; scraping stops</li>
 * </ul>
 *
 * <p>The engine's plugin client sends these as HTTP/1.1 POSTs with {@code Accept:
 * application/vnd.docker.plugins.v1.2+json} and no body, and reads {@code Err} from the JSON answer. Anything else
 * gets 404 (or 405 for another method) with a JSON {@code Err}.
 *
 * <p>The socket: its directory is created if missing, a stale socket file (nobody accepts on it) is replaced, the
 * socket is made owner-only ({@code 0600}; the engine connects as root), and it is deleted on close.
 */
public final class DockerPluginServer implements AutoCloseable {
    /** Name prefix of the server's threads, lowered like the listener's other background threads. */
    public static final String THREADS = "docker-plugin";
    static final String ACTIVATE = "/Plugin.Activate";
    static final String START_METRICS = "/MetricsCollector.StartMetrics";
    static final String STOP_METRICS = "/MetricsCollector.StopMetrics";
    /** stat(2)'s file type bits and the type of a socket. */
    private static final int S_IFMT = 0170000;
    private static final int S_IFSOCK = 0140000;
    /** What the engine sends in Accept; plugin answers carry it as their Content-Type. */
    static final String PLUGIN_MEDIA_TYPE = "application/vnd.docker.plugins.v1.2+json";
    private static final Logger LOG = LoggerFactory.getLogger(DockerPluginServer.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Server server;
    private final Path socket;

    private DockerPluginServer(Server server, Path socket) {
        this.server = server;
        this.socket = socket;
    }

    /** Binds {@code socket} and serves the plugin endpoints, driving {@code collector}. */
    public static DockerPluginServer start(Path socket, DockerCollector collector) throws IOException {
        prepare(socket);
        QueuedThreadPool threads = new QueuedThreadPool(8, 1);
        threads.setName(THREADS);
        threads.setDaemon(true);
        Server server = new Server(threads);
        UnixDomainServerConnector connector = new UnixDomainServerConnector(server, 1, 1,
                new BlankHostTolerantConnectionFactory());
        connector.setUnixDomainPath(socket);
        server.addConnector(connector);
        server.setHandler(new PluginHandler(collector));
        server.setStopTimeout(1000);
        try {
            server.start();
        } catch (Exception e) {
            try {
                server.stop();
            } catch (Exception ignored) {
                // already failing
            }
            throw new IOException("cannot serve the docker plugin on " + socket + ": " + e.getMessage(), e);
        }
        try {
            Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
        } catch (IOException | UnsupportedOperationException e) {
            LOG.warn("cannot make {} owner-only: {}", socket, e.toString());
        }
        BackgroundThreads.lower(THREADS);
        LOG.info("docker MetricsCollector plugin listening on {}", socket);
        return new DockerPluginServer(server, socket);
    }

    /**
     * Creates the directory, and removes a socket file nobody listens on (left by a killed process). Anything else at
     * the path is left alone: a file that is not a socket, or a socket that does not refuse the probe.
     */
    private static void prepare(Path socket) throws IOException {
        Path parent = socket.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        if (!Files.exists(socket, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        int mode = (Integer) Files.getAttribute(socket, "unix:mode", LinkOption.NOFOLLOW_LINKS);
        if ((mode & S_IFMT) != S_IFSOCK) {
            throw new IOException("docker plugin socket " + socket + " exists and is not a socket");
        }
        try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            probe.connect(UnixDomainSocketAddress.of(socket));
        } catch (ConnectException refused) {
            Files.deleteIfExists(socket);
            LOG.info("removed the stale socket {}", socket);
            return;
        } catch (IOException e) {
            throw new IOException("docker plugin socket " + socket + " is in use or unusable: " + e.getMessage(), e);
        }
        throw new IOException("docker plugin socket " + socket + " is in use (served by another process)");
    }

    public Path socket() {
        return socket;
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            LOG.warn("stopping the docker plugin server: {}", e.toString());
        }
        try {
            Files.deleteIfExists(socket);
        } catch (IOException e) {
            LOG.warn("cannot delete {}: {}", socket, e.toString());
        }
    }

    /**
     * Jetty answers 400 "Blank Host" to an HTTP/1.1 request whose Host header is empty, and that is what older engines
     * send to a plugin's unix socket: their plugin client puts the socket path in the URL's host, and Go's HTTP
     * client writes an empty Host for it (newer engines send a dummy host name instead). This factory's connections
     * read an empty Host as {@code localhost} (the socket has no authority; the handler ignores it); everything else
     * is Jetty's own HTTP/1.1.
     */
    private static final class BlankHostTolerantConnectionFactory extends HttpConnectionFactory {
        @Override
        public Connection newConnection(Connector connector, EndPoint endPoint) {
            HttpConnection connection = new BlankHostTolerantConnection(getHttpConfiguration(), connector, endPoint);
            connection.setTransferEncodingChunkMaxLength(getTransferEncodingChunkMaxLength());
            return configure(connection, connector, endPoint);
        }
    }

    private static final class BlankHostTolerantConnection extends HttpConnection {
        private static final HttpField LOCALHOST = new HostPortHttpField("localhost");

        BlankHostTolerantConnection(HttpConfiguration configuration, Connector connector, EndPoint endPoint) {
            super(configuration, connector, endPoint);
        }

        @Override
        protected HttpStreamOverHTTP1 newHttpStream(String method, String uri, HttpVersion version) {
            return new BlankHostTolerantStream(method, uri, version);
        }

        private final class BlankHostTolerantStream extends HttpStreamOverHTTP1 {
            BlankHostTolerantStream(String method, String uri, HttpVersion version) {
                super(method, uri, version);
            }

            @Override
            public void parsedHeader(HttpField field) {
                boolean blankHost = field.getHeader() == HttpHeader.HOST && StringUtil.isBlank(field.getValue());
                super.parsedHeader(blankHost ? LOCALHOST : field);
            }
        }
    }

    /** The three endpoints; nothing here blocks, so it runs on Jetty's selector thread. */
    private static final class PluginHandler extends Handler.Abstract.NonBlocking {
        private final DockerCollector collector;

        PluginHandler(DockerCollector collector) {
            this.collector = collector;
        }

        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            String path = Request.getPathInContext(request);
            boolean known = path.equals(ACTIVATE) || path.equals(START_METRICS) || path.equals(STOP_METRICS);
            if (!known) {
                answer(response, callback, HttpStatus.NOT_FOUND_404, Map.of("Err", "unknown plugin endpoint " + path
                        + ": this plugin implements MetricsCollector (" + ACTIVATE + ", " + START_METRICS + ", "
                        + STOP_METRICS + ")"));
                return true;
            }
            if (!HttpMethod.POST.is(request.getMethod())) {
                answer(response, callback, HttpStatus.METHOD_NOT_ALLOWED_405, Map.of("Err", path
                        + " takes POST, not " + request.getMethod()));
                return true;
            }
            switch (path) {
                case ACTIVATE -> answer(response, callback, HttpStatus.OK_200,
                        Map.of("Implements", List.of("MetricsCollector")));
                case START_METRICS -> {
                    collector.startMetrics();
                    answer(response, callback, HttpStatus.OK_200, Map.of("Err", ""));
                }
                default -> {
                    collector.stopMetrics();
                    answer(response, callback, HttpStatus.OK_200, Map.of("Err", ""));
                }
            }
            return true;
        }

        private static void answer(Response response, Callback callback, int status, Map<String, ?> body) {
            byte[] bytes;
            try {
                bytes = JSON.writeValueAsBytes(body);
            } catch (IOException e) {
                callback.failed(e);
                return;
            }
            response.setStatus(status);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, PLUGIN_MEDIA_TYPE);
            response.getHeaders().put(HttpHeader.CONTENT_LENGTH, bytes.length);
            response.write(true, ByteBuffer.wrap(bytes), callback);
        }
    }
}
