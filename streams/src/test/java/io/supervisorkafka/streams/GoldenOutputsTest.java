package io.supervisorkafka.streams;

import static io.supervisorkafka.streams.Fixtures.SERVER;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.supervisorkafka.schemas.DockerSnapshot;
import io.supervisorkafka.schemas.Json;
import io.supervisorkafka.schemas.JsonSerde;
import io.supervisorkafka.schemas.StatsdMetrics;
import io.supervisorkafka.schemas.SupervisorEvent;
import io.supervisorkafka.schemas.Topics;
import io.supervisorkafka.streams.docker.DockerdCapture;
import io.supervisorkafka.streams.gunicorn.GunicornStatsdCapture;
import io.supervisorkafka.streams.supervisor.SupervisordEventsCapture;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reference captures through the whole topology, compared with the committed expected outputs in
 * {@code src/test/resources/golden/<capture>/<topic>.jsonl} (one {@code {"key":...,"value":...}} line per record),
 * ignoring record order and the time fields, so that an output added, renamed or removed shows in review. The
 * topology's description (processor, store and internal topic names, which running deployments depend on) is kept
 * in {@code golden/topology.txt} the same way. Refresh with {@code -Dgolden.update=true} ({@link GoldenFiles}).
 */
class GoldenOutputsTest {

    /** Fields holding epoch milliseconds: replaced by {@value #TIME}, since only the content is compared. */
    private static final Set<String> TIME_FIELDS = Set.of("observedAt", "timestamp", "updatedAt", "since",
            "startedAt", "start", "end", "stateAt");
    private static final String TIME = "<time>";
    /** Maps (tags, counts by state) with their keys in order, records with their fields in declaration order. */
    private static final ObjectMapper CANONICAL = Json.MAPPER.copy()
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);
    private static final Path GOLDEN = GoldenFiles.moduleDir().resolve("src/test/resources/golden");

    @TempDir
    Path stateDir;

    /** supervisord 4.2.5's events (two runs of supervisord), each processed when observed, as a live app would. */
    @Test
    void supervisordEvents() {
        List<List<SupervisorEvent>> runs = SupervisordEventsCapture.runs(SERVER);
        long[] wallClock = {SupervisordEventsCapture.RUN_STARTS[0]};
        try (TopologyTestDriver driver = TopologyDrivers.start(stateDir, wallClock[0])) {
            TopologyOutputs outputs = new TopologyOutputs(driver);
            TestInputTopic<String, SupervisorEvent> events = driver.createInputTopic(Topics.EVENTS,
                    new StringSerializer(), JsonSerde.of(SupervisorEvent.class));
            runs.forEach(run -> run.forEach(event -> {
                if (event.observedAt() > wallClock[0]) {
                    driver.advanceWallClockTime(Duration.ofMillis(event.observedAt() - wallClock[0]));
                    wallClock[0] = event.observedAt();
                }
                events.pipeInput(new TestRecord<>(event.server(), event, Instant.ofEpochMilli(event.observedAt())));
                outputs.drain();
            }));
            assertGolden("supervisor-4.2.5-events", outputs);
        }
    }

    /** dockerd 20.10's page scraped twice, 15 s apart: the second scrape gives the rates (nothing moved: zeros). */
    @Test
    void dockerdPage() {
        long t0 = Fixtures.T0;
        try (TopologyTestDriver driver = TopologyDrivers.start(stateDir, t0)) {
            TopologyOutputs outputs = new TopologyOutputs(driver);
            TestInputTopic<String, DockerSnapshot> scrapes = driver.createInputTopic(Topics.DOCKER,
                    new StringSerializer(), JsonSerde.of(DockerSnapshot.class));
            for (long at : new long[] {t0, t0 + 15_000}) {
                scrapes.pipeInput(new TestRecord<>(SERVER, DockerdCapture.scrape(SERVER, at, 12),
                        Instant.ofEpochMilli(at)));
                outputs.drain();
            }
            assertGolden("dockerd-20.10-metrics", outputs);
        }
    }

    /**
     * gunicorn 20.1's StatsD lines as one 10 s interval, then two silent intervals (its counters at 0), which close
     * the fleet window of the first.
     */
    @Test
    void gunicornStatsd() {
        long t0 = 1_795_307_160_000L; // a multiple of the 10 s fleet window
        try (TopologyTestDriver driver = TopologyDrivers.start(stateDir, t0)) {
            TopologyOutputs outputs = new TopologyOutputs(driver);
            TestInputTopic<String, StatsdMetrics> statsd = driver.createInputTopic(Topics.STATSD,
                    new StringSerializer(), JsonSerde.of(StatsdMetrics.class));
            List<StatsdMetrics> intervals = List.of(GunicornStatsdCapture.interval(SERVER, t0, t0 + 10_000),
                    GunicornStatsdCapture.silentInterval(SERVER, t0 + 10_000, t0 + 20_000),
                    GunicornStatsdCapture.silentInterval(SERVER, t0 + 20_000, t0 + 30_000));
            for (StatsdMetrics interval : intervals) {
                statsd.pipeInput(new TestRecord<>(SERVER, interval, Instant.ofEpochMilli(interval.end())));
                outputs.drain();
            }
            assertGolden("gunicorn-20.1-statsd", outputs);
        }
    }

    /**
     * With {@code --influx}: the lines of {@code supervisor.influx} from the supervisord events and the dockerd page,
     * as text, one {@code key<TAB>line} per record (timestamps included: the captures' times are fixed).
     */
    @Test
    void influxLines() {
        long[] wallClock = {SupervisordEventsCapture.RUN_STARTS[0]};
        try (TopologyTestDriver driver = TopologyDrivers.start(stateDir, wallClock[0],
                PipelineConfig.defaults().withInflux(true))) {
            TopologyOutputs outputs = new TopologyOutputs(driver);
            TestInputTopic<String, SupervisorEvent> events = driver.createInputTopic(Topics.EVENTS,
                    new StringSerializer(), JsonSerde.of(SupervisorEvent.class));
            SupervisordEventsCapture.runs(SERVER).forEach(run -> run.forEach(event -> {
                if (event.observedAt() > wallClock[0]) {
                    driver.advanceWallClockTime(Duration.ofMillis(event.observedAt() - wallClock[0]));
                    wallClock[0] = event.observedAt();
                }
                events.pipeInput(new TestRecord<>(event.server(), event, Instant.ofEpochMilli(event.observedAt())));
            }));
            TestInputTopic<String, DockerSnapshot> scrapes = driver.createInputTopic(Topics.DOCKER,
                    new StringSerializer(), JsonSerde.of(DockerSnapshot.class));
            for (long at : new long[] {Fixtures.T0, Fixtures.T0 + 15_000}) {
                scrapes.pipeInput(new TestRecord<>(SERVER, DockerdCapture.scrape(SERVER, at, 12),
                        Instant.ofEpochMilli(at)));
            }
            outputs.drain();
            GoldenFiles.assertLineFiles(GOLDEN.resolve("influx"), Map.of(Topics.INFLUX + ".txt",
                    outputs.influx.stream().map(record -> record.key + "\t" + record.value).toList()));
        }
    }

    @Test
    void topologyDescription() {
        GoldenFiles.assertFile(GOLDEN.resolve("topology.txt"),
                TopologyFactory.build(PipelineConfig.defaults()).describe().toString());
    }

    /** With {@code --influx}: the default topology and the influx processors and sinks, nothing else changed. */
    @Test
    void topologyDescriptionWithInflux() {
        GoldenFiles.assertFile(GOLDEN.resolve("topology-influx.txt"),
                TopologyFactory.build(PipelineConfig.defaults().withInflux(true)).describe().toString());
    }

    private static void assertGolden(String capture, TopologyOutputs outputs) {
        Map<String, List<String>> lines = new LinkedHashMap<>();
        outputs.everything.forEach((topic, records) -> {
            List<String> topicLines = new ArrayList<>();
            for (KeyValue<String, Object> record : records) {
                ObjectNode line = CANONICAL.createObjectNode();
                line.put("key", record.key);
                line.set("value", withoutTimes(CANONICAL.valueToTree(record.value)));
                topicLines.add(canonical(line));
            }
            lines.put(topic + ".jsonl", topicLines);
        });
        GoldenFiles.assertLineFiles(GOLDEN.resolve(capture), lines);
    }

    private static String canonical(JsonNode line) {
        try {
            return CANONICAL.writeValueAsString(line);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode withoutTimes(JsonNode node) {
        if (node instanceof ObjectNode object) {
            object.fieldNames().forEachRemaining(name -> {
                if (TIME_FIELDS.contains(name) && object.get(name).isNumber()) {
                    object.set(name, TextNode.valueOf(TIME));
                } else {
                    withoutTimes(object.get(name));
                }
            });
        } else if (node != null && node.isArray()) {
            node.forEach(GoldenOutputsTest::withoutTimes);
        }
        return node;
    }
}
