package io.supervisorkafka.listener.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One HTTP request and its whole response over a {@code java.nio} socket channel, Unix domain or TCP, the listener's
 * only HTTP client (supervisord's XML-RPC, the Docker engine's metrics).
 *
 * <p>Every step runs against one deadline, in non-blocking mode with a selector: connecting, writing the request and
 * reading the whole response. A server that accepts and never answers, or answers and never finishes, costs at most
 * the time left until the deadline; blocking sockets' read timeouts would only bound the silence between two bytes.
 * The response is read whole into memory, bounded. The request is the caller's bytes (HTTP/1.0 with
 * {@code Connection: close}, so the end of the body is the end of the stream when there is no Content-Length); a
 * chunked answer is decoded all the same.
 *
 * <p>Error messages name the endpoint's {@link HttpEndpoint#display()} only: no credentials.
 */
public final class ChannelHttpExchange {
    private static final int MAX_HEAD_BYTES = 64 * 1024;

    private final HttpEndpoint endpoint;
    private final long deadlineNanos;
    private final String deadlineName;
    private final int maxResponseBytes;

    /**
     * @param deadlineNanos    when the exchange must be done ({@link System#nanoTime()} time)
     * @param deadlineName     the deadline as timeout messages name it, e.g. {@code snapshot deadline 10000 ms}
     * @param maxResponseBytes the most bytes of status line, headers and body accepted
     */
    public ChannelHttpExchange(HttpEndpoint endpoint, long deadlineNanos, String deadlineName, int maxResponseBytes) {
        this.endpoint = endpoint;
        this.deadlineNanos = deadlineNanos;
        this.deadlineName = deadlineName;
        this.maxResponseBytes = maxResponseBytes;
    }

    /**
     * An HTTP/1.0 request: the request line, {@code Host}, the headers in their order, {@code Content-Length} when
     * there is a body, {@code Connection: close}, and the body.
     */
    public static byte[] request(String method, String path, String host, Map<String, String> headers, byte[] body) {
        StringBuilder head = new StringBuilder(256)
                .append(method).append(' ').append(path).append(" HTTP/1.0\r\n")
                .append("Host: ").append(host).append("\r\n");
        headers.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
        if (body.length > 0 || !method.equals("GET")) {
            head.append("Content-Length: ").append(body.length).append("\r\n");
        }
        head.append("Connection: close\r\n\r\n");
        byte[] headBytes = head.toString().getBytes(StandardCharsets.ISO_8859_1);
        byte[] request = Arrays.copyOf(headBytes, headBytes.length + body.length);
        System.arraycopy(body, 0, request, headBytes.length, body.length);
        return request;
    }

    /**
     * Sends {@code request} and returns the body of a 200 response.
     *
     * @throws HttpExchangeException.Status for any other status, as soon as the status line and headers are in
     * @throws HttpExchangeException        for everything else that goes wrong, the deadline included
     */
    public byte[] send(byte[] request) throws IOException {
        SocketAddress address = resolve();
        try (SocketChannel channel = address instanceof UnixDomainSocketAddress
                ? SocketChannel.open(StandardProtocolFamily.UNIX) : SocketChannel.open();
             Selector selector = Selector.open()) {
            channel.configureBlocking(false);
            SelectionKey key = channel.register(selector, 0);
            try {
                if (!channel.connect(address)) {
                    key.interestOps(SelectionKey.OP_CONNECT);
                    while (!channel.finishConnect()) {
                        await(selector, "connecting");
                    }
                }
            } catch (HttpExchangeException e) {
                throw e;
            } catch (IOException e) {
                throw new HttpExchangeException("cannot connect to " + endpoint.display() + ": " + e.getMessage(), e);
            } catch (RuntimeException e) {
                // connect() reports an address it cannot use (unresolved, unsupported) unchecked.
                throw new HttpExchangeException("cannot connect to " + endpoint.display() + ": " + e, e);
            }
            ByteBuffer out = ByteBuffer.wrap(request);
            key.interestOps(SelectionKey.OP_WRITE);
            while (out.hasRemaining()) {
                if (channel.write(out) == 0) {
                    await(selector, "sending the request");
                }
            }
            key.interestOps(SelectionKey.OP_READ);
            return readResponse(channel, selector);
        }
    }

    /**
     * The endpoint's socket address, its host name resolved. An unknown host is this exchange's failure, not an
     * unchecked {@code UnresolvedAddressException} from {@code connect} that callers expecting I/O errors miss.
     */
    private SocketAddress resolve() throws HttpExchangeException {
        SocketAddress address;
        try {
            address = endpoint.socketAddress();
        } catch (RuntimeException e) {
            throw new HttpExchangeException("cannot resolve the host of " + endpoint.display() + ": " + e, e);
        }
        if (address instanceof InetSocketAddress inet && inet.isUnresolved()) {
            throw new HttpExchangeException("cannot resolve the host of " + endpoint.display());
        }
        return address;
    }

    /** Reads status line, headers and body; returns the body of a 200 response. */
    private byte[] readResponse(SocketChannel channel, Selector selector) throws IOException {
        byte[] data = new byte[8192];
        int size = 0;
        int headEnd = -1;
        long contentLength = -1;
        boolean chunked = false;
        ByteBuffer chunk = ByteBuffer.allocate(16 * 1024);
        while (true) {
            chunk.clear();
            int n = channel.read(chunk);
            if (n == 0) {
                await(selector, size == 0 ? "waiting for the response" : "reading the response");
                continue;
            }
            if (n > 0) {
                if (size + n > maxResponseBytes) {
                    throw new HttpExchangeException("response from " + endpoint.display() + " is larger than "
                            + maxResponseBytes + " bytes");
                }
                if (size + n > data.length) {
                    data = Arrays.copyOf(data, Math.max(data.length * 2, size + n));
                }
                System.arraycopy(chunk.array(), 0, data, size, n);
                size += n;
            }
            if (headEnd < 0) {
                headEnd = indexOfBlankLine(data, size);
                if (headEnd < 0 && size > MAX_HEAD_BYTES) {
                    throw new HttpExchangeException("response from " + endpoint.display() + " has no end of headers");
                }
                if (headEnd >= 0) {
                    String head = new String(data, 0, headEnd, StandardCharsets.ISO_8859_1);
                    checkStatus(head);
                    for (String line : head.split("\r\n")) {
                        int colon = line.indexOf(':');
                        if (colon <= 0) {
                            continue;
                        }
                        String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
                        String value = line.substring(colon + 1).trim();
                        if (name.equals("content-length")) {
                            try {
                                contentLength = Long.parseLong(value);
                            } catch (NumberFormatException e) {
                                throw new HttpExchangeException("response from " + endpoint.display()
                                        + " has an invalid Content-Length");
                            }
                        } else if (name.equals("transfer-encoding")) {
                            chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
                        }
                    }
                    headEnd += 4; // past CRLF CRLF
                }
            }
            if (headEnd >= 0 && !chunked && contentLength >= 0 && size - headEnd >= contentLength) {
                return Arrays.copyOfRange(data, headEnd, (int) (headEnd + contentLength));
            }
            if (n < 0) {
                if (headEnd < 0) {
                    throw new HttpExchangeException(endpoint.display() + " closed the connection "
                            + (size == 0 ? "without answering" : "in the middle of the response headers"));
                }
                if (contentLength >= 0 && !chunked) {
                    throw new HttpExchangeException(endpoint.display() + " closed the connection after "
                            + (size - headEnd) + " of " + contentLength + " response bytes");
                }
                byte[] body = Arrays.copyOfRange(data, headEnd, size);
                return chunked ? dechunk(body) : body;
            }
        }
    }

    private void checkStatus(String head) throws HttpExchangeException {
        int lineEnd = head.indexOf("\r\n");
        String statusLine = lineEnd < 0 ? head : head.substring(0, lineEnd);
        String[] parts = statusLine.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/")) {
            throw new HttpExchangeException(endpoint.display() + " did not answer with HTTP");
        }
        if (!parts[1].equals("200")) {
            String reason = parts.length > 2 ? " " + parts[2] : "";
            int code;
            try {
                code = Integer.parseInt(parts[1]);
            } catch (NumberFormatException e) {
                code = -1;
            }
            throw new HttpExchangeException.Status(code, "HTTP " + parts[1] + reason + " from "
                    + endpoint.display());
        }
    }

    private void await(Selector selector, String doing) throws IOException {
        if (Thread.currentThread().isInterrupted()) {
            // select() returns at once while interrupted: stop rather than spin until the deadline.
            throw new HttpExchangeException("interrupted " + doing + " (" + endpoint.display() + ")");
        }
        long remaining = deadlineNanos - System.nanoTime();
        if (remaining <= 0) {
            throw new HttpExchangeException("timed out " + doing + " (" + deadlineName + ", " + endpoint.display()
                    + ")");
        }
        selector.select(Math.max(1, TimeUnit.NANOSECONDS.toMillis(remaining)));
        selector.selectedKeys().clear();
    }

    private static int indexOfBlankLine(byte[] data, int size) {
        for (int i = 0; i + 3 < size; i++) {
            if (data[i] == '\r' && data[i + 1] == '\n' && data[i + 2] == '\r' && data[i + 3] == '\n') {
                return i;
            }
        }
        return -1;
    }

    private byte[] dechunk(byte[] body) throws HttpExchangeException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(body.length);
        int at = 0;
        while (true) {
            int lineEnd = indexOf(body, at, (byte) '\r');
            if (lineEnd < 0 || lineEnd + 1 >= body.length) {
                throw new HttpExchangeException("malformed chunked response from " + endpoint.display());
            }
            String sizeText = new String(body, at, lineEnd - at, StandardCharsets.ISO_8859_1);
            int semicolon = sizeText.indexOf(';');
            int chunkSize;
            try {
                chunkSize = Integer.parseInt((semicolon < 0 ? sizeText : sizeText.substring(0, semicolon)).trim(),
                        16);
            } catch (NumberFormatException e) {
                throw new HttpExchangeException("malformed chunked response from " + endpoint.display());
            }
            at = lineEnd + 2;
            if (chunkSize == 0) {
                return out.toByteArray();
            }
            if (chunkSize < 0 || at + chunkSize > body.length) {
                throw new HttpExchangeException("truncated chunked response from " + endpoint.display());
            }
            out.write(body, at, chunkSize);
            at += chunkSize + 2;
        }
    }

    private static int indexOf(byte[] bytes, int from, byte wanted) {
        for (int i = from; i < bytes.length; i++) {
            if (bytes[i] == wanted) {
                return i;
            }
        }
        return -1;
    }
}
