package io.supervisorkafka.listener.supervisor.xmlrpc;

import java.net.MalformedURLException;
import java.net.URI;
import java.util.function.Function;
import org.apache.xmlrpc.XmlRpcException;
import org.apache.xmlrpc.client.XmlRpcClient;
import org.apache.xmlrpc.client.XmlRpcClientConfigImpl;
import org.apache.xmlrpc.client.XmlRpcTransport;

/**
 * Calls supervisord's XML-RPC interface through {@link ChannelHttpTransport}, each call bounded by a deadline.
 * Used by one thread at a time (the snapshot collector, the exit context collector).
 */
final class SupervisorRpcClient {
    private final XmlRpcClient client;
    private final SupervisorEndpoint endpoint;
    private final String deadlineName;
    private long deadlineNanos;

    SupervisorRpcClient(SupervisorEndpoint endpoint, Credentials credentials, long timeoutMillis) {
        this(endpoint, credentials, timeoutMillis, null, "snapshot deadline", false);
    }

    /**
     * With another transport than the socket one: the fuzz test feeds this client's parser and type handling
     * answers without a socket per input. {@code transport} null: {@link ChannelHttpTransport}.
     */
    SupervisorRpcClient(SupervisorEndpoint endpoint, Credentials credentials, long timeoutMillis,
                        Function<XmlRpcClient, XmlRpcTransport> transport) {
        this(endpoint, credentials, timeoutMillis, transport, "snapshot deadline", false);
    }

    /**
     * @param deadlineName    what error messages call the deadline ({@code snapshot deadline})
     * @param controlPictures whether answers may carry a process's raw output: control characters then become
     *                        their Unicode control pictures before the XML is parsed (see
     *                        {@link ChannelHttpTransport#withControlPictures})
     */
    SupervisorRpcClient(SupervisorEndpoint endpoint, Credentials credentials, long timeoutMillis,
                        Function<XmlRpcClient, XmlRpcTransport> transport, String deadlineName,
                        boolean controlPictures) {
        this.endpoint = endpoint;
        this.deadlineName = deadlineName;
        XmlRpcClientConfigImpl config = new XmlRpcClientConfigImpl();
        try {
            // The transport talks to the endpoint itself; the URL only satisfies the library and never has credentials.
            config.setServerURL(URI.create(endpoint instanceof SupervisorEndpoint.Http http
                    ? http.display() : "http://localhost" + SupervisorEndpoint.RPC_PATH).toURL());
        } catch (MalformedURLException e) {
            throw new IllegalArgumentException("supervisor endpoint is not a valid URL", e);
        }
        // No Apache extensions: they would let a server send serialized Java objects and other non-standard types.
        config.setEnabledForExtensions(false);
        config.setContentLengthOptional(false);
        int timeout = (int) Math.min(Integer.MAX_VALUE, timeoutMillis);
        config.setConnectionTimeout(timeout);
        config.setReplyTimeout(timeout);
        if (credentials != null) {
            config.setBasicUserName(credentials.username());
            config.setBasicPassword(credentials.password());
        }
        client = new XmlRpcClient();
        client.setConfig(config);
        client.setTransportFactory(transport != null ? () -> transport.apply(client)
                : () -> new ChannelHttpTransport(client, endpoint, deadlineNanos, timeoutMillis, deadlineName,
                        controlPictures));
    }

    /**
     * Calls {@code method}; connect, request and the whole response must be done by {@code deadlineNanos}. A failure's
     * message names the method, then what went wrong as precisely as known ({@link #rootMessage}).
     */
    Object call(String method, long deadlineNanos, Object... params) throws XmlRpcException {
        try {
            if (deadlineNanos - System.nanoTime() <= 0) {
                throw new XmlRpcException("no time left for " + method + " within the " + deadlineName,
                        new ChannelHttpTransport.CallFailedException("timed out before calling " + method + " ("
                                + endpoint.display() + ")"));
            }
            this.deadlineNanos = deadlineNanos;
            return client.execute(method, params);
        } catch (XmlRpcException e) {
            throw new XmlRpcException(e.code, method + ": " + rootMessage(e), e);
        }
    }

    /** The error text of a failed call: what failed and why, never credentials. */
    static String describe(Exception e, Credentials credentials) {
        String message = e instanceof XmlRpcException ? e.getMessage() : rootMessage(e);
        if (e instanceof XmlRpcException x && x.code != 0 && !message.contains("fault")) {
            message = message + " (fault " + x.code + ")";
        }
        return credentials == null ? message : credentials.scrub(message);
    }

    /** Our own transport's message when there is one: it is precise and names the endpoint without credentials. */
    private static String rootMessage(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ChannelHttpTransport.CallFailedException) {
                return t.getMessage();
            }
        }
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage();
        return message == null || message.isBlank() ? root.getClass().getSimpleName() : message;
    }
}
