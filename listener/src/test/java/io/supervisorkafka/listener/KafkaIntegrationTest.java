package io.supervisorkafka.listener;

import static io.supervisorkafka.listener.testing.TestEvents.acknowledgements;
import static io.supervisorkafka.listener.testing.TestEvents.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.supervisorkafka.listener.testing.ListenerProcess;
import io.supervisorkafka.listener.testing.Supervisord;
import io.supervisorkafka.listener.testing.TestEvents;
import io.supervisorkafka.schemas.Json;
import io.supervisorkafka.schemas.SchemaValidator;
import io.supervisorkafka.schemas.SupervisorEvent;
import io.supervisorkafka.schemas.SupervisorSnapshot;
import io.supervisorkafka.schemas.Topics;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import io.supervisorkafka.schemas.SingleNodeKafka;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The listener against a real single-node KRaft broker. Each test uses its own server id, the records' key. */
class KafkaIntegrationTest {
    private static final String INSTANCE = "4242-1700000000000";

    private static KafkaClusterTestKit cluster;

    @TempDir
    Path dir;

    private final List<AutoCloseable> toClose = new ArrayList<>();
    private final ExecutorService executor = Executors.newSingleThreadExecutor();

    @BeforeAll
    static void startKafka() throws Exception {
        cluster = SingleNodeKafka.start(Map.of("auto.create.topics.enable", "false"));
        try (Admin admin = cluster.admin()) {
            admin.createTopics(List.of(new NewTopic(Topics.EVENTS, 1, (short) 1),
                    new NewTopic(Topics.SNAPSHOTS, 1, (short) 1))).all().get(60, TimeUnit.SECONDS);
        }
    }

    @AfterAll
    static void stopKafka() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    @AfterEach
    void closeAll() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
        executor.shutdownNow();
        assertThat(executor.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
    }

    private ListenerConfig config(String serverId, String bootstrap, Path spoolDir, String supervisorUrl,
                                  String snapshotInterval) throws IOException {
        Path file = dir.resolve(serverId + ".properties");
        Files.writeString(file, "listener.shutdown.grace=2s\nlinger.ms=1\n");
        Map<String, String> env = new HashMap<>();
        return ConfigLoader.load(new ConfigLoader.Flags(bootstrap, file, serverId, false, supervisorUrl,
                snapshotInterval, "5s", spoolDir, "64m", null, "50ms"), env, "unused-host");
    }

    private Listener listener(ListenerConfig config) {
        Listener listener = new Listener(config, INSTANCE, Clock.systemUTC(),
                () -> new KafkaProducer<>(config.producerProperties()));
        toClose.add(listener);
        return listener;
    }

    /** Every record of a topic with this key, from the beginning. */
    private static List<ConsumerRecord<byte[], byte[]>> records(String topic, String key) {
        Properties props = new Properties();
        props.put("bootstrap.servers", cluster.bootstrapServers());
        props.put("key.deserializer", ByteArrayDeserializer.class.getName());
        props.put("value.deserializer", ByteArrayDeserializer.class.getName());
        List<ConsumerRecord<byte[], byte[]>> found = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
            TopicPartition partition = new TopicPartition(topic, 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            long end = consumer.endOffsets(List.of(partition)).get(partition);
            while (consumer.position(partition) < end) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    if (key.equals(new String(record.key(), StandardCharsets.UTF_8))) {
                        found.add(record);
                    }
                }
            }
        }
        return found;
    }

    private static List<SupervisorEvent> events(String key) {
        return records(Topics.EVENTS, key).stream().map(record -> {
            SchemaValidator.assertValid(Topics.EVENTS, record.value());
            SupervisorEvent event = read(record.value(), SupervisorEvent.class);
            assertThat(record.timestamp()).isEqualTo(event.observedAt());
            return event;
        }).toList();
    }

    private static List<SupervisorSnapshot> snapshots(String key) {
        return records(Topics.SNAPSHOTS, key).stream().map(record -> {
            SchemaValidator.assertValid(Topics.SNAPSHOTS, record.value());
            SupervisorSnapshot snapshot = read(record.value(), SupervisorSnapshot.class);
            assertThat(record.timestamp()).isEqualTo(snapshot.observedAt());
            return snapshot;
        }).toList();
    }

    private static <T> T read(byte[] json, Class<T> type) {
        try {
            return Json.MAPPER.readValue(json, type);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** stdout of the in-process loop, readable while it runs. */
    private static final class ProtocolOutput extends ByteArrayOutputStream {
        synchronized String text() {
            return toString(StandardCharsets.UTF_8);
        }
    }

    @Test
    void coreLoopAcknowledgesEachEventAndPublishesSchemaValidEventsAndSnapshots() throws Exception {
        Supervisord supervisord = Supervisord.start(dir, "itest-ident", null, null,
                "[program:sleeper]\ncommand=/bin/sleep 1000\nstartsecs=0\n");
        toClose.add(supervisord);
        Listener listener = listener(config("itest-1", cluster.bootstrapServers(), dir.resolve("spool"),
                supervisord.unixUrl(), "1s"));

        List<byte[]> input = new ArrayList<>();
        List<TestEvents.CapturedEvent> capture = TestEvents.referenceCapture().subList(0, 12);
        capture.forEach(e -> input.add(e.wire()));
        String log = "processname:web groupname:web pid:9\nGET /é 200 😀 日本\nsecond line\n";
        String comm = "processname:web groupname:web pid:9\n<payload>𝄞</payload>";
        input.add(event("web-1", 100, "PROCESS_LOG_STDOUT", log));
        input.add(event("web-1", 101, "PROCESS_COMMUNICATION_STDERR", comm));
        input.add(event("web-1", 102, "REMOTE_COMMUNICATION", "type:deploy\nv2 rolled out"));
        input.add(event("web-1", 103, "SUPERVISOR_STATE_CHANGE_RUNNING", ""));
        input.add(event("web-1", 104, "PROCESS_GROUP_ADDED", "groupname:web\n"));
        input.add(event("web-1", 105, "SOME_FUTURE_EVENT", "answer:42"));

        PipedOutputStream stdinWriter = new PipedOutputStream();
        PipedInputStream stdin = new PipedInputStream(stdinWriter, 64 * 1024);
        ProtocolOutput stdout = new ProtocolOutput();
        Future<Integer> run = executor.submit(() -> listener.run(stdin, stdout));

        await().atMost(Duration.ofSeconds(10)).until(() -> stdout.text().equals("READY\n"));
        for (int i = 0; i < input.size(); i++) {
            stdinWriter.write(input.get(i));
            stdinWriter.flush();
            String expected = acknowledgements(i + 1);
            await().atMost(Duration.ofSeconds(10)).until(() -> stdout.text().equals(expected));
        }
        stdinWriter.close();
        assertThat(run.get(30, TimeUnit.SECONDS)).isEqualTo(Listener.EXIT_OK);
        assertThat(stdout.text()).isEqualTo(acknowledgements(input.size()));

        List<SupervisorEvent> events = await().atMost(Duration.ofSeconds(60))
                .until(() -> events("itest-1"), list -> list.size() == input.size());
        assertThat(events).extracting(SupervisorEvent::serial).containsExactly(
                0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L, 100L, 101L, 102L, 103L, 104L, 105L);
        assertThat(events).allSatisfy(e -> {
            assertThat(e.server()).isEqualTo("itest-1");
            assertThat(e.instance()).isEqualTo(INSTANCE);
            assertThat(e.identification()).isEqualTo("web-1");
        });
        Map<String, SupervisorEvent> byName = events.stream()
                .collect(Collectors.toMap(SupervisorEvent::eventName, e -> e, (a, b) -> b));
        assertThat(byName.get("PROCESS_STATE_FATAL").fields()).containsEntry("processname", "crasher");
        assertThat(byName.get("PROCESS_LOG_STDOUT").data()).isEqualTo("GET /é 200 😀 日本\nsecond line\n");
        assertThat(byName.get("PROCESS_COMMUNICATION_STDERR").data()).isEqualTo("<payload>𝄞</payload>");
        assertThat(byName.get("REMOTE_COMMUNICATION").data()).isEqualTo("v2 rolled out");
        assertThat(byName.get("SUPERVISOR_STATE_CHANGE_RUNNING").fields()).isEmpty();
        assertThat(byName.get("PROCESS_GROUP_ADDED").data()).isNull();
        assertThat(byName.get("SOME_FUTURE_EVENT").fields()).containsEntry("answer", "42");

        List<SupervisorSnapshot> snapshots = await().atMost(Duration.ofSeconds(60))
                .until(() -> snapshots("itest-1"), list -> list.stream().anyMatch(SupervisorSnapshot::ok));
        SupervisorSnapshot snapshot = snapshots.stream().filter(SupervisorSnapshot::ok).findFirst().orElseThrow();
        assertThat(snapshot.identification()).isEqualTo("itest-ident");
        assertThat(snapshot.supervisor().pid()).isEqualTo(supervisord.pid());
        assertThat(snapshot.processes()).extracting(SupervisorSnapshot.ProcessInfo::name).contains("sleeper");

        await().atMost(Duration.ofSeconds(30)).until(listener::caughtUp);
        assertThat(listener.stats().acknowledged()).isEqualTo(input.size());
    }

    @Test
    void eventsAreAcknowledgedWhileKafkaIsUnreachableAndDeliveredOnceItIsThere() throws Exception {
        String unreachable;
        try (ServerSocket probe = new ServerSocket(0)) {
            unreachable = "127.0.0.1:" + probe.getLocalPort();
        }
        Path spool = dir.resolve("spool");
        int count = 40;
        List<byte[]> input = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            input.add(event("web-1", i, i % 2 == 0 ? "PROCESS_STATE_RUNNING" : "PROCESS_LOG_STDERR",
                    "processname:w groupname:w pid:1\nnon-ASCII ümlaut " + i + " 😀"));
        }

        // Broker unreachable: every event is still acknowledged, from the spool alone.
        Listener offline = listener(config("outage-1", unreachable, spool, null, "0s"));
        ByteArrayOutputStream offlineOut = new ByteArrayOutputStream();
        int exit = offline.run(new ByteArrayInputStream(TestEvents.concat(input)), offlineOut);
        assertThat(exit).isEqualTo(Listener.EXIT_OK);
        assertThat(offlineOut.toString(StandardCharsets.UTF_8)).isEqualTo(acknowledgements(count));
        offline.close();
        assertThat(offline.stats().shipped()).isZero();
        assertThat(offline.stats().spool().unshipped()).isEqualTo(count);
        assertThat(events("outage-1")).isEmpty();

        // The next start, with the broker there, replays the spool: nothing was lost.
        Listener online = listener(config("outage-1", cluster.bootstrapServers(), spool, null, "0s"));
        ByteArrayOutputStream onlineOut = new ByteArrayOutputStream();
        assertThat(online.run(new ByteArrayInputStream(new byte[0]), onlineOut)).isEqualTo(Listener.EXIT_OK);
        assertThat(onlineOut.toString(StandardCharsets.UTF_8)).isEqualTo("READY\n");
        List<SupervisorEvent> delivered = await().atMost(Duration.ofSeconds(60))
                .until(() -> events("outage-1"), list -> list.size() >= count);
        assertThat(delivered).extracting(SupervisorEvent::serial)
                .containsExactlyElementsOf(java.util.stream.LongStream.range(0, count).boxed().toList());
        await().atMost(Duration.ofSeconds(30)).until(() -> online.caughtUp()
                && online.stats().spool().unshipped() == 0);
    }

    @Test
    void supervisordRunsTheListenerAsItsEventListener() throws Exception {
        Path spool = dir.resolve("e2e-spool");
        Path listenerLog = dir.resolve("listener.err");
        String command = String.join(" ", ListenerProcess.command(List.of(
                "--bootstrap-servers", cluster.bootstrapServers(), "--server-id", "e2e-1",
                "--spool-dir", spool.toString(), "--snapshot-interval", "2s", "--fsync-interval", "50ms")));
        // PROCESS_LOG for the first line, PROCESS_COMMUNICATION for the text between the capture tokens.
        String talker = "printf 'h\\303\\251llo \\360\\237\\230\\200 w\\303\\266rld\\n';"
                + " printf '<!--XSUPERVISOR:BEGIN-->comm \\346\\227\\245\\346\\234\\254 \\360\\237\\230\\200"
                + "<!--XSUPERVISOR:END-->'; exec sleep 1000";
        Supervisord supervisord = Supervisord.start(dir, "e2e-ident", null, null, """
                [eventlistener:kafka]
                command=%s
                events=PROCESS_STATE,PROCESS_LOG,PROCESS_COMMUNICATION,SUPERVISOR_STATE_CHANGE,PROCESS_GROUP,TICK_5
                buffer_size=1000
                autorestart=true
                stderr_logfile=%s

                [program:talker]
                command=/bin/sh -c "%s"
                startsecs=0
                stdout_events_enabled=true
                stdout_capture_maxbytes=1MB
                """.formatted(command, listenerLog, talker));
        toClose.add(supervisord);

        List<SupervisorEvent> events = await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1))
                .until(() -> events("e2e-1"), list -> list.stream().anyMatch(e ->
                        e.eventName().equals("PROCESS_COMMUNICATION_STDOUT"))
                        && list.stream().anyMatch(e -> e.eventName().equals("PROCESS_LOG_STDOUT"))
                        && list.stream().anyMatch(e -> e.eventName().equals("PROCESS_STATE_RUNNING")
                        && "talker".equals(e.fields().get("processname"))));

        assertThat(events).allSatisfy(e -> {
            assertThat(e.identification()).isEqualTo("e2e-ident");
            assertThat(e.instance()).startsWith(supervisord.pid() + "-");
        });
        assertThat(events.stream().filter(e -> e.eventName().equals("PROCESS_COMMUNICATION_STDOUT")))
                .extracting(SupervisorEvent::data).containsExactly("comm 日本 😀");
        assertThat(events.stream().filter(e -> e.eventName().equals("PROCESS_LOG_STDOUT"))
                .map(SupervisorEvent::data).collect(Collectors.joining())).contains("héllo 😀 wörld\n");
        List<Long> serials = events.stream().map(SupervisorEvent::serial).toList();
        assertThat(serials).isSorted();

        SupervisorSnapshot snapshot = await().atMost(Duration.ofSeconds(60))
                .until(() -> snapshots("e2e-1"), list -> list.stream().anyMatch(SupervisorSnapshot::ok))
                .stream().filter(SupervisorSnapshot::ok).findFirst().orElseThrow();
        assertThat(snapshot.identification()).isEqualTo("e2e-ident");
        assertThat(snapshot.endpoint()).isEqualTo(supervisord.unixUrl());
        assertThat(snapshot.processes()).extracting(SupervisorSnapshot.ProcessInfo::name)
                .contains("talker", "kafka");

        String supervisordLog = supervisord.output();
        assertThat(supervisordLog).doesNotContain("UNKNOWN state").doesNotContain("bad result line");
        assertThat(Files.readString(listenerLog)).doesNotContain("protocol broken").doesNotContain("ERROR");
    }
}
