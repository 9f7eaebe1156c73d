package io.supervisorkafka.streams;

import static io.supervisorkafka.streams.Fixtures.info;
import static io.supervisorkafka.streams.Fixtures.processEvent;
import static io.supervisorkafka.streams.Fixtures.running;
import static io.supervisorkafka.streams.Fixtures.snapshot;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.supervisorkafka.schemas.JsonSerde;
import io.supervisorkafka.schemas.SupervisorEvent;
import io.supervisorkafka.schemas.SupervisorSnapshot;
import io.supervisorkafka.schemas.Topics;
import io.supervisorkafka.streams.prometheus.Exposition;
import io.supervisorkafka.streams.prometheus.HttpListen;
import io.supervisorkafka.testkit.SingleNodeKafka;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The real app, as StreamsMain configures it with {@code --http-listen 127.0.0.1:0}, on a real single-node KRaft
 * cluster: {@code /-/ready} before and after it runs, and {@code /metrics} over HTTP as records arrive.
 */
class PrometheusEndpointTest {

    private static final Duration PATIENCE = Duration.ofSeconds(90);
    private static final String SERVER = Fixtures.SERVER;
    private static KafkaClusterTestKit cluster;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

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

    private HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void notReadyUntilRunningThenServesTheStoresOverHttp() throws Exception {
        StreamsMain main = new StreamsMain();
        new CommandLine(main).parseArgs("--bootstrap-servers", cluster.bootstrapServers(),
                "--application-id", "prometheus-endpoint-test", "--state-dir", stateDir.toString(),
                "--partitions", "2", "--replication-factor", "1", "--punctuate-interval", "1s",
                "--http-listen", "127.0.0.1:0");
        Properties properties = main.streamsProperties();
        PipelineConfig config = main.pipelineConfig(properties);
        Optional<HttpListen> listen = main.httpListen(properties);
        StreamsMain.withoutPipelineKeys(properties);

        int port;
        try (StreamsApp app = new StreamsApp(properties, config, listen);
             KafkaProducer<String, byte[]> producer = producer()) {
            app.listen();
            port = app.endpointAddress().orElseThrow().port();
            assertThat(app.endpointAddress().orElseThrow().host()).isEqualTo("127.0.0.1");

            // Not started yet: CREATED, deterministically not RUNNING.
            HttpResponse<String> notReady = get(port, "/-/ready");
            assertThat(notReady.statusCode()).isEqualTo(503);
            assertThat(notReady.body()).isEqualTo("not ready: Kafka Streams is CREATED\n");
            assertThat(get(port, "/-/healthy").statusCode()).isEqualTo(200);
            HttpResponse<String> early = get(port, "/metrics");
            assertThat(early.statusCode()).isEqualTo(200);
            Exposition before = Exposition.parse(early.body());
            assertThat(before.value("supervisor_kafka_streams_ready")).contains(0.0);
            assertThat(before.value("supervisor_kafka_streams_store_ready", "store", "process-status")).contains(0.0);
            assertThat(before.samples("supervisord_up")).isEmpty();
            assertThat(get(port, "/nothing-here").statusCode()).isEqualTo(404);

            app.start();
            await().atMost(PATIENCE).pollInterval(Duration.ofMillis(100))
                    .until(() -> get(port, "/-/ready").statusCode() == 200);
            assertThat(app.state()).isEqualTo(KafkaStreams.State.RUNNING);
            assertThat(get(port, "/-/ready").body()).isEqualTo("ready: Kafka Streams is RUNNING\n");

            long t = System.currentTimeMillis();
            send(producer, Topics.SNAPSHOTS, SupervisorSnapshot.class, snapshot(t,
                    running("probe", 3564, t - 60_000, t), running("sleeper", 3944, t - 30_000, t),
                    info("retired", "retired", "STOPPED", 0, 0, 0, t, 0, "", "Not started")), t);
            send(producer, Topics.EVENTS, SupervisorEvent.class,
                    processEvent(1, "sleeper", "sleeper", "EXITED", 3944L, t + 1_000), t + 1_000);
            producer.flush();

            await().atMost(PATIENCE).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
                HttpResponse<String> response = get(port, "/metrics");
                assertThat(response.statusCode()).isEqualTo(200);
                assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(type ->
                        assertThat(type).startsWith("text/plain; version=0.0.4"));
                Exposition scrape = Exposition.parse(response.body());
                assertThat(scrape.value("supervisord_up", "server", SERVER, "group", "probe", "name", "probe"))
                        .contains(1.0);
                assertThat(scrape.value("supervisord_up", "server", SERVER, "group", "sleeper", "name", "sleeper"))
                        .contains(0.0);
                assertThat(scrape.value("supervisord_state", "server", SERVER, "group", "sleeper", "name",
                        "sleeper")).contains(100.0);
                assertThat(scrape.value("supervisord_state", "server", SERVER, "group", "retired", "name",
                        "retired")).contains(0.0);
                assertThat(scrape.value("supervisord_start_time_seconds", "server", SERVER, "group", "probe",
                        "name", "probe")).contains((double) ((t - 60_000) / 1000));
                assertThat(scrape.value("supervisord_processes", "server", SERVER, "status", "down")).contains(2.0);
                assertThat(scrape.value("supervisord_can_connect", "server", SERVER)).contains(1.0);
                assertThat(scrape.value("supervisord_instance_state", "server", SERVER)).contains(1.0);
                assertThat(scrape.value("supervisor_kafka_streams_ready")).contains(1.0);
                assertThat(scrape.value("supervisor_kafka_streams_store_ready", "store", "process-status"))
                        .contains(1.0);
            });
            assertThat(get(port, "/metrics").body()).contains("# HELP supervisord_up ", "# TYPE supervisord_up gauge");

            app.close(Duration.ofSeconds(30));
            assertThat(app.awaitTermination(Duration.ofSeconds(30))).isTrue();
        }
        assertThatThrownBy(() -> get(port, "/-/ready")).as("closed with the app").isInstanceOf(ConnectException.class);
    }

    @Test
    void aPortTakenIsOneLineAndExitStatus1() throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1,
                java.net.InetAddress.getByName("127.0.0.1"))) {
            java.io.StringWriter err = new java.io.StringWriter();
            int exitCode = new CommandLine(new StreamsMain()).setErr(new java.io.PrintWriter(err)).execute(
                    "--bootstrap-servers", cluster.bootstrapServers(), "--application-id", "prometheus-port-taken",
                    "--state-dir", stateDir.toString(), "--http-listen", "127.0.0.1:" + taken.getLocalPort());

            assertThat(exitCode).isEqualTo(1);
            assertThat(err.toString()).startsWith("supervisor-kafka-streams: cannot listen on 127.0.0.1:"
                    + taken.getLocalPort() + " (--http-listen): ").hasLineCount(1);
        }
    }

    private static <V> void send(KafkaProducer<String, byte[]> producer, String topic, Class<V> type, V value,
                                 long timestamp) {
        producer.send(new ProducerRecord<>(topic, null, timestamp, SERVER,
                JsonSerde.of(type).serialize(topic, value)));
    }

    private static KafkaProducer<String, byte[]> producer() {
        return new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true), new StringSerializer(), new ByteArraySerializer());
    }
}
