package io.supervisorkafka.listener.supervisor.xmlrpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.supervisorkafka.listener.ServerIdentity;
import io.supervisorkafka.testkit.SchemaValidator;
import io.supervisorkafka.schemas.SupervisorSnapshot;
import io.supervisorkafka.schemas.Topics;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A hostile XML-RPC server in place of supervisord: serialized Java objects in a fault (the CVE-2019-17570 shape) and
 * in an {@code ex:serializable} value, faults of the wrong shape, and a response of tens of megabytes. The snapshot
 * must fail cleanly with a message, deserialize nothing and stay within its deadline. Stalling servers are covered in
 * SnapshotCollectorTest.
 */
class HostileXmlRpcServerTest {

    /** Records every deserialization of itself: the test fails if any happens. */
    static final class DeserializationCanary implements Serializable {
        private static final long serialVersionUID = 1L;
        static final AtomicInteger DESERIALIZED = new AtomicInteger();

        private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
            DESERIALIZED.incrementAndGet();
            in.defaultReadObject();
        }
    }

    private ServerSocket server;
    private Thread acceptor;

    @BeforeEach
    void resetCanary() {
        DeserializationCanary.DESERIALIZED.set(0);
    }

    @AfterEach
    void stopServer() throws Exception {
        if (server != null) {
            server.close();
            acceptor.join(5000);
        }
    }

    @Test
    void aFaultCarryingASerializedCauseDeserializesNothing() throws Exception {
        String fault = """
                <?xml version="1.0"?>
                <methodResponse><fault><value><struct>
                <member><name>faultCode</name><value><int>1</int></value></member>
                <member><name>faultString</name><value><string>boom</string></value></member>
                <member><name>faultCause</name><value><base64>%s</base64></value></member>
                </struct></value></fault></methodResponse>
                """.formatted(serializedCanary());
        SupervisorSnapshot snapshot = snapshotFrom(fault.getBytes(StandardCharsets.UTF_8));

        assertThat(snapshot.ok()).isFalse();
        assertThat(snapshot.error()).contains("supervisor.getState");
        assertThat(DeserializationCanary.DESERIALIZED).hasValue(0);
        SchemaValidator.assertValid(Topics.SNAPSHOTS, snapshot);
    }

    @Test
    void anExtensionSerializableValueDeserializesNothing() throws Exception {
        String response = """
                <?xml version="1.0"?>
                <methodResponse xmlns:ex="http://ws.apache.org/xmlrpc/namespaces/extensions">
                <params><param><value><ex:serializable>%s</ex:serializable></value></param></params>
                </methodResponse>
                """.formatted(serializedCanary());
        SupervisorSnapshot snapshot = snapshotFrom(response.getBytes(StandardCharsets.UTF_8));

        assertThat(snapshot.ok()).isFalse();
        assertThat(snapshot.error()).isNotBlank();
        assertThat(DeserializationCanary.DESERIALIZED).hasValue(0);
        SchemaValidator.assertValid(Topics.SNAPSHOTS, snapshot);
    }

    /** Faults the library's parser let escape as a ClassCastException (the first one found by the fuzz test). */
    @ParameterizedTest
    @ValueSource(strings = {
            "<base64>%s</base64>",
            "<string>boom</string>",
            "<struct><member><name>faultCode</name><value><string>1</string></value></member></struct>",
            "<struct><member><name>faultCode</name><value><int>1</int></value></member>"
                    + "<member><name>faultString</name><value><int>2</int></value></member></struct>"})
    void aFaultOfTheWrongShapeIsAMalformedAnswer(String faultValue) throws Exception {
        String fault = """
                <?xml version="1.0"?>
                <methodResponse><fault><value>%s</value></fault></methodResponse>
                """.formatted(faultValue.formatted(serializedCanary()));
        SupervisorSnapshot snapshot = snapshotFrom(fault.getBytes(StandardCharsets.UTF_8));

        assertThat(snapshot.ok()).isFalse();
        assertThat(snapshot.error()).startsWith("supervisor.getState: malformed XML-RPC answer from http://127.0.0.1:"
                + server.getLocalPort() + "/RPC2: java.lang.ClassCastException");
        assertThat(DeserializationCanary.DESERIALIZED).hasValue(0);
        SchemaValidator.assertValid(Topics.SNAPSHOTS, snapshot);
    }

    @Test
    void aResponseOfTensOfMegabytesIsRefusedNotBuffered() throws Exception {
        byte[] huge = new byte[40 * 1024 * 1024];
        java.util.Arrays.fill(huge, (byte) ' ');
        long started = System.nanoTime();
        SupervisorSnapshot snapshot = snapshotFrom(huge);

        assertThat(snapshot.ok()).isFalse();
        assertThat(snapshot.error()).contains("bytes");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
        SchemaValidator.assertValid(Topics.SNAPSHOTS, snapshot);
    }

    /** Serves {@code body} as the answer to every request, then closes the connection. */
    private SupervisorSnapshot snapshotFrom(byte[] body) throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        acceptor = new Thread(() -> {
            while (!server.isClosed()) {
                try (Socket socket = server.accept()) {
                    readRequest(socket.getInputStream());
                    OutputStream out = socket.getOutputStream();
                    out.write(("HTTP/1.0 200 OK\r\nContent-Type: text/xml\r\nContent-Length: " + body.length
                            + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.write(body);
                    out.flush();
                } catch (IOException e) {
                    // the client gave up on us, or the test closed the server
                }
            }
        }, "hostile-xmlrpc-server");
        acceptor.setDaemon(true);
        acceptor.start();

        SupervisorEndpoint endpoint = SupervisorEndpoint.parse("http://127.0.0.1:" + server.getLocalPort()).endpoint();
        SnapshotCollector collector = new SnapshotCollector(new SupervisorSourceConfig(endpoint, null,
                Duration.ofSeconds(30), Duration.ofSeconds(5), Duration.ZERO), new ServerIdentity("web-1", false), snapshot -> { },
                Clock.systemUTC());
        try {
            return collector.collect();
        } finally {
            collector.close();
        }
    }

    private static void readRequest(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                return;
            }
            head.append((char) b);
        }
        String lower = head.toString().toLowerCase(java.util.Locale.ROOT);
        int at = lower.indexOf("content-length:");
        if (at >= 0) {
            int length = Integer.parseInt(lower.substring(at + 15, lower.indexOf("\r\n", at)).trim());
            in.readNBytes(length);
        }
    }

    private static String serializedCanary() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(new DeserializationCanary());
        }
        return Base64.getEncoder().encodeToString(bytes.toByteArray());
    }
}
