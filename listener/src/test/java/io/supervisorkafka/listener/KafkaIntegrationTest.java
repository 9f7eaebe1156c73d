package io.supervisorkafka.listener;

import static io.supervisorkafka.listener.testing.TestEvents.acknowledgements;
import static io.supervisorkafka.listener.testing.TestEvents.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.supervisorkafka.listener.testing.ListenerKafka;
import io.supervisorkafka.listener.testing.ListenerProcess;
import io.supervisorkafka.testkit.Supervisord;
import io.supervisorkafka.testkit.TopicCollector;
import io.supervisorkafka.listener.testing.TestEvents;
import io.supervisorkafka.schemas.Json;
import io.supervisorkafka.schemas.ListenerMetrics;
import io.supervisorkafka.testkit.SchemaValidator;
import io.supervisorkafka.schemas.SupervisorEvent;
import io.supervisorkafka.schemas.SupervisorSnapshot;
import io.supervisorkafka.schemas.Topics;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The listener against a real single-node KRaft broker. Each test uses its own server id, the records' key. */
class KafkaIntegrationTest {
    private static final String INSTANCE = "4242-1700000000000";

    @RegisterExtension
    static final ListenerKafka KAFKA = new ListenerKafka();

    @TempDir
    Path dir;

    private final List<AutoCloseable> toClose = new ArrayList<>();
    private final ExecutorService executor = Executors.newSingleThreadExecutor();
    /** For {@link #listenerWithOutage}: when the outage ends. */
    private final AtomicBoolean kafkaReachable = new AtomicBoolean(false);

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
        return config(serverId, bootstrap, spoolDir, supervisorUrl, snapshotInterval, "64m", null, "");
    }

    private ListenerConfig config(String serverId, String bootstrap, Path spoolDir, String supervisorUrl,
                                  String snapshotInterval, String spoolMaxBytes, String fullPolicy,
                                  String moreProperties) throws IOException {
        Path file = dir.resolve(serverId + ".properties");
        Files.writeString(file, "listener.shutdown.grace=2s\nlinger.ms=1\n" + moreProperties);
        Map<String, String> env = new HashMap<>();
        return ConfigLoader.load(TestFlags.parse("--bootstrap-servers", bootstrap, "--config", file.toString(),
                "--server-id", serverId, "--supervisor-url", supervisorUrl, "--snapshot-interval", snapshotInterval,
                "--xmlrpc-timeout", "5s", "--spool-dir", spoolDir.toString(), "--spool-max-bytes", spoolMaxBytes,
                "--spool-full-policy", fullPolicy, "--fsync-interval", "50ms"), env, "unused-host");
    }

    /**
     * A listener whose Kafka is down until {@code reachable} is set: each producer the shipper creates (it makes a
     * new one after every failure) points at a port nobody listens on, then at the broker. Stopping and restarting
     * the shared broker would cost more time than the whole test.
     */
    private Listener listenerWithOutage(ListenerConfig config, AtomicBoolean reachable) throws IOException {
        String down = ListenerProcess.unreachableBroker();
        Listener listener = new Listener(config, INSTANCE, Clock.systemUTC(), () -> {
            Map<String, Object> properties = new HashMap<>(config.producerProperties());
            properties.put("bootstrap.servers", reachable.get() ? KAFKA.bootstrapServers() : down);
            return new KafkaProducer<>(properties);
        });
        toClose.add(listener);
        return listener;
    }

    private Listener listener(ListenerConfig config) {
        Listener listener = new Listener(config, INSTANCE, Clock.systemUTC(),
                () -> new KafkaProducer<>(config.producerProperties()));
        toClose.add(listener);
        return listener;
    }

    /** Every record of a topic with this key, from the beginning. */
    private static List<ConsumerRecord<byte[], byte[]>> records(String topic, String key) {
        return TopicCollector.readToEnd(KAFKA.bootstrapServers(), topic, key);
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

    private static List<ListenerMetrics> listenerMetrics(String key) {
        return records(Topics.LISTENER_METRICS, key).stream().map(record -> {
            SchemaValidator.assertValid(Topics.LISTENER_METRICS, record.value());
            return read(record.value(), ListenerMetrics.class);
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
        Listener listener = listener(config("itest-1", KAFKA.bootstrapServers(), dir.resolve("spool"),
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
        Path spool = dir.resolve("spool");
        int count = 40;
        List<byte[]> input = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            input.add(event("web-1", i, i % 2 == 0 ? "PROCESS_STATE_RUNNING" : "PROCESS_LOG_STDERR",
                    "processname:w groupname:w pid:1\nnon-ASCII ümlaut " + i + " 😀"));
        }

        // Broker unreachable: every event is still acknowledged, from the spool alone. Only the metrics record of the
        // stop: a periodic one would come too if the run took longer than the interval.
        // The same cluster in both runs (its spool is the listener's to ship), unreachable in the first.
        Listener offline = listenerWithOutage(config("outage-1", KAFKA.bootstrapServers(), spool, null, "0s", "64m",
                null, "listener.metrics.interval=1h\n"), new AtomicBoolean(false));
        ByteArrayOutputStream offlineOut = new ByteArrayOutputStream();
        int exit = offline.run(new ByteArrayInputStream(TestEvents.concat(input)), offlineOut);
        assertThat(exit).isEqualTo(Listener.EXIT_OK);
        assertThat(offlineOut.toString(StandardCharsets.UTF_8)).isEqualTo(acknowledgements(count));
        offline.close();
        assertThat(offline.stats().shipped()).isZero();
        assertThat(offline.stats().spool().unshipped()).as("the events and the metrics record of the stop")
                .isEqualTo(count + 1);
        assertThat(events("outage-1")).isEmpty();

        // The next start, with the broker there, replays the spool: nothing was lost.
        Listener online = listener(config("outage-1", KAFKA.bootstrapServers(), spool, null, "0s"));
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
    void aSpoolLeftForAnotherKafkaClusterIsSetAsideNotShippedToThisOne() throws Exception {
        Path spool = dir.resolve("spool");
        int count = 12;
        List<byte[]> input = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            input.add(event("web-1", i, "PROCESS_STATE_RUNNING", "processname:w groupname:w pid:1"));
        }
        Listener before = listener(config("moved-1", ListenerProcess.unreachableBroker(), spool, null, "0s", "64m",
                null, "listener.metrics.interval=1h\n"));
        assertThat(before.run(new ByteArrayInputStream(TestEvents.concat(input)), new ByteArrayOutputStream()))
                .isEqualTo(Listener.EXIT_OK);
        before.close();
        assertThat(before.stats().spool().unshipped()).isEqualTo(count + 1);

        // The same server id against this cluster: what was for the other one is not shipped here.
        Listener after = listener(config("moved-1", KAFKA.bootstrapServers(), spool, null, "0s"));
        assertThat(after.run(new ByteArrayInputStream(event("web-1", count, "PROCESS_STATE_RUNNING",
                "processname:w groupname:w pid:1")), new ByteArrayOutputStream())).isEqualTo(Listener.EXIT_OK);
        await().atMost(Duration.ofSeconds(30)).until(after::caughtUp);
        after.close();
        assertThat(events("moved-1")).extracting(SupervisorEvent::serial).containsExactly((long) count);
        assertThat(await().atMost(Duration.ofSeconds(20)).until(() -> listenerMetrics("moved-1"),
                list -> !list.isEmpty())).last().satisfies(metrics ->
                assertThat(metrics.sources()).containsEntry("spool.set_aside_records", (long) count + 1));
        try (var siblings = Files.list(dir)) {
            assertThat(siblings.map(p -> p.getFileName().toString())).anyMatch(n -> n.startsWith("spool.set-aside-"));
        }
    }

    /** Events of about 200 bytes: a 16 KiB spool holds some 70 of them. */
    private static List<byte[]> numberedEvents(int count) {
        List<byte[]> input = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            input.add(event("web-1", i, "PROCESS_LOG_STDOUT", "processname:w groupname:w pid:1\n" + "x".repeat(100)));
        }
        return input;
    }

    /**
     * A listener with a 16 KiB spool of four segments whose Kafka is down until {@link #kafkaReachable} is set; a short
     * producer block, so that an attempt during the outage fails fast.
     */
    private Listener listenerWithTinySpool(String serverId, String fullPolicy, String metricsInterval)
            throws IOException {
        return listenerWithOutage(config(serverId, KAFKA.bootstrapServers(), dir.resolve("spool"), null, "0s", "16k",
                fullPolicy, "listener.spool.segment.bytes=4k\nmax.block.ms=500\nlistener.metrics.interval="
                        + metricsInterval + "\n"), kafkaReachable);
    }

    @Test
    void dropOldestKeepsAcknowledgingAndTheMetricsRecordCountsExactlyWhatWasDropped() throws Exception {
        int count = 400;
        // Only the last record, on close: periodic ones would take spool space and blur the count.
        Listener listener = listenerWithTinySpool("full-drop", "drop-oldest", "1h");

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThat(listener.run(new ByteArrayInputStream(TestEvents.concat(numberedEvents(count))), out))
                .isEqualTo(Listener.EXIT_OK);
        assertThat(out.toString(StandardCharsets.UTF_8)).as("every event acknowledged though the spool overflowed")
                .isEqualTo(acknowledgements(count));
        long dropped = listener.stats().spool().droppedRecords();
        assertThat(dropped).isPositive().isLessThan(count);

        kafkaReachable.set(true);
        await().atMost(Duration.ofSeconds(20)).until(listener::caughtUp);
        listener.close();
        assertThat(listener.stats().spool().droppedRecords()).isEqualTo(dropped);

        // The oldest events went, the rest arrived, in order.
        assertThat(events("full-drop")).extracting(SupervisorEvent::serial)
                .containsExactlyElementsOf(LongStream.range(dropped, count).boxed().toList());
        List<ListenerMetrics> records = await().atMost(Duration.ofSeconds(20))
                .until(() -> listenerMetrics("full-drop"), list -> !list.isEmpty());
        assertThat(records).as("the record published on close").hasSize(1);
        ListenerMetrics last = records.get(0);
        assertThat(last.spool().fullPolicy()).isEqualTo("drop-oldest");
        assertThat(last.spool().droppedRecords()).isEqualTo(dropped);
        assertThat(last.spool().refusedRecords()).isZero();
        assertThat(last.spool().maxBytes()).isEqualTo(16 * 1024);
        assertThat(last.eventsAcknowledged()).isEqualTo(count);
        assertThat(last.recordsShipped()).isEqualTo(count - dropped);
        assertThat(last.instance()).isEqualTo(INSTANCE);
        assertThat(last.observedAt()).isGreaterThanOrEqualTo(last.startedAt());
    }

    @Test
    void blockStopsAcknowledgingRefusesReadyRecordsAndLosesNoEvent() throws Exception {
        int count = 200;
        Listener listener = listenerWithTinySpool("full-block", "block", "100ms");
        PipedOutputStream stdinWriter = new PipedOutputStream();
        PipedInputStream stdin = new PipedInputStream(stdinWriter, 1 << 20);
        ProtocolOutput stdout = new ProtocolOutput();
        stdinWriter.write(TestEvents.concat(numberedEvents(count)));
        stdinWriter.flush();
        Future<Integer> run = executor.submit(() -> listener.run(stdin, stdout));

        // The periodic metrics records meet the full spool: refused, not waited for.
        await().atMost(Duration.ofSeconds(10)).until(() -> listener.stats().spool().refusedRecords() > 0);
        // An event smaller than the refused record may still fit after it: wait for the count to settle.
        AtomicLong lastSeen = new AtomicLong(-1);
        long stored = await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(250))
                .until(() -> listener.stats().acknowledged(), now -> now == lastSeen.getAndSet(now));
        assertThat(stored).isPositive().isLessThan(count);
        await().atMost(Duration.ofSeconds(5)).until(() -> stdout.text().equals(acknowledgements((int) stored)));
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2))
                .until(() -> stdout.text().equals(acknowledgements((int) stored)));

        kafkaReachable.set(true);
        await().atMost(Duration.ofSeconds(20)).until(() -> stdout.text().equals(acknowledgements(count)));
        stdinWriter.close();
        assertThat(run.get(10, TimeUnit.SECONDS)).isEqualTo(Listener.EXIT_OK);
        await().atMost(Duration.ofSeconds(20)).until(listener::caughtUp);
        listener.close();

        assertThat(events("full-block")).extracting(SupervisorEvent::serial)
                .containsExactlyElementsOf(LongStream.range(0, count).boxed().toList());
        long refused = listener.stats().spool().refusedRecords();
        List<ListenerMetrics> records = await().atMost(Duration.ofSeconds(20))
                .until(() -> listenerMetrics("full-block"), list -> list.size() >= 2);
        ListenerMetrics last = records.get(records.size() - 1);
        assertThat(last.spool().fullPolicy()).isEqualTo("block");
        assertThat(last.spool().refusedRecords()).isEqualTo(refused).isPositive();
        assertThat(last.spool().droppedRecords()).isZero();
        assertThat(last.eventsAcknowledged()).isEqualTo(count);
        assertThat(records).extracting(ListenerMetrics::observedAt).isSorted();
    }

    @Test
    void supervisordRunsTheListenerAsItsEventListener() throws Exception {
        Path spool = dir.resolve("e2e-spool");
        Path listenerLog = dir.resolve("listener.err");
        String command = String.join(" ", ListenerProcess.command(List.of(
                "--bootstrap-servers", KAFKA.bootstrapServers(), "--server-id", "e2e-1",
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
