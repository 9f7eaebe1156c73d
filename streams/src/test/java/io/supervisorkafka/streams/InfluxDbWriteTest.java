package io.supervisorkafka.streams;

import static io.supervisorkafka.streams.Fixtures.INSTANCE;
import static io.supervisorkafka.streams.Fixtures.SERVER;
import static io.supervisorkafka.streams.Fixtures.event;
import static io.supervisorkafka.streams.Fixtures.info;
import static io.supervisorkafka.streams.Fixtures.running;
import static io.supervisorkafka.streams.Fixtures.snapshot;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.supervisorkafka.schemas.DockerSnapshot;
import io.supervisorkafka.schemas.Json;
import io.supervisorkafka.schemas.JsonSerde;
import io.supervisorkafka.schemas.ProcessExit;
import io.supervisorkafka.schemas.SupervisorEvent;
import io.supervisorkafka.schemas.SupervisorSnapshot;
import io.supervisorkafka.schemas.Topics;
import io.supervisorkafka.streams.docker.DockerdCapture;
import io.supervisorkafka.streams.influx.InfluxLine;
import io.supervisorkafka.streams.supervisor.SupervisordEventsCapture;
import io.supervisorkafka.testkit.InfluxDb;
import io.supervisorkafka.testkit.SingleNodeKafka;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The app with {@code --influx} on a real single-node KRaft cluster, fed the supervisord 4.2.5 capture, the dockerd
 * 20.10 page and a server whose names are hostile; every line it writes on {@code supervisor.influx} goes to a real
 * InfluxDB 1.x ({@code influxd} of the Debian package {@code influxdb}) through {@code /write}, and InfluxQL gives the
 * tags and fields back.
 */
class InfluxDbWriteTest {

    private static final Duration PATIENCE = Duration.ofSeconds(120);
    private static final String DATABASE = "telegraf";
    /** A server, group and processes whose names hold what line protocol must escape, and more. */
    private static final String HOSTILE_SERVER = "web 1,dc=eu";
    private static final String HOSTILE_GROUP = "g,=x y";
    private static final String HOSTILE_PROCESS = "p \"q\" \\ ü😀=1";
    private static final String BACKSLASH_COMMA = "a\\,b";
    private static final String TRAILING_BACKSLASH = "tmp\\";

    private static KafkaClusterTestKit cluster;
    private static InfluxDb influxDb;

    @TempDir
    static Path influxDir;

    @TempDir
    Path stateDir;

    @BeforeAll
    static void start() throws Exception {
        cluster = SingleNodeKafka.start();
        influxDb = InfluxDb.start(influxDir);
    }

    @AfterAll
    static void stop() throws Exception {
        if (influxDb != null) {
            influxDb.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void influxDbAcceptsEveryLineAndGivesTheTagsAndFieldsBack() throws Exception {
        StreamsMain main = new StreamsMain();
        new CommandLine(main).parseArgs("--bootstrap-servers", cluster.bootstrapServers(),
                "--application-id", "influx-test", "--state-dir", stateDir.toString(), "--partitions", "2",
                "--replication-factor", "1", "--influx");
        Properties properties = main.streamsProperties();
        PipelineConfig config = main.pipelineConfig(properties);
        StreamsMain.withoutPipelineKeys(properties);
        // What this test checks is the lines, not exactly-once (StreamsAppTest does): at-least-once keeps it clear of
        // a stall of Kafka 4.3's transactional producer seen here on a loaded machine (OUT_OF_ORDER_SEQUENCE_NUMBER
        // after CONCURRENT_TRANSACTIONS, then no progress). A duplicate line would be the same point again.
        properties.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.AT_LEAST_ONCE);

        List<String> lines = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        try (StreamsApp app = new StreamsApp(properties, config);
             KafkaProducer<String, byte[]> producer = producer();
             KafkaConsumer<String, String> consumer = consumer()) {
            app.start();
            await().atMost(PATIENCE).until(() -> app.state() == KafkaStreams.State.RUNNING);

            List<List<SupervisorEvent>> runs = SupervisordEventsCapture.runs(SERVER);
            runs.forEach(run -> run.forEach(event -> send(producer, Topics.EVENTS, SERVER, event.observedAt(),
                    event)));
            long t = runs.get(1).get(runs.get(1).size() - 1).observedAt() + 1_000;
            SupervisorEvent hostileExit = hostileEvent(1, "EXITED", "RUNNING", "4711", t + 1_000);
            send(producer, Topics.EVENTS, HOSTILE_SERVER, t, hostileEvent(0, "RUNNING", "STARTING", "4711", t));
            send(producer, Topics.EVENTS, HOSTILE_SERVER, t + 1_000, hostileExit);
            send(producer, Topics.PROCESS_EXITS, HOSTILE_SERVER, t + 1_000, new ProcessExit(HOSTILE_SERVER,
                    INSTANCE, 1, HOSTILE_GROUP, HOSTILE_PROCESS, "RUNNING", "EXITED", false, 4711L, 3, null, 1.0,
                    "Error: \"bad\" input\n", "stderr", null, t + 1_000, t + 1_012));
            send(producer, Topics.SNAPSHOTS, HOSTILE_SERVER, t + 2_000, snapshot(HOSTILE_SERVER, t + 2_000,
                    info(HOSTILE_GROUP, HOSTILE_PROCESS, "EXITED", 0, t - 5_000, t + 1_000, t + 2_000, 3, "", ""),
                    running(BACKSLASH_COMMA, 4800, t - 60_000, t + 2_000),
                    info("trail", TRAILING_BACKSLASH, "STOPPED", 0, t - 9_000, t - 8_000, t + 2_000, 0, "", "")));
            send(producer, Topics.EVENTS, HOSTILE_SERVER, t + 3_000,
                    event(HOSTILE_SERVER, INSTANCE, 2, "SUPERVISOR_STATE_CHANGE_STOPPING", Map.of(), t + 3_000));
            send(producer, Topics.DOCKER, SERVER, t, DockerdCapture.scrape(SERVER, t, 12));
            producer.flush();

            long lastCaptureEvent = runs.get(1).stream().filter(event -> event.eventName().startsWith("PROCESS_STATE_"))
                    .mapToLong(SupervisorEvent::observedAt).max().orElseThrow();
            await().atMost(PATIENCE).pollInSameThread().pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
                    keys.add(record.key());
                    lines.add(record.value());
                }
                // The line of the last record of each input: those before it came out before it, in order.
                Map<String, java.util.function.Predicate<String>> lastOfEachInput = Map.of(
                        "the capture's last process event", line -> line.startsWith("supervisor_processes,")
                                && line.endsWith(" " + lastCaptureEvent * 1_000_000),
                        "the hostile server's state change", line -> line.startsWith("supervisor_instance,")
                                && line.endsWith(" " + (t + 3_000) * 1_000_000),
                        "the hostile exit record", line -> line.contains("exitCode=3i") && line.contains("state=100i")
                                && line.endsWith(" " + (t + 1_000) * 1_000_000),
                        "the hostile snapshot", line -> line.startsWith("supervisor_instance,")
                                && line.endsWith(" " + (t + 2_000) * 1_000_000),
                        "the docker scrape", line -> line.startsWith("docker,"));
                assertThat(lastOfEachInput.entrySet().stream()
                        .filter(input -> lines.stream().noneMatch(input.getValue())).map(Map.Entry::getKey))
                        .as("inputs whose last line has not come (%s lines so far)", lines.size()).isEmpty();
            });
            app.close(Duration.ofSeconds(30));
        }

        for (int i = 0; i < lines.size(); i++) {
            InfluxLine line = InfluxLine.parse(lines.get(i));
            assertThat(keys.get(i)).as("key of %s", lines.get(i)).isEqualTo(line.tags().get("server"));
            if (!"trail".equals(line.tags().get("group"))) {
                line.assertConforms();
            }
        }

        assertThat(influxDb.createDatabase(DATABASE).status()).isEqualTo(200);
        for (String line : lines) {
            InfluxDb.Answer written = influxDb.write(DATABASE, line);
            assertThat(written.status()).as("%s: %s", line, written.body()).isEqualTo(204);
        }

        // Every point is there: one per series and time, as many as the lines named.
        Set<String> points = new LinkedHashSet<>();
        lines.forEach(line -> points.add(line.substring(0, line.indexOf(' ')) + line.substring(line.lastIndexOf(' '))));
        long stored = 0;
        for (String measurement : List.of("supervisor_processes", "supervisor_instance", "docker")) {
            JsonNode counts = query("SELECT count(*) FROM \"" + measurement + "\" GROUP BY *");
            for (JsonNode series : counts.path("series")) {
                stored += series.path("values").get(0).get(1).asLong();
            }
        }
        assertThat(stored).isEqualTo(points.size());

        assertThat(stringValues(query("SHOW FIELD KEYS FROM \"supervisor_processes\""), 0, 1))
                .containsExactlyInAnyOrderEntriesOf(Map.of("exitCode", "integer", "pid", "integer",
                        "state", "integer", "uptime", "integer"));
        assertThat(stringValues(query("SHOW TAG VALUES FROM \"supervisor_processes\" WITH KEY = \"process\""), 1, 1)
                .keySet()).containsExactlyInAnyOrder("probe", "sleeper", "crasher", HOSTILE_PROCESS,
                BACKSLASH_COMMA);

        Map<Map<String, String>, JsonNode> last = lastBySeries(
                query("SELECT last(\"state\") AS state, last(\"exitCode\") AS exitCode, last(\"pid\") AS pid, "
                        + "last(\"uptime\") AS uptime FROM \"supervisor_processes\" GROUP BY *"));
        JsonNode hostile = last.get(Map.of("group", HOSTILE_GROUP, "host", HOSTILE_SERVER, "process", HOSTILE_PROCESS,
                "server", HOSTILE_SERVER));
        assertThat(hostile).as("the hostile process's series among %s", last.keySet()).isNotNull();
        assertThat(hostile.get(1).asLong()).isEqualTo(100);
        assertThat(hostile.get(2).asLong()).isEqualTo(3);
        assertThat(hostile.get(3).asLong()).isZero();
        assertThat(hostile.get(4).asLong()).isEqualTo(7);
        JsonNode backslashComma = last.get(Map.of("group", BACKSLASH_COMMA, "host", HOSTILE_SERVER,
                "process", BACKSLASH_COMMA, "server", HOSTILE_SERVER));
        assertThat(backslashComma).as("%s among %s", BACKSLASH_COMMA, last.keySet()).isNotNull();
        assertThat(backslashComma.get(1).asLong()).isEqualTo(20);
        assertThat(backslashComma.get(3).asLong()).isEqualTo(4800);
        assertThat(last).as("a process name ending with a backslash: its tag left out, as Telegraf leaves it")
                .containsKey(Map.of("group", "trail", "host", HOSTILE_SERVER, "process", "", "server",
                        HOSTILE_SERVER));
        JsonNode probe = last.get(Map.of("group", "probe", "host", SERVER, "process", "probe", "server", SERVER));
        assertThat(probe.get(1).asLong()).isEqualTo(20);
        assertThat(probe.get(3).asLong()).isEqualTo(7589);

        Map<Map<String, String>, JsonNode> instances = lastBySeries(
                query("SELECT last(\"state\") FROM \"supervisor_instance\" GROUP BY *"));
        assertThat(instances.get(Map.of("host", HOSTILE_SERVER, "server", HOSTILE_SERVER)).get(1).asLong())
                .isEqualTo(-1);
        Map<Map<String, String>, JsonNode> docker = lastBySeries(query("SELECT last(\"n_containers\"), "
                + "last(\"n_containers_running\") FROM \"docker\" GROUP BY *"));
        assertThat(docker).containsOnlyKeys(Map.of("engine_host", SERVER, "host", SERVER, "server", SERVER,
                "server_version", "20.10.24+dfsg1"));
    }

    private static SupervisorEvent hostileEvent(long serial, String state, String from, String pid, long at) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("processname", HOSTILE_PROCESS);
        fields.put("groupname", HOSTILE_GROUP);
        fields.put("from_state", from);
        fields.put("pid", pid);
        if (state.equals("EXITED")) {
            fields.put("expected", "0");
        }
        return event(HOSTILE_SERVER, INSTANCE, serial, "PROCESS_STATE_" + state, fields, at);
    }

    /** The first (only) statement's result of an InfluxQL query, which must have succeeded. */
    private static JsonNode query(String influxQl) throws Exception {
        InfluxDb.Answer answer = influxDb.query(DATABASE, influxQl);
        assertThat(answer.status()).as("%s: %s", influxQl, answer.body()).isEqualTo(200);
        JsonNode result = Json.MAPPER.readTree(answer.body()).path("results").get(0);
        assertThat(result.has("error")).as("%s: %s", influxQl, answer.body()).isFalse();
        return result;
    }

    /** Column {@code value} by column {@code key} of every row of every series. */
    private static Map<String, String> stringValues(JsonNode result, int key, int value) {
        Map<String, String> values = new HashMap<>();
        result.path("series").forEach(series -> series.path("values").forEach(row ->
                values.put(row.get(key).asText(), row.get(value).asText())));
        return values;
    }

    /** The one row of each series of a {@code GROUP BY *} query, by the series' tags. */
    private static Map<Map<String, String>, JsonNode> lastBySeries(JsonNode result) {
        Map<Map<String, String>, JsonNode> rows = new HashMap<>();
        result.path("series").forEach(series -> {
            Map<String, String> tags = new HashMap<>();
            series.path("tags").fields().forEachRemaining(tag -> tags.put(tag.getKey(), tag.getValue().asText()));
            rows.put(tags, series.path("values").get(0));
        });
        return rows;
    }

    @SuppressWarnings("unchecked")
    private static <T> void send(KafkaProducer<String, byte[]> producer, String topic, String key, long timestamp,
                                 T value) {
        byte[] bytes = JsonSerde.of((Class<T>) value.getClass()).serialize(topic, value);
        producer.send(new ProducerRecord<>(topic, null, timestamp, key, bytes));
    }

    private static KafkaProducer<String, byte[]> producer() {
        return new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true), new StringSerializer(), new ByteArraySerializer());
    }

    private static KafkaConsumer<String, String> consumer() {
        KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "influx-test-reader",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                new StringDeserializer(), new StringDeserializer());
        consumer.subscribe(List.of(Topics.INFLUX));
        return consumer;
    }
}
