package io.supervisorkafka.streams;

import static io.supervisorkafka.streams.Fixtures.T0;
import static io.supervisorkafka.streams.Fixtures.processEvent;
import static org.assertj.core.api.Assertions.assertThat;

import io.supervisorkafka.schemas.JsonSerde;
import io.supervisorkafka.schemas.SupervisorEvent;
import io.supervisorkafka.schemas.Topics;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Properties;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The application's count of dropped redeliveries, on the whole topology in TopologyTestDriver. */
class DroppedDuplicatesMetricTest {

    @TempDir
    Path stateDir;

    private TopologyTestDriver driver;
    private TestInputTopic<String, SupervisorEvent> events;

    @BeforeEach
    void start() {
        Properties properties = StreamsMain.defaultProperties();
        properties.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:9");
        properties.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        driver = new TopologyTestDriver(TopologyFactory.build(PipelineConfig.defaults()), properties,
                Instant.ofEpochMilli(T0));
        events = driver.createInputTopic(Topics.EVENTS, new StringSerializer(), JsonSerde.of(SupervisorEvent.class));
    }

    @AfterEach
    void close() {
        driver.close();
    }

    private void send(long serial, long observedAt) {
        SupervisorEvent event = processEvent(serial, "probe", "probe", "RUNNING", 3564L, observedAt);
        events.pipeInput(event.server(), event, observedAt);
    }

    private long dropped() {
        Metric metric = EventDeduplicator.droppedDuplicates(driver.metrics()).orElseThrow();
        return ((Number) metric.metricValue()).longValue();
    }

    @Test
    void theMetricCountsEveryRedeliveryAndNothingElse() {
        for (long serial = 0; serial < 10; serial++) {
            send(serial, T0 + serial);
        }
        assertThat(dropped()).isZero();

        // The listener's spool replays serials 3 to 5 after a crash, and supervisord resends 5 once more.
        for (long serial = 3; serial <= 5; serial++) {
            send(serial, T0 + 20_000 + serial);
        }
        send(5, T0 + 30_000);
        send(10, T0 + 30_001);

        assertThat(dropped()).isEqualTo(4);
    }
}
