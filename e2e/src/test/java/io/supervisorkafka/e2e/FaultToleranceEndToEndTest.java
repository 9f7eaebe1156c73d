package io.supervisorkafka.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.supervisorkafka.schemas.JsonSerde;
import io.supervisorkafka.schemas.ListenerMetrics;
import io.supervisorkafka.schemas.SupervisorEvent;
import io.supervisorkafka.schemas.Topics;
import io.supervisorkafka.testkit.ChildProcess;
import io.supervisorkafka.testkit.Ports;
import io.supervisorkafka.testkit.Supervisord;
import io.supervisorkafka.testkit.TopicCollector;
import io.supervisorkafka.tools.DevBroker;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults injected into the real components: the broker goes away, the listener is killed mid-burst. Each test states
 * the events it sends and checks what is guaranteed: every one of them reaches {@code supervisor.events}, in
 * supervisord's order where it first arrives (delivery is at least once: a retry may publish an event again), and,
 * in the kill test, the Streams app drops every duplicate on the topic, among them a known set published again on
 * purpose, so that deduplication is exercised whether or not the kills made any.
 *
 * <p>The burst tests run at supervisord's default {@code buffer_size} of 10, one XML-RPC call per event. Whether
 * supervisord discards none of them is a matter of speed on a shared machine, which {@code BurstBenchmark} measures;
 * what is guaranteed, and asserted here, is that none is lost without a word: each event either reaches Kafka or is
 * counted in the listener's {@code eventsLost}, which equals the discards supervisord logged.
 * The broker is the real KRaft broker of {@code tools}, which can be stopped and started again on its data.
 */
class FaultToleranceEndToEndTest {
    static final Duration PATIENCE = Duration.ofMinutes(3);
    /** supervisord's own default; the kill test keeps a large buffer, since a dead listener takes nothing. */
    static final int SUPERVISORD_DEFAULT_BUFFER = 10;

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path dir;

    @Test
    void brokerOutageLosesNothing() throws Exception {
        int sent = 10_000;
        int port = Ports.freeTcpPort();
        int controllerPort = Ports.freeTcpPort();
        DevBroker broker = DevBroker.start(dir.resolve("broker"), "127.0.0.1", port, controllerPort);
        String bootstrap = broker.bootstrapServers();
        try (Supervisord supervisord = Supervisord.start(dir.resolve("supervisord"), "fault",
                Pipeline.listenerSection(bootstrap, "outage-host", "REMOTE_COMMUNICATION", "--snapshot-interval 1h",
                        SUPERVISORD_DEFAULT_BUFFER))) {
            awaitRunning(supervisord);
            try (TopicCollector beforeOutage = new TopicCollector(bootstrap, List.of(Topics.SNAPSHOTS))) {
                await("the listener's first snapshot").atMost(PATIENCE)
                        .until(() -> !beforeOutage.all(Topics.SNAPSHOTS).isEmpty());
            }

            broker.close();
            supervisord.sendRemoteCommEvents(sent, 1);
            broker = DevBroker.start(dir.resolve("broker"), "127.0.0.1", port, controllerPort);

            try (TopicCollector collector = new TopicCollector(bootstrap, List.of(Topics.EVENTS,
                    Topics.LISTENER_METRICS))) {
                long discarded = awaitEveryEventAccountedFor(collector, supervisord, "outage-host", sent);
                // One producer session from start to end is idempotent: once each, the count stays at what was sent.
                // Only a send that failed (an outage longer than delivery.timeout.ms) makes the listener send again
                // from its checkpoint what may already be there.
                boolean retried = shippingRetried(supervisord);
                if (!retried) {
                    await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(10))
                            .until(() -> payloads(collector, "outage-host").size() == sent - discarded);
                }
                int received = payloads(collector, "outage-host").size();
                System.err.printf("broker outage at buffer_size=%d: %d events sent, %d discarded by supervisord and"
                                + " counted by the listener, %d received, %d duplicates (%s)%n",
                        SUPERVISORD_DEFAULT_BUFFER, sent, discarded, received, received - (sent - discarded),
                        retried ? "the listener retried from its checkpoint" : "no retry");
            }
        } finally {
            broker.close();
        }
    }

    @Test
    void burstWithTheBrokerUpLosesNoEventWithoutAWord() throws Exception {
        int sent = 2_000;
        try (DevBroker broker = DevBroker.start(dir.resolve("broker"), "127.0.0.1", Ports.freeTcpPort(),
                Ports.freeTcpPort());
             Supervisord supervisord = Supervisord.start(dir.resolve("supervisord"), "fault",
                     Pipeline.listenerSection(broker.bootstrapServers(), "burst-host", "REMOTE_COMMUNICATION",
                             "--snapshot-interval 1h", SUPERVISORD_DEFAULT_BUFFER));
             TopicCollector collector = new TopicCollector(broker.bootstrapServers(),
                     List.of(Topics.SNAPSHOTS, Topics.EVENTS, Topics.LISTENER_METRICS))) {
            awaitRunning(supervisord);
            await("the listener's first snapshot").atMost(PATIENCE)
                    .until(() -> !collector.all(Topics.SNAPSHOTS).isEmpty());
            supervisord.sendRemoteCommEvents(sent, 1);
            long discarded = awaitEveryEventAccountedFor(collector, supervisord, "burst-host", sent);
            System.err.printf("burst at buffer_size=%d, broker up: %d events sent, %d discarded by supervisord and"
                    + " counted by the listener%n", SUPERVISORD_DEFAULT_BUFFER, sent, discarded);
        }
    }

    /**
     * Waits until each of the {@code sent} events has reached {@code supervisor.events} or is counted lost in the
     * listener's latest metrics record, then checks that what arrived came in supervisord's order and that the count
     * equals supervisord's own ("discarding event" lines); returns that count.
     */
    private static long awaitEveryEventAccountedFor(TopicCollector collector, Supervisord supervisord, String server,
                                                    int sent) throws IOException {
        await("each of the " + sent + " events in Kafka or counted lost").atMost(PATIENCE)
                .pollInterval(Duration.ofMillis(200))
                .until(() -> new LinkedHashSet<>(payloads(collector, server)).size() + eventsLost(collector, server)
                        == sent);
        long lost = eventsLost(collector, server);
        assertThat(lost).as("events the listener counted lost").isEqualTo(supervisord.discardedEvents());
        List<String> arrived = new ArrayList<>(new LinkedHashSet<>(payloads(collector, server)));
        assertThat(expected(sent)).as("the events that arrived, in supervisord's order").containsSubsequence(arrived);
        return lost;
    }

    /** The listener's count of events supervisord discarded, from its latest metrics record (0 before any). */
    private static long eventsLost(TopicCollector collector, String server) {
        List<ListenerMetrics> records = collector.values(Topics.LISTENER_METRICS, server, ListenerMetrics.class);
        return records.stream().map(ListenerMetrics::eventsLost).filter(java.util.Objects::nonNull)
                .mapToLong(Long::longValue).max().orElse(0);
    }

    @Test
    void killMinus9OfTheListenerMidBurstLosesNothing() throws Exception {
        int sent = 6_000;
        int kills = 3;
        try (DevBroker broker = DevBroker.start(dir.resolve("broker"), "127.0.0.1", Ports.freeTcpPort(),
                Ports.freeTcpPort());
             Supervisord supervisord = Supervisord.start(dir.resolve("supervisord"), "fault",
                     Pipeline.listenerSection(broker.bootstrapServers(), "kill-host", "REMOTE_COMMUNICATION",
                             "--snapshot-interval 1h"))) {
            awaitRunning(supervisord);
            try (TopicCollector collector = new TopicCollector(broker.bootstrapServers(),
                    List.of(Topics.SNAPSHOTS, Topics.EVENTS))) {
                await("the listener's first snapshot").atMost(PATIENCE)
                        .until(() -> !collector.all(Topics.SNAPSHOTS).isEmpty());
                CompletableFuture<Void> burst = CompletableFuture.runAsync(() -> {
                    try {
                        supervisord.sendRemoteCommEvents(sent);
                    } catch (IOException e) {
                        throw new IllegalStateException(e);
                    }
                });
                for (int kill = 1; kill <= kills; kill++) {
                    int threshold = kill * sent / (kills + 1);
                    await("events flowing before kill " + kill).atMost(PATIENCE).pollInterval(Duration.ofMillis(5))
                            .until(() -> payloads(collector, "kill-host").size() >= threshold);
                    long pid = supervisord.pidOf("kafka");
                    ProcessHandle.of(pid).orElseThrow().destroyForcibly();
                    await("supervisord restarting the listener").atMost(PATIENCE).pollInterval(Duration.ofMillis(50))
                            .until(() -> {
                                long now = supervisord.pidOf("kafka");
                                return now != 0 && now != pid;
                            });
                }
                burst.get(5, TimeUnit.MINUTES);

                await("every event of the burst").atMost(PATIENCE).pollInterval(Duration.ofMillis(200))
                        .until(() -> new LinkedHashSet<>(payloads(collector, "kill-host")).size() == sent);
                List<String> received = payloads(collector, "kill-host");
                Set<String> firstOccurrences = new LinkedHashSet<>(received);
                // In supervisord's order, counting each event where it first arrived; replays after a kill come again.
                assertThat(new ArrayList<>(firstOccurrences)).containsExactlyElementsOf(expected(sent));

                // Stopped by supervisord (SIGTERM), the listener ships what its spool still holds: replays that
                // came after the last first delivery too. Then the topic holds every duplicate the kills made, if
                // any (a kill between two acknowledgements makes none), and a known set more on purpose.
                supervisord.close();
                int republished = republishEveryHundredth(broker.bootstrapServers(), collector, "kill-host");
                try (Admin admin = Admin.create(Map.<String, Object>of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                        broker.bootstrapServers()))) {
                    Map<TopicPartition, Long> end = endOffsets(admin, Topics.EVENTS);
                    long records = end.values().stream().mapToLong(Long::longValue).sum();
                    await("every record on " + Topics.EVENTS).atMost(PATIENCE).pollInterval(Duration.ofMillis(100))
                            .until(() -> collector.count(Topics.EVENTS) == records);
                    List<SupervisorEvent> all = collector.values(Topics.EVENTS, "kill-host", SupervisorEvent.class);
                    long duplicates = all.size() - all.stream().map(SupervisorEvent::eventId).distinct().count();

                    // The Streams app drops exactly those redeliveries, and says how many.
                    long dropped = redeliveriesDroppedByStreams(broker.bootstrapServers(), admin, end,
                            Files.createDirectories(dir.resolve("streams")), "fault-kill");
                    System.err.printf("listener kill -9 x%d: %d events sent, %d records on %s, %d duplicates"
                            + " (%d published again by the test, %d replayed from the spool or redelivered by"
                            + " supervisord); %d redeliveries dropped by the Streams app's event-deduplicator%n", kills,
                            sent, all.size(), Topics.EVENTS, duplicates, republished, duplicates - republished,
                            dropped);
                    assertThat(duplicates).isGreaterThanOrEqualTo(republished);
                    assertThat(dropped).isEqualTo(duplicates);
                }
            }
        }
    }

    /**
     * Publishes every hundredth event of the burst to {@code supervisor.events} again, byte for byte on its partition
     * with its timestamp, as the listener does when it sends again from its checkpoint; returns how many.
     */
    private static int republishEveryHundredth(String bootstrap, TopicCollector collector, String server)
            throws Exception {
        Map<String, ConsumerRecord<byte[], byte[]>> firstOfEach = new LinkedHashMap<>();
        JsonSerde<SupervisorEvent> serde = JsonSerde.of(SupervisorEvent.class);
        for (TopicCollector.Received received : collector.matching(Topics.EVENTS, r -> server.equals(r.key()))) {
            SupervisorEvent event = serde.deserialize(Topics.EVENTS, received.value());
            if (event.eventName().equals("REMOTE_COMMUNICATION")
                    && Integer.parseInt(event.data().substring("event ".length())) % 100 == 0) {
                firstOfEach.putIfAbsent(event.eventId(), received.record());
            }
        }
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.<String, Object>of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all"),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            for (ConsumerRecord<byte[], byte[]> record : firstOfEach.values()) {
                producer.send(new ProducerRecord<>(record.topic(), record.partition(), record.timestamp(),
                        record.key(), record.value())).get(1, TimeUnit.MINUTES);
            }
        }
        assertThat(firstOfEach).as("every hundredth event of the burst").hasSize(60);
        return firstOfEach.size();
    }

    /** Whether the listener logged a failed send, after which it sends again from its spool checkpoint. */
    private static boolean shippingRetried(Supervisord supervisord) throws IOException {
        String log = Files.readString(supervisord.dir().resolve("listener.log"));
        return log.contains("sending to Kafka failed") || log.contains("cannot ship the spool to Kafka");
    }

    private static Map<TopicPartition, Long> endOffsets(Admin admin, String topic) throws Exception {
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions()
                .forEach(p -> latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
        Map<TopicPartition, Long> end = new HashMap<>();
        admin.listOffsets(latest).all().get().forEach((partition, info) -> end.put(partition, info.offset()));
        return end;
    }

    /**
     * Runs the Streams app until it has committed every record up to {@code end}, stops it (SIGTERM), and returns
     * the number of redeliveries it logged having dropped.
     */
    private static long redeliveriesDroppedByStreams(String bootstrap, Admin admin, Map<TopicPartition, Long> end,
                                                     Path dir, String applicationId) throws Exception {
        try (ChildProcess streams = Pipeline.startStreams(bootstrap, dir, applicationId)) {
            await("the Streams app through " + Topics.EVENTS).atMost(PATIENCE).pollInterval(Duration.ofMillis(200))
                    .until(() -> {
                        if (!streams.isAlive()) {
                            throw new IllegalStateException("the Streams app exited; see " + streams.log());
                        }
                        Map<TopicPartition, OffsetAndMetadata> committed = admin
                                .listConsumerGroupOffsets(applicationId).partitionsToOffsetAndMetadata().get();
                        // An empty partition never gets a committed offset.
                        return end.entrySet().stream().allMatch(e -> e.getValue() == 0
                                || committed.get(e.getKey()) != null
                                && committed.get(e.getKey()).offset() >= e.getValue());
                    });
        }
        Path log = dir.resolve("streams.log");
        Matcher line = Pattern.compile("event-deduplicator dropped (\\d+) redelivered events since start")
                .matcher(Files.readString(log));
        assertThat(line.find()).as("the Streams app's total in " + log).isTrue();
        return Long.parseLong(line.group(1));
    }

    private static void awaitRunning(Supervisord supervisord) {
        await("the listener RUNNING").atMost(PATIENCE).pollInterval(Duration.ofMillis(100))
                .until(() -> "RUNNING".equals(supervisord.status().get("kafka:kafka")));
    }

    /** The data of every REMOTE_COMMUNICATION event of a server, in topic order. */
    private static List<String> payloads(TopicCollector collector, String server) {
        return collector.values(Topics.EVENTS, server, SupervisorEvent.class).stream()
                .filter(e -> e.eventName().equals("REMOTE_COMMUNICATION"))
                .map(SupervisorEvent::data).toList();
    }

    private static List<String> expected(int count) {
        return IntStream.range(0, count).mapToObj(i -> "event " + i).toList();
    }
}
