package io.supervisorkafka.streams.selfmetrics;

import static io.supervisorkafka.streams.Fixtures.SERVER;
import static io.supervisorkafka.streams.Fixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.supervisorkafka.schemas.CheckStatus;
import io.supervisorkafka.schemas.JsonSerde;
import io.supervisorkafka.schemas.ListenerMetrics;
import io.supervisorkafka.schemas.MetricPoint;
import io.supervisorkafka.schemas.ServiceCheck;
import io.supervisorkafka.schemas.Topics;
import io.supervisorkafka.streams.Fixtures;
import io.supervisorkafka.streams.TopologyDrivers;
import io.supervisorkafka.streams.TopologyOutputs;
import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The listener's own counters through the topology on TopologyTestDriver. */
class ListenerSelfMetricsTopologyTest {
    @TempDir
    Path stateDir;
    private TopologyTestDriver driver;
    private TestInputTopic<String, ListenerMetrics> listenerMetrics;
    private TopologyOutputs outputs;

    @BeforeEach
    void start() {
        driver = TopologyDrivers.start(stateDir, T0);
        listenerMetrics = driver.createInputTopic(Topics.LISTENER_METRICS, new StringSerializer(),
                JsonSerde.of(ListenerMetrics.class));
        outputs = new TopologyOutputs(driver);
    }

    @AfterEach
    void close() {
        driver.close();
    }

    @Test
    void listenerCountersBecomeMetricPoints() {
        listenerMetrics.pipeInput(SERVER, ListenerMetricsEmitterTest.metrics(T0 + 60_000, 3,
                Map.of("docker.failed", 1L)));

        outputs.drain();
        assertThat(outputs.metricsNamed("supervisor_kafka.listener.spool.dropped")).extracting(MetricPoint::value)
                .containsExactly(3.0);
        assertThat(outputs.metricsNamed("supervisor_kafka.listener.source.docker.failed")).hasSize(1);
        assertThat(outputs.checks).isEmpty();
        assertThat(outputs.containerCounts).isEmpty();

        // Keyed by the record's server whatever the input key (the outputs check that the key is the server tag).
        ListenerMetrics other = ListenerMetricsEmitterTest.metrics(T0, 0, Map.of());
        listenerMetrics.pipeInput("web-1-renamed", other);
        assertThat(outputs.drain().metrics).isNotEmpty().allSatisfy(kv -> assertThat(kv.key).isEqualTo(SERVER));
    }

    @Test
    void lostEventsBecomeAWarningCheckAndOkAgain() {
        for (long[] record : new long[][] {{T0, 0}, {T0 + 2_000, 852}, {T0 + 17_000, 852}}) {
            listenerMetrics.pipeInput(SERVER, new ListenerMetrics(SERVER, Fixtures.INSTANCE, T0 - 60_000, record[0],
                    1250, 0, 0, 1250, 0, new ListenerMetrics.Spool("block", 4096, 67_108_864, 0, 0, 0), Map.of(),
                    record[1]));
        }

        assertThat(outputs.drain().checksOf("supervisor_kafka.listener.events_lost|" + SERVER))
                .extracting(ServiceCheck::status).containsExactly(CheckStatus.OK, CheckStatus.WARNING,
                        CheckStatus.OK);
        assertThat(outputs.metricsNamed("supervisor_kafka.listener.events_lost")).extracting(MetricPoint::value)
                .containsExactly(0.0, 852.0, 852.0);
    }
}
