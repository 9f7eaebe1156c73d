package io.supervisorkafka.listener.supervisor.xmlrpc;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.supervisorkafka.listener.ServerIdentity;
import io.supervisorkafka.testkit.SchemaValidator;
import io.supervisorkafka.schemas.SupervisorSnapshot;
import io.supervisorkafka.schemas.Topics;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputFilter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.apache.xmlrpc.XmlRpcException;
import org.apache.xmlrpc.XmlRpcRequest;
import org.apache.xmlrpc.client.XmlRpcClient;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Coverage-guided fuzzing (Jazzer) of what the listener does with supervisord's XML-RPC answers: the snapshot
 * client's parser and type handling (Apache XML-RPC, extensions off) and the mapping to a {@link SupervisorSnapshot}.
 * Whatever bytes an answer holds, a snapshot comes out, or an XmlRpcException or IllegalStateException that
 * {@link SnapshotCollector#collect()} records as the snapshot's error; any other exception is a bug. No Java object
 * is ever deserialized, and a successful snapshot is valid against the topic's JSON Schema.
 *
 * <p>The first input byte picks which of the five calls of a snapshot gets the rest of the input as its response
 * body; the other calls get supervisord 4.2.5's recorded answers (test resources {@code supervisord-4.2.5-xmlrpc}).
 * The bodies reach the parser through {@link ChannelHttpTransport} itself, its socket exchange replaced by one that
 * hands back bytes; its HTTP head handling is tested against hostile servers in {@link HostileXmlRpcServerTest} and
 * {@link SnapshotCollectorTest}. Seeds: the recorded answers, a fault, and hostile answers (a serialized fault cause,
 * an {@code ex:serializable} value, external and nested entities); crashing inputs found are kept beside them and
 * replayed on every run.
 */
class SupervisordAnswerFuzzTest {
    private static final List<String> CALLS = List.of("supervisor.getState", "supervisor.getIdentification",
            "supervisor.getSupervisorVersion", "supervisor.getPID", "supervisor.getAllProcessInfo");
    private static final Map<String, byte[]> RECORDED = recordedAnswers();
    private static final SupervisorEndpoint ENDPOINT =
            SupervisorEndpoint.parse("unix:///run/supervisor.sock").endpoint();
    private static final SupervisorSourceConfig CONFIG = new SupervisorSourceConfig(ENDPOINT, null,
            Duration.ofSeconds(30), Duration.ofSeconds(5), Duration.ZERO);
    private static final AtomicInteger DESERIALIZATIONS = new AtomicInteger();

    @BeforeAll
    static void countEveryDeserialization() {
        // This JVM runs this class alone: every ObjectInputStream in it is counted here, and refused.
        ObjectInputFilter.Config.setSerialFilter(info -> {
            DESERIALIZATIONS.incrementAndGet();
            return ObjectInputFilter.Status.REJECTED;
        });
    }

    @FuzzTest(maxDuration = "15s")
    @DictionaryEntries({"<methodResponse>", "</methodResponse>", "<params>", "<param>", "<value>", "</value>",
            "<struct>", "<member>", "<name>", "<array>", "<data>", "<string>", "<int>", "<i4>", "<i8>", "<boolean>",
            "<double>", "<base64>", "<dateTime.iso8601>", "<nil/>", "<fault>", "faultCode", "faultString",
            "ex:serializable", "<!DOCTYPE", "<!ENTITY", "statename", "statecode", "spawnerr", "exitstatus"})
    void anyAnswerIsASnapshotOrARecordedError(byte[] input) {
        if (input.length == 0) {
            return;
        }
        String fuzzedCall = CALLS.get(Byte.toUnsignedInt(input[0]) % CALLS.size());
        byte[] body = Arrays.copyOfRange(input, 1, input.length);
        try {
            SupervisorSnapshot snapshot = query(call -> call.equals(fuzzedCall) ? body : RECORDED.get(call));
            assertThat(snapshot.ok()).isTrue();
            SchemaValidator.assertValid(Topics.SNAPSHOTS, snapshot);
        } catch (XmlRpcException | IllegalStateException recordedAsTheSnapshotsError) {
            assertThat(recordedAsTheSnapshotsError.getMessage()).isNotBlank();
        }
        assertThat(DESERIALIZATIONS).hasValue(0);
    }

    @Test
    void theRecordedAnswersMakeASnapshot() throws XmlRpcException {
        SupervisorSnapshot snapshot = query(RECORDED::get);
        assertThat(snapshot.identification()).isEqualTo("web-1");
        assertThat(snapshot.processes()).extracting(SupervisorSnapshot.ProcessInfo::name)
                .containsExactly("crasher", "sleeper");
    }

    @Test
    void anExternalEntityIsNeverRead() {
        byte[] answer = """
                <?xml version="1.0"?>
                <!DOCTYPE methodResponse [<!ENTITY leak SYSTEM "file:///etc/hostname">]>
                <methodResponse><params><param><value><string>&leak;</string></value></param></params></methodResponse>
                """.getBytes(StandardCharsets.UTF_8);
        String identification;
        try {
            identification = query(call -> call.equals("supervisor.getIdentification") ? answer : RECORDED.get(call))
                    .identification();
        } catch (XmlRpcException | IllegalStateException refused) {
            identification = null;
        }
        assertThat(identification).isNull();
    }

    /** One snapshot's calls and mapping, each call answered with {@code answers.apply(method)}. */
    private static SupervisorSnapshot query(Function<String, byte[]> answers) throws XmlRpcException {
        SupervisorRpcClient rpc = new SupervisorRpcClient(ENDPOINT, null, 5_000,
                client -> new AnswerTransport(client, answers));
        SnapshotCollector collector = new SnapshotCollector(CONFIG, new ServerIdentity("web-1", false),
                snapshot -> { }, Clock.systemUTC(), rpc);
        long started = System.nanoTime();
        return collector.query(0, started, started + TimeUnit.SECONDS.toNanos(5));
    }

    /** {@link ChannelHttpTransport} with its socket exchange replaced: each call's response body is handed back. */
    private static final class AnswerTransport extends ChannelHttpTransport {
        private final Function<String, byte[]> answers;
        private byte[] answer;

        AnswerTransport(XmlRpcClient client, Function<String, byte[]> answers) {
            // No socket, so no deadline to keep.
            super(client, ENDPOINT, Long.MAX_VALUE, 5_000);
            this.answers = answers;
        }

        @Override
        public Object sendRequest(XmlRpcRequest request) throws XmlRpcException {
            answer = answers.apply(request.getMethodName());
            return super.sendRequest(request);
        }

        @Override
        byte[] exchange(byte[] request) {
            return answer;
        }
    }

    private static Map<String, byte[]> recordedAnswers() {
        Map<String, byte[]> answers = new LinkedHashMap<>();
        for (String call : CALLS) {
            try (InputStream in = SupervisordAnswerFuzzTest.class
                    .getResourceAsStream("/supervisord-4.2.5-xmlrpc/" + call + ".xml")) {
                answers.put(call, in.readAllBytes());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return answers;
    }
}
