package io.supervisorkafka.streams;

import static io.supervisorkafka.streams.Fixtures.SERVER;
import static io.supervisorkafka.streams.Fixtures.info;
import static io.supervisorkafka.streams.Fixtures.processEvent;
import static io.supervisorkafka.streams.Fixtures.running;
import static io.supervisorkafka.streams.Fixtures.snapshot;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import io.supervisorkafka.schemas.CheckStatus;
import io.supervisorkafka.schemas.ContainerCounts;
import io.supervisorkafka.schemas.DockerSnapshot;
import io.supervisorkafka.schemas.JsonSerde;
import io.supervisorkafka.schemas.MetricPoint;
import io.supervisorkafka.schemas.ProcessCounts;
import io.supervisorkafka.schemas.ProcessStatus;
import io.supervisorkafka.testkit.SchemaValidator;
import io.supervisorkafka.schemas.ServiceCheck;
import io.supervisorkafka.testkit.SingleNodeKafka;
import io.supervisorkafka.schemas.SupervisorEvent;
import io.supervisorkafka.schemas.SupervisorSnapshot;
import io.supervisorkafka.schemas.Topics;
import io.supervisorkafka.streams.docker.DockerPage;
import io.supervisorkafka.streams.supervisor.SupervisorCatalog;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import io.supervisorkafka.testkit.SingleNodeKafka;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The app as StreamsMain runs it, on a real single-node KRaft cluster, read back with read_committed. */
class StreamsAppTest {

    private static final Duration PATIENCE = Duration.ofSeconds(90);
    private static KafkaClusterTestKit cluster;

    @TempDir
    Path stateDir;

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = SingleNodeKafka.start();
    }

    @AfterAll
    static void stopCluster() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void provisionsItsTopicsAndDerivesStatusChecksCountsAndMetricsExactlyOnce() throws Exception {
        StreamsMain main = new StreamsMain();
        new CommandLine(main).parseArgs("--bootstrap-servers", cluster.bootstrapServers(),
                "--application-id", "streams-app-test", "--state-dir", stateDir.toString(),
                "--partitions", "2", "--replication-factor", "1",
                "--punctuate-interval", "1s", "--stale-after", "6s");
        Properties properties = main.streamsProperties();
        PipelineConfig config = main.pipelineConfig(properties);
        assertThat(properties).containsEntry("processing.guarantee", "exactly_once_v2");

        try (StreamsApp app = new StreamsApp(properties, config);
             Admin admin = cluster.admin();
             KafkaProducer<String, byte[]> producer = producer();
             KafkaConsumer<String, byte[]> consumer = readCommittedConsumer()) {
            app.start();
            await().atMost(PATIENCE).until(() -> app.state() == KafkaStreams.State.RUNNING);

            assertProvisioned(admin, config);
            assertThat(new TopicProvisioner(admin).ensureTopics(config, Duration.ofSeconds(30)))
                    .as("a second run creates nothing").isEmpty();

            long t = System.currentTimeMillis();
            List<SupervisorEvent> events = List.of(
                    processEvent(0, "probe", "probe", "STARTING", null, t),
                    processEvent(1, "sleeper", "sleeper", "STARTING", null, t + 10),
                    processEvent(2, "probe", "probe", "RUNNING", 3564L, t + 1_000),
                    processEvent(3, "sleeper", "sleeper", "RUNNING", 3944L, t + 1_010),
                    processEvent(4, "sleeper", "sleeper", "EXITED", 3944L, t + 2_000),
                    processEvent(4, "sleeper", "sleeper", "EXITED", 3944L, t + 2_500), // redelivered
                    processEvent(5, "sleeper", "sleeper", "STARTING", null, t + 2_010),
                    processEvent(6, "sleeper", "sleeper", "RUNNING", 4026L, t + 3_000));
            for (SupervisorEvent event : events) {
                producer.send(new ProducerRecord<>(Topics.EVENTS, null, event.observedAt(), SERVER,
                        JsonSerde.of(SupervisorEvent.class).serialize(Topics.EVENTS, event)));
            }
            producer.send(new ProducerRecord<>(Topics.EVENTS, SERVER, "not json".getBytes(StandardCharsets.UTF_8)));
            String truncated = "{\"families\":";
            producer.send(new ProducerRecord<>(Topics.DOCKER, SERVER, truncated.getBytes(StandardCharsets.UTF_8)));
            DockerSnapshot scrape = DockerPage.captured().containers(1, 0, 2).snapshot(t);
            producer.send(new ProducerRecord<>(Topics.DOCKER, null, scrape.observedAt(), SERVER,
                    JsonSerde.of(DockerSnapshot.class).serialize(Topics.DOCKER, scrape)));
            SupervisorSnapshot snapshot = snapshot(t + 3_500, running("probe", 3564, t, t + 3_500),
                    running("sleeper", 4026, t + 2_010, t + 3_500),
                    info("retired", "retired", "STOPPED", 0, 0, 0, t + 3_500, 0, "", "Not started"));
            producer.send(new ProducerRecord<>(Topics.SNAPSHOTS, null, snapshot.observedAt(), SERVER,
                    JsonSerde.of(SupervisorSnapshot.class).serialize(Topics.SNAPSHOTS, snapshot)));
            producer.flush();

            Outputs outputs = new Outputs();
            await().atMost(PATIENCE).pollInSameThread().pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
                outputs.poll(consumer);
                Map<String, ProcessStatus> statuses = outputs.latestStatuses();
                assertThat(statuses).containsOnlyKeys("web-1/probe:probe", "web-1/sleeper:sleeper",
                        "web-1/retired:retired");
                assertThat(statuses.get("web-1/sleeper:sleeper").pid()).isEqualTo(4026L);
                assertThat(statuses.get("web-1/probe:probe").source()).isEqualTo("snapshot");
                assertThat(outputs.checks).extracting(ServiceCheck::key, ServiceCheck::status).contains(
                        tuple("supervisord.can_connect|web-1", CheckStatus.OK),
                        tuple("supervisord.can_connect|web-1", CheckStatus.UNKNOWN),
                        tuple("docker.can_connect|web-1", CheckStatus.OK),
                        tuple("docker.can_connect|web-1", CheckStatus.UNKNOWN));
                assertThat(outputs.containerCounts).containsEntry(SERVER, new ContainerCounts(SERVER, 1, 0, 2, 3, t));
                assertThat(outputs.counts.get(SERVER)).isNotNull().satisfies(counts -> {
                    assertThat(counts.up()).isEqualTo(2);
                    assertThat(counts.down()).isEqualTo(1);
                });
                assertThat(outputs.metrics).extracting(MetricPoint::name).contains(
                        SupervisorCatalog.PROCESS_UPTIME.name(),
                        SupervisorCatalog.PROCESS_COUNT.name(),
                        SupervisorCatalog.INSTANCE_STATE.name(), "docker.containers.running");
                assertThat(outputs.deadLetters).extracting(
                                record -> new String(record.value(), StandardCharsets.UTF_8),
                                record -> new String(record.headers().lastHeader("__streams.errors.topic").value(),
                                        StandardCharsets.UTF_8))
                        .containsExactlyInAnyOrder(tuple("not json", Topics.EVENTS),
                                tuple(truncated, Topics.DOCKER));
            });

            List<ServiceCheck> sleeper = outputs.checks.stream()
                    .filter(check -> check.key().equals("supervisord.process.status|web-1/sleeper:sleeper")).toList();
            assertThat(sleeper).extracting(ServiceCheck::status).as("the redelivered EXITED changed nothing")
                    .containsExactly(CheckStatus.UNKNOWN, CheckStatus.OK, CheckStatus.CRITICAL, CheckStatus.UNKNOWN,
                            CheckStatus.OK);
            assertThat(sleeper.get(2).message()).endsWith(": exited unexpectedly");
            assertThat(sleeper.get(4).message()).endsWith("(pid 4026)");

            app.close(Duration.ofSeconds(30));
            assertThat(app.awaitTermination(Duration.ofSeconds(30))).isTrue();
            assertThat(app.failed()).isFalse();
        }
    }

    private static void assertProvisioned(Admin admin, PipelineConfig config) throws Exception {
        List<String> names = new ArrayList<>(Topics.INPUTS);
        names.addAll(Topics.GUNICORN_INPUTS);
        names.addAll(Topics.HOST_INPUTS);
        names.addAll(Topics.OUTPUTS);
        names.add(TopicProvisioner.DEAD_LETTERS);
        Map<String, TopicDescription> topics = admin.describeTopics(names).allTopicNames().get();
        assertThat(topics.values()).allSatisfy(topic ->
                assertThat(topic.partitions()).hasSize(config.partitions()));
        for (String compacted : Topics.COMPACTED_OUTPUTS) {
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, compacted);
            Config topicConfig = admin.describeConfigs(Set.of(resource)).all().get().get(resource);
            assertThat(topicConfig.get("cleanup.policy").value()).as(compacted).isEqualTo("compact");
        }
    }

    private static KafkaProducer<String, byte[]> producer() {
        return new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true), new StringSerializer(), new ByteArraySerializer());
    }

    private static KafkaConsumer<String, byte[]> readCommittedConsumer() {
        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "streams-app-test-reader",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                new StringDeserializer(), new ByteArrayDeserializer());
        List<String> topics = new ArrayList<>(Topics.OUTPUTS);
        topics.add(TopicProvisioner.DEAD_LETTERS);
        consumer.subscribe(topics);
        return consumer;
    }

    /** Everything read so far, every value validated against its topic's schema. */
    private static final class Outputs {
        final List<ProcessStatusRecord> statuses = new ArrayList<>();
        final Map<String, ProcessCounts> counts = new LinkedHashMap<>();
        final List<ServiceCheck> checks = new ArrayList<>();
        final List<MetricPoint> metrics = new ArrayList<>();
        final Map<String, ContainerCounts> containerCounts = new LinkedHashMap<>();
        final List<ConsumerRecord<String, byte[]>> deadLetters = new ArrayList<>();

        void poll(KafkaConsumer<String, byte[]> consumer) {
            for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                String topic = record.topic();
                if (topic.equals(TopicProvisioner.DEAD_LETTERS)) {
                    deadLetters.add(record);
                    continue;
                }
                if (record.value() != null) {
                    SchemaValidator.assertValid(topic, record.value());
                }
                switch (topic) {
                    case Topics.PROCESS_STATUS -> statuses.add(new ProcessStatusRecord(record.key(),
                            JsonSerde.of(ProcessStatus.class).deserialize(topic, record.value())));
                    case Topics.PROCESS_COUNTS -> counts.put(record.key(),
                            JsonSerde.of(ProcessCounts.class).deserialize(topic, record.value()));
                    case Topics.SERVICE_CHECKS -> checks.add(JsonSerde.of(ServiceCheck.class)
                            .deserialize(topic, record.value()));
                    case Topics.METRICS -> metrics.add(JsonSerde.of(MetricPoint.class)
                            .deserialize(topic, record.value()));
                    case Topics.CONTAINER_COUNTS -> containerCounts.put(record.key(),
                            JsonSerde.of(ContainerCounts.class).deserialize(topic, record.value()));
                    default -> throw new AssertionError("unexpected topic " + topic);
                }
            }
        }

        Map<String, ProcessStatus> latestStatuses() {
            Map<String, ProcessStatus> latest = new LinkedHashMap<>();
            statuses.forEach(record -> latest.put(record.key(), record.status()));
            latest.values().removeIf(Objects::isNull);
            return latest;
        }
    }

    private record ProcessStatusRecord(String key, ProcessStatus status) {
    }
}
