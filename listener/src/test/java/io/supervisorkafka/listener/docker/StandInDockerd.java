package io.supervisorkafka.listener.docker;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.function.Function;

/**
 * A stand-in for dockerd's metrics endpoint, on a unix socket or TCP: it answers every request with what {@code answer}
 * gives for the request text, then closes the connection, as Go's net/http does for an HTTP/1.0 request. The real
 * dockerd cannot run inside these unit tests; the end-to-end test against a real dockerd lives in e2e/.
 */
final class StandInDockerd implements AutoCloseable {
    /** The captured page of a real dockerd 20.10 ({@code --metrics-addr}), one container running. */
    static final Path REFERENCE_PAGE = Path.of("src/test/resources/docker/dockerd-20.10-metrics.txt");

    private final ServerSocketChannel server;
    private final Path socket;
    private final Thread acceptor;
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final CountDownLatch closed = new CountDownLatch(1);

    private StandInDockerd(ServerSocketChannel server, Path socket, Function<String, byte[]> answer) {
        this.server = server;
        this.socket = socket;
        this.acceptor = new Thread(() -> serve(answer), "stand-in-dockerd");
        this.acceptor.setDaemon(true);
        this.acceptor.start();
    }

    static StandInDockerd unix(Path socket, Function<String, byte[]> answer) throws IOException {
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        return new StandInDockerd(server, socket, answer);
    }

    static StandInDockerd tcp(Function<String, byte[]> answer) throws IOException {
        ServerSocketChannel server = ServerSocketChannel.open();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        return new StandInDockerd(server, null, answer);
    }

    /** dockerd's answer: text format 0.0.4, no Content-Length, the end of the page is the end of the connection. */
    static byte[] page(byte[] body) {
        byte[] head = ("HTTP/1.0 200 OK\r\nContent-Type: text/plain; version=0.0.4; charset=utf-8\r\n"
                + "Date: Sun, 22 Nov 2026 03:00:00 GMT\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] whole = new byte[head.length + body.length];
        System.arraycopy(head, 0, whole, 0, head.length);
        System.arraycopy(body, 0, whole, head.length, body.length);
        return whole;
    }

    static byte[] referencePage() {
        try {
            return page(Files.readAllBytes(REFERENCE_PAGE));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    int port() throws IOException {
        return ((InetSocketAddress) server.getLocalAddress()).getPort();
    }

    /** The request heads received so far. */
    List<String> requests() {
        return requests;
    }

    private void serve(Function<String, byte[]> answer) {
        while (server.isOpen()) {
            try (SocketChannel connection = server.accept()) {
                String request = readHead(connection);
                requests.add(request);
                byte[] response = answer.apply(request);
                if (response == null) {
                    closed.await(); // stall: accept, read, never answer
                    continue;
                }
                ByteBuffer out = ByteBuffer.wrap(response);
                while (out.hasRemaining()) {
                    connection.write(out);
                }
            } catch (IOException e) {
                // the client gave up, or the server is closed
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private static String readHead(SocketChannel connection) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        ByteBuffer buffer = ByteBuffer.allocate(1);
        while (connection.read(buffer) > 0) {
            head.write(buffer.get(0));
            buffer.clear();
            String text = head.toString(StandardCharsets.ISO_8859_1);
            if (text.endsWith("\r\n\r\n")) {
                return text;
            }
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() throws Exception {
        closed.countDown();
        server.close();
        acceptor.join(5000);
        if (socket != null) {
            Files.deleteIfExists(socket);
        }
    }
}
