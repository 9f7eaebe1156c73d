package io.supervisorkafka.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.supervisorkafka.schemas.CheckStatus;
import io.supervisorkafka.schemas.ListenerMetrics;
import io.supervisorkafka.schemas.ServiceCheck;
import io.supervisorkafka.schemas.SupervisorEvent;
import io.supervisorkafka.schemas.SupervisorSnapshot;
import io.supervisorkafka.schemas.Topics;
import io.supervisorkafka.schemas.cli.KafkaRefusal;
import io.supervisorkafka.schemas.cli.LeastPrivilege;
import io.supervisorkafka.schemas.cli.TrialSecurity;
import io.supervisorkafka.testkit.ChildProcess;
import io.supervisorkafka.testkit.SecureKafka;
import io.supervisorkafka.testkit.Supervisord;
import io.supervisorkafka.testkit.TopicCollector;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pipeline on a broker that requires what a shared production cluster requires ({@link SecureKafka}: SASL_SSL
 * with SCRAM-SHA-512, an authorizer that allows nothing without an ACL), each app with its own principal and exactly
 * the rights of {@link LeastPrivilege}: the built apps, the real supervisord, and what each wrong setting prints.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SecurityEndToEndTest {
    static final String SERVER = "secure-host";
    static final String APP = "secure-streams";
    static final Duration PATIENCE = Duration.ofSeconds(90);
    static final Pattern REFUSED_LINE = Pattern.compile("Kafka refused the credentials of User:listener");

    /** Kept when a test fails, with every process's log in it. */
    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    static Path dir;

    final Deque<AutoCloseable> started = new ArrayDeque<>();
    final Map<String, String> passwords = new HashMap<>();
    SecureKafka kafka;
    TopicCollector collector;
    Supervisord supervisord;
    Path listenerConfig;
    Path streamsConfig;
    Path readerConfig;

    @BeforeAll
    void startPipeline() throws Exception {
        kafka = track(SecureKafka.start(dir.resolve("kafka")));
        for (String user : List.of("listener", "streams", "reader")) {
            passwords.put(user, TrialSecurity.randomSecret());
            kafka.addUser(user, passwords.get(user));
        }
        kafka.allow(LeastPrivilege.listener("User:listener"));
        kafka.allow(LeastPrivilege.streams("User:streams", APP));
        kafka.allow(LeastPrivilege.reader("User:reader"));
        streamsConfig = kafka.writeClientProperties(dir.resolve("streams.properties"), "streams",
                passwords.get("streams"), Map.of());
        readerConfig = kafka.writeClientProperties(dir.resolve("reader.properties"), "reader",
                passwords.get("reader"), Map.of());
        listenerConfig = writeListenerConfig(passwords.get("listener"));

        track(Pipeline.startStreams(kafka.adminProperties(), kafka.bootstrapServers(), dir, APP, "--config",
                streamsConfig.toString(), "--punctuate-interval", "1s"));
        collector = track(new TopicCollector(kafka.adminProperties(),
                Stream.concat(Topics.INPUTS.stream(), Stream.of(Topics.LISTENER_METRICS, Topics.SERVICE_CHECKS))
                        .toList()));
        // debug: supervisord logs each event the listener acknowledged.
        supervisord = track(Supervisord.start(dir.resolve("supervisord"), "secure", null, null, "debug", """
                [program:steady]
                command=sleep infinity
                startsecs=1
                autorestart=true

                """ + Pipeline.listenerSection(kafka.bootstrapServers(), SERVER,
                "PROCESS_STATE,PROCESS_GROUP,SUPERVISOR_STATE_CHANGE,REMOTE_COMMUNICATION",
                "--config " + listenerConfig + " --snapshot-interval 2s")));
    }

    /** The listener's config file: its producer's security settings and a metrics record every second. */
    private Path writeListenerConfig(String password) throws IOException {
        return kafka.writeClientProperties(dir.resolve("listener.properties"), "listener", password,
                Map.of("listener.metrics.interval", "1s"));
    }

    private <T extends AutoCloseable> T track(T resource) {
        started.push(resource);
        return resource;
    }

    @AfterAll
    void stopAll() throws Exception {
        Exception first = null;
        while (!started.isEmpty()) {
            try {
                started.pop().close();
            } catch (Exception e) {
                first = first == null ? e : first;
            }
        }
        if (first != null) {
            throw first;
        }
    }

    @Test
    @Order(1)
    void eventsAndSnapshotsCrossSaslSslAndTheStreamsAppDerivesChecks() {
        await("events, a snapshot and steady's OK check, each app as its own principal").atMost(PATIENCE)
                .untilAsserted(() -> {
                    assertThat(collector.values(Topics.EVENTS, SupervisorEvent.class))
                            .anyMatch(e -> e.server().equals(SERVER) && e.eventName().startsWith("PROCESS_STATE"));
                    assertThat(collector.values(Topics.SNAPSHOTS, SupervisorSnapshot.class))
                            .anyMatch(s -> s.server().equals(SERVER) && s.error() == null);
                    assertThat(collector.values(Topics.SERVICE_CHECKS, ServiceCheck.PROCESS_STATUS + "|" + SERVER
                            + "/steady:steady", ServiceCheck.class)).last()
                            .satisfies(c -> assertThat(c.status()).isEqualTo(CheckStatus.OK));
                });
    }

    @Test
    @Order(2)
    void tailReadsTheChecksAsReaderAndIsToldWhichAclItLacksForAnInput() throws IOException {
        // The checks the previous test saw, steady's process.status check among them, in topic order: reading that many
        // from the beginning includes it, whichever checks came first.
        ChildProcess.Output checks = tail(Topics.SERVICE_CHECKS, collector.count(Topics.SERVICE_CHECKS));
        assertThat(checks.exitCode()).as(checks.text()).isZero();
        assertThat(checks.text()).contains("\"topic\":\"" + Topics.SERVICE_CHECKS + "\"")
                .contains(ServiceCheck.PROCESS_STATUS);

        ChildProcess.Output events = tail(Topics.EVENTS, 1);
        assertThat(events.exitCode()).as(events.text()).isEqualTo(1);
        assertThat(events.text()).contains("supervisor-kafka tail: Kafka denied User:reader Read on topic "
                + Topics.EVENTS + " (missing ACL; grant it with: kafka-acls.sh --add --allow-principal User:reader"
                + " --operation Read --topic " + Topics.EVENTS + ")");
        assertThat(events.text()).doesNotContain(passwords.get("reader"));
    }

    @Test
    @Order(2)
    void statusShowsTheFleetToTheReaderAndAWrongPasswordIsOneLineAndExitCode3() throws IOException {
        await("steady and the listener RUNNING, read by status as User:reader").atMost(PATIENCE).untilAsserted(() -> {
            ChildProcess.Output status = status(readerConfig);
            assertThat(status.exitCode()).as(status.text()).isZero();
            assertThat(status.text()).startsWith("SERVER ")
                    .containsPattern("(?m)^" + SERVER + " +steady:steady +RUNNING +OK +\\d+ ");
        });

        Path wrong = kafka.writeClientProperties(dir.resolve("reader-wrong.properties"), "reader", "not-the-password",
                Map.of());
        ChildProcess.Output refused = status(wrong);
        assertThat(refused.exitCode()).as(refused.text()).isEqualTo(3);
        assertThat(refused.text().lines().toList()).as("one line, no log").singleElement().asString()
                .startsWith("supervisor-kafka status: the Kafka brokers at " + kafka.bootstrapServers()
                        + " refused the credentials of User:reader: ");
    }

    private ChildProcess.Output status(Path config) throws IOException {
        return ChildProcess.run(new ProcessBuilder(Checkout.bin().toString(), "status", "--bootstrap-servers",
                kafka.bootstrapServers(), "--config", config.toString(), "--server", SERVER), Duration.ofMinutes(2));
    }

    private ChildProcess.Output tail(String topic, int records) throws IOException {
        return ChildProcess.run(new ProcessBuilder(Checkout.bin().toString(), "tail", "--bootstrap-servers",
                kafka.bootstrapServers(), "--config", readerConfig.toString(), "--from-beginning", "--max-records",
                Integer.toString(records), "--timeout", "60s", topic), Duration.ofMinutes(2));
    }

    @Test
    @Order(3)
    void theListenerPrincipalCannotWriteAnOutput() {
        Map<String, Object> props = new HashMap<>(kafka.clientProperties("listener", passwords.get("listener")));
        props.put("key.serializer", ByteArraySerializer.class.getName());
        props.put("value.serializer", ByteArraySerializer.class.getName());
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
            assertThatThrownBy(() -> producer.send(new ProducerRecord<>(Topics.PROCESS_STATUS,
                    "forged".getBytes(StandardCharsets.UTF_8))).get())
                    .isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOf(TopicAuthorizationException.class)
                    .satisfies(e -> assertThat(KafkaRefusal.explain(e, new KafkaRefusal.Access("User:listener",
                            topic -> "Write", null, null, null)).orElseThrow().message())
                            .startsWith("Kafka denied User:listener Write on topic " + Topics.PROCESS_STATUS));
        }
    }

    @Test
    @Order(4)
    void aMissingWriteAclIsOneLineNamingItAndNothingIsLostOnceGranted() throws Exception {
        AclBinding snapshots = LeastPrivilege.topic("User:listener", Topics.SNAPSHOTS, AclOperation.WRITE);
        long logStart = size(listenerLog());
        kafka.deny(List.of(snapshots));
        // A snapshot every 2 s: the next one is refused.
        await("the listener naming the ACL it lacks").atMost(PATIENCE).until(() -> since(listenerLog(), logStart)
                .contains("Kafka denied User:listener Write on topic " + Topics.SNAPSHOTS + " (missing ACL; grant it"
                        + " with: kafka-acls.sh --add --allow-principal User:listener --operation Write --topic "
                        + Topics.SNAPSHOTS + ")"));
        int eventsBefore = remoteEvents().size();
        supervisord.sendRemoteCommEvents(20);

        kafka.allow(List.of(snapshots));
        await("the 20 events acknowledged while the ACL was missing, in Kafka once it is back").atMost(PATIENCE)
                .until(() -> remoteEvents().size() >= eventsBefore + 20);
        await("snapshots flowing again").atMost(PATIENCE).until(() -> collector.values(Topics.SNAPSHOTS,
                SupervisorSnapshot.class).stream().anyMatch(s -> s.observedAt() > System.currentTimeMillis() - 5_000));
    }

    @Test
    @Order(5)
    void aWrongPasswordKeepsAcknowledgingIntoTheSpoolAndEverythingShipsOnceItIsRight() throws Exception {
        String wrong = "wrong-" + TrialSecurity.randomSecret();
        long logStart = size(listenerLog());
        writeListenerConfig(wrong);
        supervisord.ctl("restart", "kafka");
        long refusedAt = System.nanoTime();
        await("the listener saying Kafka refused its credentials").atMost(PATIENCE)
                .until(() -> REFUSED_LINE.matcher(since(listenerLog(), logStart)).find());

        long processed = supervisord.eventsProcessed("kafka");
        int remoteBefore = remoteEvents().size();
        supervisord.sendRemoteCommEvents(50);
        await("supervisord seeing all 50 events acknowledged").atMost(PATIENCE)
                .until(() -> supervisord.eventsProcessed("kafka") >= processed + 50);
        // Acknowledged, spooled, and not in Kafka: the broker does not know this password.
        assertThat(remoteEvents()).hasSize(remoteBefore);
        assertThat(supervisord.status()).containsEntry("kafka:kafka", "RUNNING");

        String wrongPhase = since(listenerLog(), logStart);
        long minutes = Duration.ofNanos(System.nanoTime() - refusedAt).toMinutes();
        assertThat(count(REFUSED_LINE, wrongPhase)).as(wrongPhase).isBetween(1L, 2 + minutes);
        assertThat(wrongPhase).doesNotContain(wrong).doesNotContain(passwords.get("listener"));
        System.err.printf("listener stderr while Kafka refused its password (%d s):%n%s%n",
                Duration.ofNanos(System.nanoTime() - refusedAt).toSeconds(), wrongPhase);

        writeListenerConfig(passwords.get("listener"));
        supervisord.ctl("restart", "kafka");
        await("all 50 events in Kafka once the password is right").atMost(PATIENCE).untilAsserted(() ->
                assertThat(remoteEvents().stream().skip(remoteBefore).map(SupervisorEvent::data)
                        .collect(Collectors.toSet()))
                        .containsAll(IntStream.range(0, 50).mapToObj(i -> "event " + i).toList()));
        await("the wrong-password listener's counters, shipped from its spool").atMost(PATIENCE).untilAsserted(() ->
                assertThat(collector.values(Topics.LISTENER_METRICS, ListenerMetrics.class))
                        .anySatisfy(m -> {
                            assertThat(m.sources().getOrDefault("kafka.authentication_failures", 0L)).isPositive();
                            assertThat(m.eventsAcknowledged()).isGreaterThanOrEqualTo(50);
                        }));
        assertThat(Files.readString(listenerLog())).doesNotContain(wrong).doesNotContain(passwords.get("listener"));
    }

    @Test
    @Order(6)
    void theStreamsAppWithoutItsTransactionalIdAclStopsNamingIt() throws Exception {
        String app = "notx-app";
        List<AclBinding> acls = LeastPrivilege.streams("User:streams", app).stream()
                .filter(acl -> !acl.equals(LeastPrivilege.transactionalIds("User:streams", app))).toList();
        kafka.allow(acls);
        Path log = dir.resolve("notx-streams.log");
        try (ChildProcess streams = ChildProcess.start("notx-streams", new ProcessBuilder(
                Checkout.bin().toString(), "streams", "--bootstrap-servers", kafka.bootstrapServers(), "--config",
                streamsConfig.toString(), "--application-id", app, "--state-dir", dir.resolve("notx-state")
                .toString(), "--partitions", "1", "--replication-factor", "1"), log)) {
            await("the Streams app stopping on its own rather than retrying").atMost(PATIENCE)
                    .until(() -> !streams.isAlive());
            assertThat(streams.process().exitValue()).isEqualTo(1);
        }
        assertThat(Files.readString(log)).contains("Kafka denied User:streams Write on the transactional ids prefixed "
                + app + " (missing ACL; grant it with: kafka-acls.sh --add --allow-principal User:streams --operation"
                + " Write --transactional-id " + app + " --resource-pattern-type prefixed)")
                .doesNotContain(passwords.get("streams"));
    }

    private List<SupervisorEvent> remoteEvents() {
        return collector.values(Topics.EVENTS, SupervisorEvent.class).stream()
                .filter(e -> e.server().equals(SERVER) && e.eventName().equals("REMOTE_COMMUNICATION")).toList();
    }

    private Path listenerLog() {
        return dir.resolve("supervisord").resolve("listener.log");
    }

    private static long size(Path file) throws IOException {
        return Files.exists(file) ? Files.size(file) : 0;
    }

    private static String since(Path file, long offset) throws IOException {
        byte[] bytes = Files.exists(file) ? Files.readAllBytes(file) : new byte[0];
        return new String(bytes, (int) Math.min(offset, bytes.length), (int) Math.max(0, bytes.length - offset),
                StandardCharsets.UTF_8);
    }

    private static long count(Pattern pattern, String text) {
        Matcher matcher = pattern.matcher(text);
        long found = 0;
        while (matcher.find()) {
            found++;
        }
        return found;
    }
}
