package io.supervisorkafka.listener.supervisor;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.xmlrpc.XmlRpcException;
import org.apache.xmlrpc.client.XmlRpcClient;
import org.apache.xmlrpc.client.XmlRpcHttpTransport;
import org.apache.xmlrpc.common.XmlRpcStreamRequestConfig;
import org.xml.sax.SAXException;

/**
 * An Apache XML-RPC transport that speaks HTTP/1.0 over a {@code java.nio} socket channel: a Unix domain socket
 * (supervisord's {@code [unix_http_server]}) or TCP ({@code [inet_http_server]}).
 *
 * <p>Every step runs against one deadline, in non-blocking mode with a selector: connecting, writing the request and
 * reading the whole response. A server that accepts and never answers, or answers and never finishes, costs at most
 * the time left until the deadline; blocking sockets' read timeouts would only bound the silence between two bytes.
 * The response is read whole into memory (bounded) before the XML parser sees it.
 *
 * <p>Error messages name the endpoint's {@link SupervisorEndpoint#display()} only: no credentials.
 */
final class ChannelHttpTransport extends XmlRpcHttpTransport {
    static final int MAX_RESPONSE_BYTES = 32 * 1024 * 1024;
    private static final int MAX_HEAD_BYTES = 64 * 1024;
    private static final String USER_AGENT = "supervisor-kafka-listener";

    /** Something went wrong talking to supervisord; the message is fit for logs and records. */
    static final class CallFailedException extends IOException {
        CallFailedException(String message) {
            super(message);
        }

        CallFailedException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final SupervisorEndpoint endpoint;
    private final long deadlineNanos;
    private final long timeoutMillis;
    private final Map<String, String> headers = new LinkedHashMap<>();
    private byte[] responseBody;

    /**
     * @param deadlineNanos when the call must be done ({@link System#nanoTime()} time)
     * @param timeoutMillis the timeout that deadline comes from, for messages
     */
    ChannelHttpTransport(XmlRpcClient client, SupervisorEndpoint endpoint, long deadlineNanos, long timeoutMillis) {
        super(client, USER_AGENT);
        this.endpoint = endpoint;
        this.deadlineNanos = deadlineNanos;
        this.timeoutMillis = timeoutMillis;
    }

    @Override
    protected void setRequestHeader(String name, String value) {
        headers.put(name, value);
    }

    @Override
    protected boolean isResponseGzipCompressed(XmlRpcStreamRequestConfig config) {
        return false; // gzip is never requested
    }

    @Override
    protected void close() {
        // The channel is closed by exchange() itself.
    }

    @Override
    protected InputStream getInputStream() {
        return new ByteArrayInputStream(responseBody);
    }

    @Override
    protected void writeRequest(ReqWriter writer) throws XmlRpcException, IOException, SAXException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        writer.write(body);
        byte[] bodyBytes = body.toByteArray();
        headers.remove("Host");
        headers.put("Content-Length", Integer.toString(bodyBytes.length));
        headers.put("Connection", "close");
        StringBuilder head = new StringBuilder(256)
                .append("POST ").append(endpoint.requestPath()).append(" HTTP/1.0\r\n")
                .append("Host: ").append(endpoint.hostHeader()).append("\r\n");
        headers.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
        head.append("\r\n");
        byte[] headBytes = head.toString().getBytes(StandardCharsets.ISO_8859_1);
        byte[] request = Arrays.copyOf(headBytes, headBytes.length + bodyBytes.length);
        System.arraycopy(bodyBytes, 0, request, headBytes.length, bodyBytes.length);
        responseBody = exchange(request);
    }

    private byte[] exchange(byte[] request) throws IOException {
        SocketAddress address = endpoint.socketAddress();
        try (SocketChannel channel = endpoint.openChannel();
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
            } catch (CallFailedException e) {
                throw e;
            } catch (IOException e) {
                throw new CallFailedException("cannot connect to " + endpoint.display() + ": " + e.getMessage(), e);
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
                if (size + n > MAX_RESPONSE_BYTES) {
                    throw new CallFailedException("response from " + endpoint.display() + " is larger than "
                            + MAX_RESPONSE_BYTES + " bytes");
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
                    throw new CallFailedException("response from " + endpoint.display() + " has no end of headers");
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
                                throw new CallFailedException("response from " + endpoint.display()
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
                    throw new CallFailedException(endpoint.display() + " closed the connection "
                            + (size == 0 ? "without answering" : "in the middle of the response headers"));
                }
                if (contentLength >= 0 && !chunked) {
                    throw new CallFailedException(endpoint.display() + " closed the connection after "
                            + (size - headEnd) + " of " + contentLength + " response bytes");
                }
                byte[] body = Arrays.copyOfRange(data, headEnd, size);
                return chunked ? dechunk(body) : body;
            }
        }
    }

    private void checkStatus(String head) throws CallFailedException {
        int lineEnd = head.indexOf("\r\n");
        String statusLine = lineEnd < 0 ? head : head.substring(0, lineEnd);
        String[] parts = statusLine.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/")) {
            throw new CallFailedException(endpoint.display() + " did not answer with HTTP");
        }
        if (!parts[1].equals("200")) {
            String reason = parts.length > 2 ? " " + parts[2] : "";
            String hint = parts[1].equals("401")
                    ? " (check the supervisor username and password)" : "";
            throw new CallFailedException("HTTP " + parts[1] + reason + " from " + endpoint.display() + hint);
        }
    }

    private void await(Selector selector, String doing) throws IOException {
        if (Thread.currentThread().isInterrupted()) {
            // select() returns at once while interrupted: stop rather than spin until the deadline.
            throw new CallFailedException("interrupted " + doing + " (" + endpoint.display() + ")");
        }
        long remaining = deadlineNanos - System.nanoTime();
        if (remaining <= 0) {
            throw new CallFailedException("timed out " + doing + " (snapshot deadline " + timeoutMillis
                    + " ms, " + endpoint.display() + ")");
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

    private byte[] dechunk(byte[] body) throws CallFailedException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(body.length);
        int at = 0;
        while (true) {
            int lineEnd = indexOf(body, at, (byte) '\r');
            if (lineEnd < 0 || lineEnd + 1 >= body.length) {
                throw new CallFailedException("malformed chunked response from " + endpoint.display());
            }
            String sizeText = new String(body, at, lineEnd - at, StandardCharsets.ISO_8859_1);
            int semicolon = sizeText.indexOf(';');
            int chunkSize;
            try {
                chunkSize = Integer.parseInt((semicolon < 0 ? sizeText : sizeText.substring(0, semicolon)).trim(),
                        16);
            } catch (NumberFormatException e) {
                throw new CallFailedException("malformed chunked response from " + endpoint.display());
            }
            at = lineEnd + 2;
            if (chunkSize == 0) {
                return out.toByteArray();
            }
            if (chunkSize < 0 || at + chunkSize > body.length) {
                throw new CallFailedException("truncated chunked response from " + endpoint.display());
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
