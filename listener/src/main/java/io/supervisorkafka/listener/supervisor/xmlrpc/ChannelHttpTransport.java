package io.supervisorkafka.listener.supervisor.xmlrpc;

import io.supervisorkafka.listener.http.ChannelHttpExchange;
import io.supervisorkafka.listener.http.HttpExchangeException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.xmlrpc.XmlRpcException;
import org.apache.xmlrpc.client.XmlRpcClient;
import org.apache.xmlrpc.client.XmlRpcHttpTransport;
import org.apache.xmlrpc.common.XmlRpcStreamRequestConfig;
import org.xml.sax.SAXException;

/**
 * An Apache XML-RPC transport that speaks HTTP/1.0 over a {@code java.nio} socket channel: a Unix domain socket
 * (supervisord's {@code [unix_http_server]}) or TCP ({@code [inet_http_server]}), through {@link ChannelHttpExchange}:
 * connecting, writing the request and reading the whole response against the snapshot's one deadline. The response
 * is read whole into memory (bounded) before the XML parser sees it.
 *
 * <p>Error messages name the endpoint's {@link SupervisorEndpoint#display()} only: no credentials.
 *
 * <p>Not final: the fuzz test replaces {@link #exchange(byte[])}, the socket, and keeps the rest.
 */
class ChannelHttpTransport extends XmlRpcHttpTransport {
    /**
     * Most bytes of one answer: getAllProcessInfo is ~1 KiB per process, so this is ~4,000 processes. The listener's
     * heap is 32 MiB, shared with the protocol loop, and an answer is held as bytes and parsed values at once.
     */
    static final int MAX_RESPONSE_BYTES = 4 * 1024 * 1024;
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
    private final String deadlineName;
    private final boolean controlPictures;
    private byte[] responseBody;

    /** A transport whose answers are parsed as they come. */
    ChannelHttpTransport(XmlRpcClient client, SupervisorEndpoint endpoint, long deadlineNanos, long timeoutMillis) {
        this(client, endpoint, deadlineNanos, timeoutMillis, "snapshot deadline", false);
    }

    /**
     * @param deadlineNanos   when the call must be done ({@link System#nanoTime()} time)
     * @param timeoutMillis   the timeout that deadline comes from, for messages
     * @param deadlineName    what messages call the deadline ({@code snapshot deadline})
     * @param controlPictures whether control characters in the answer become their Unicode control pictures
     *                        ({@link #withControlPictures}) before it is parsed
     */
    ChannelHttpTransport(XmlRpcClient client, SupervisorEndpoint endpoint, long deadlineNanos, long timeoutMillis,
                         String deadlineName, boolean controlPictures) {
        super(client, USER_AGENT);
        this.deadlineName = deadlineName;
        this.endpoint = endpoint;
        this.deadlineNanos = deadlineNanos;
        this.timeoutMillis = timeoutMillis;
        this.controlPictures = controlPictures;
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
        headers.remove("Content-Length");
        headers.remove("Connection");
        byte[] request = ChannelHttpExchange.request("POST", endpoint.requestPath(), endpoint.hostHeader(), headers,
                bodyBytes);
        byte[] response = exchange(request);
        responseBody = controlPictures ? withControlPictures(response) : response;
    }

    /**
     * supervisord puts a process's output into its XML answers as it is, control characters included (ESC of terminal
     * colours, for one), and XML 1.0 allows none but tab, newline and carriage return: the answer is not well-formed.
     * Each such byte becomes the UTF-8 of its Unicode control picture, U+2400 + byte (ESC: U+241B), which the reader
     * of the text can turn back. The bytes are below 0x20 and so never part of a multi-byte UTF-8 sequence.
     */
    static byte[] withControlPictures(byte[] body) {
        int illegal = 0;
        for (byte b : body) {
            if (isIllegalControl(b)) {
                illegal++;
            }
        }
        if (illegal == 0) {
            return body;
        }
        byte[] out = new byte[body.length + 2 * illegal];
        int at = 0;
        for (byte b : body) {
            if (isIllegalControl(b)) {
                out[at++] = (byte) 0xE2;
                out[at++] = (byte) 0x90;
                out[at++] = (byte) (0x80 + b);
            } else {
                out[at++] = b;
            }
        }
        return out;
    }

    private static boolean isIllegalControl(byte b) {
        return b >= 0 && b < 0x20 && b != '\t' && b != '\n' && b != '\r';
    }

    /**
     * The library's response parser lets some malformed answers escape as a RuntimeException instead of its
     * XmlRpcException: a fault whose value is not a struct, or whose faultCode or faultString has another type, is a
     * ClassCastException. Such an answer is as malformed as the ones it reports, and fails the call the same way.
     */
    @Override
    protected Object readResponse(XmlRpcStreamRequestConfig config, InputStream body) throws XmlRpcException {
        try {
            return super.readResponse(config, body);
        } catch (RuntimeException e) {
            String message = "malformed XML-RPC answer from " + endpoint.display() + ": " + e;
            throw new XmlRpcException(message, new CallFailedException(message, e));
        }
    }

    /** Sends {@code request} (a whole HTTP request) and returns the response body. */
    byte[] exchange(byte[] request) throws CallFailedException {
        try {
            return new ChannelHttpExchange(endpoint, deadlineNanos, deadlineName + " " + timeoutMillis + " ms",
                    MAX_RESPONSE_BYTES).send(request);
        } catch (HttpExchangeException.Status e) {
            String hint = e.code() == 401 ? " (check the supervisor username and password)" : "";
            throw new CallFailedException(e.getMessage() + hint, e);
        } catch (IOException e) {
            throw new CallFailedException(e.getMessage(), e);
        }
    }
}
