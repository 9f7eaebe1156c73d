package io.supervisorkafka.listener.gunicorn;

import io.supervisorkafka.listener.BackgroundThreads;
import io.supervisorkafka.schemas.StatsdMetrics;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The opt-in StatsD receiver: a UDP socket, or a unix datagram socket (AF_UNIX, SOCK_DGRAM) when the listen address
 * is a path, read by its own thread ({@value #THREAD}), lines parsed and aggregated in memory, and one
 * {@link StatsdMetrics} per app handed to the sink every flush interval by a second thread ({@value #FLUSH_THREAD}).
 * Malformed lines and truncated datagrams are counted and dropped.
 */
public final class StatsdReceiver implements AutoCloseable {
    public static final String THREAD = "statsd-receive";
    public static final String FLUSH_THREAD = "statsd-flush";
    /** Largest UDP payload; a datagram that fills the buffer was truncated and its last line is dropped. */
    static final int BUFFER = 65_536;
    /** {@code unix://} prefix (gunicorn 21+ {@code --statsd-host unix://PATH}). */
    static final String UNIX_SCHEME = "unix://";
    /** Longest socket path: {@code sun_path} is 108 bytes on Linux, with its terminating NUL. */
    static final int MAX_UNIX_PATH = 107;
    private static final int RECEIVE_BUFFER = 4 << 20;
    private static final String LISTEN_FORMS =
            "StatsD listen address must be HOST:PORT (UDP) or a unix socket path (/PATH, unix://PATH), not ";
    private static final Logger LOG = LoggerFactory.getLogger(StatsdReceiver.class);

    private final DatagramChannel channel;
    /** The unix socket file, deleted on close; null in UDP mode. */
    private final Path socketPath;
    /** The socket file's identity (device, inode): close deletes the file only if it is still ours. */
    private final Object socketFileKey;
    private final StatsdAggregator aggregator;
    private final Supplier<String> server;
    private final Consumer<StatsdMetrics> sink;
    private final Clock clock;
    private final long flushMillis;
    private final AtomicLong datagrams = new AtomicLong();
    private final AtomicLong malformed = new AtomicLong();
    private Thread thread;
    private ScheduledExecutorService flusher;
    private volatile boolean flushThreadLowered;

    private StatsdReceiver(DatagramChannel channel, Path socketPath, long flushMillis, Supplier<String> server,
                           Consumer<StatsdMetrics> sink, Clock clock) {
        this.channel = channel;
        this.socketPath = socketPath;
        this.socketFileKey = socketPath == null ? null : fileKey(socketPath);
        this.flushMillis = flushMillis;
        this.server = server;
        this.sink = sink;
        this.clock = clock;
        this.aggregator = new StatsdAggregator(clock.millis());
    }

    /**
     * Binds {@code HOST:PORT} over UDP (port 0: any free port, see {@link #port()}), or, when {@code listen} is a path
     * ({@code /run/statsd.sock}, {@code ./statsd.sock} or {@code unix:///run/statsd.sock}), a unix datagram socket
     * there: a stale socket file is replaced, the new one is {@code 0660} and is deleted on {@link #close()}.
     */
    public static StatsdReceiver bind(String listen, long flushMillis, Supplier<String> server,
                                      Consumer<StatsdMetrics> sink, Clock clock) throws IOException {
        if (isUnixPath(listen)) {
            Path path = unixPath(listen);
            DatagramChannel channel;
            try {
                // The only reference to junixsocket: loaded here, and only here.
                channel = UnixDatagramSockets.bind(path, RECEIVE_BUFFER);
            } catch (IOException | RuntimeException e) {
                throw new IOException("cannot bind the StatsD receiver to unix socket " + path + ": " + e, e);
            } catch (LinkageError e) {
                throw new IOException("unix datagram sockets are unavailable (junixsocket: " + e
                        + "); use HOST:PORT", e);
            }
            return new StatsdReceiver(channel, path, flushMillis, server, sink, clock);
        }
        InetSocketAddress address = parseAddress(listen);
        DatagramChannel channel = DatagramChannel.open();
        try {
            channel.setOption(StandardSocketOptions.SO_RCVBUF, RECEIVE_BUFFER);
            channel.bind(address);
        } catch (IOException e) {
            channel.close();
            throw new IOException("cannot bind the StatsD receiver to " + listen + ": " + e.getMessage(), e);
        }
        return new StatsdReceiver(channel, null, flushMillis, server, sink, clock);
    }

    /**
     * Whether {@code listen} is a unix socket: {@code unix://PATH}, or a path starting with {@code /}, {@code ./} or
     * {@code ../}.
     */
    public static boolean isUnixPath(String listen) {
        return listen.startsWith(UNIX_SCHEME) || listen.startsWith("/") || listen.startsWith("./")
                || listen.startsWith("../");
    }

    /** The socket path of a {@linkplain #isUnixPath unix listen address}, checked (not empty, fits sun_path). */
    public static Path unixPath(String listen) {
        String path = listen.startsWith(UNIX_SCHEME) ? listen.substring(UNIX_SCHEME.length()) : listen;
        if (path.isEmpty() || path.endsWith("/")) {
            throw new IllegalArgumentException("StatsD unix socket must be a file path, not " + listen);
        }
        if (path.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("StatsD unix socket path contains a NUL: " + listen);
        }
        if (path.getBytes(StandardCharsets.UTF_8).length > MAX_UNIX_PATH) {
            throw new IllegalArgumentException("StatsD unix socket path longer than " + MAX_UNIX_PATH + " bytes: "
                    + listen);
        }
        return Path.of(path);
    }

    /**
     * {@code HOST:PORT}, {@code [v6]:PORT} or {@code :PORT}; a {@linkplain #isUnixPath unix socket path} is checked
     * and gives null (it has no inet address), so this also validates any {@code --statsd-listen} value.
     */
    public static InetSocketAddress parseAddress(String listen) {
        if (isUnixPath(listen)) {
            unixPath(listen);
            return null;
        }
        int colon = listen.lastIndexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException(LISTEN_FORMS + listen);
        }
        String host = listen.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(listen.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(LISTEN_FORMS + listen);
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("StatsD port out of range: " + listen);
        }
        return host.isEmpty() ? new InetSocketAddress(port) : new InetSocketAddress(host, port);
    }

    /** The bound UDP port; -1 in unix socket mode. */
    public int port() {
        if (socketPath != null) {
            return -1;
        }
        try {
            return ((InetSocketAddress) channel.getLocalAddress()).getPort();
        } catch (IOException e) {
            return -1;
        }
    }

    /** The unix socket file, or null in UDP mode. */
    public Path socketPath() {
        return socketPath;
    }

    public synchronized void start() {
        thread = new Thread(this::receive, THREAD);
        thread.setDaemon(true);
        thread.start();
        flusher = BackgroundThreads.scheduler(FLUSH_THREAD);
        flusher.scheduleAtFixedRate(BackgroundThreads.surviving("StatsD flush", LOG, this::flush), flushMillis,
                flushMillis, TimeUnit.MILLISECONDS);
    }

    private void receive() {
        // Niced like the rest of the background (also done by the shipper, which may have looked before we existed).
        BackgroundThreads.lower(THREAD);
        ByteBuffer buffer = ByteBuffer.allocate(BUFFER);
        byte[] data = buffer.array();
        while (true) {
            buffer.clear();
            try {
                SocketAddress from = channel.receive(buffer);
                // A unix datagram from an unbound sender (gunicorn, most clients) has no source address.
                if (from == null && buffer.position() == 0) {
                    if (!channel.isOpen()) {
                        return;
                    }
                    continue;
                }
            } catch (ClosedChannelException closed) {
                return;
            } catch (IOException | RuntimeException e) {
                if (!channel.isOpen()) {
                    return;
                }
                LOG.warn("StatsD receive failed: {}", e.toString());
                continue;
            }
            ingest(data, buffer.position());
        }
    }

    /** Parses one datagram of {@code length} bytes; a full buffer means truncated: its last line is dropped. */
    void ingest(byte[] data, int length) {
        datagrams.incrementAndGet();
        int usable = length;
        int bad = 0;
        if (length >= BUFFER) {
            int lastNewline = length - 1;
            while (lastNewline >= 0 && data[lastNewline] != '\n') {
                lastNewline--;
            }
            usable = Math.max(lastNewline, 0);
            bad = 1;
        }
        bad += StatsdParser.parse(data, 0, usable, aggregator);
        if (bad > 0) {
            malformed.addAndGet(bad);
            aggregator.malformed(bad);
        }
    }

    /** Publishes the interval so far. */
    public void flush() {
        if (!flushThreadLowered && Thread.currentThread().getName().equals(FLUSH_THREAD)) {
            flushThreadLowered = true;
            BackgroundThreads.lower(FLUSH_THREAD);
        }
        try {
            List<StatsdMetrics> records = aggregator.flush(server.get(), clock.millis());
            records.forEach(sink);
        } catch (RuntimeException e) {
            LOG.warn("StatsD flush failed: {}", e.toString());
        }
    }

    /** Whether the receive thread is running (tests: it ends on {@link #close()}). */
    synchronized boolean receiving() {
        return thread != null && thread.isAlive();
    }

    public long datagrams() {
        return datagrams.get();
    }

    public long malformed() {
        return malformed.get();
    }

    private static Object fileKey(Path path) {
        try {
            return Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
        } catch (IOException e) {
            return null;
        }
    }

    /** Stops receiving, publishes what was aggregated and deletes the unix socket file (if still ours). */
    @Override
    public synchronized void close() {
        try {
            channel.close();
        } catch (IOException e) {
            LOG.debug("closing the StatsD socket: {}", e.toString());
        }
        if (thread != null) {
            try {
                thread.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (socketPath != null && socketFileKey != null && socketFileKey.equals(fileKey(socketPath))) {
            try {
                Files.deleteIfExists(socketPath);
            } catch (IOException e) {
                LOG.warn("cannot delete the StatsD socket {}: {}", socketPath, e.toString());
            }
        }
        if (flusher != null) {
            flusher.shutdownNow();
            flush();
        }
    }
}
