package io.supervisorkafka.streams.docker;

import static io.supervisorkafka.streams.Fixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.supervisorkafka.schemas.DockerSnapshot;
import io.supervisorkafka.schemas.JsonSerde;
import io.supervisorkafka.schemas.Topics;
import io.supervisorkafka.streams.PipelineConfig;
import io.supervisorkafka.streams.TopologyDrivers;
import io.supervisorkafka.streams.influx.InfluxLine;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Telegraf's {@code docker} container counts on {@code supervisor.influx}, one line per scrape. */
class DockerInfluxTopologyTest {

    @TempDir
    Path stateDir;

    @Test
    void eachSuccessfulScrapeWithContainerStatesIsOneLineAsEachGatherOfTelegrafsDockerInput() {
        try (TopologyTestDriver driver = TopologyDrivers.start(stateDir, T0,
                PipelineConfig.defaults().withInflux(true))) {
            TestInputTopic<String, DockerSnapshot> scrapes = driver.createInputTopic(Topics.DOCKER,
                    new StringSerializer(), JsonSerde.of(DockerSnapshot.class));
            TestOutputTopic<String, String> influx = driver.createOutputTopic(Topics.INFLUX, new StringDeserializer(),
                    new StringDeserializer());
            List<DockerSnapshot> sent = List.of(
                    DockerPage.captured().containers(1, 0, 2).snapshot(T0),
                    DockerPage.failed(T0 + 15_000, "connect: connection refused"),
                    new DockerSnapshot(DockerPage.SERVER, T0 + 30_000, DockerPage.SOURCE, DockerSnapshot.SCRAPE, 9,
                            null, List.of()),
                    DockerPage.captured().containers(4, 1, 0).withoutEngineInfo().snapshot(T0 + 45_000));
            sent.forEach(scrape -> scrapes.pipeInput(new TestRecord<>(DockerPage.SERVER, scrape,
                    Instant.ofEpochMilli(scrape.observedAt()))));

            List<KeyValue<String, String>> lines = influx.readKeyValuesToList();
            assertThat(lines).containsExactly(
                    KeyValue.pair("web-1", "docker,engine_host=web-1,host=web-1,server=web-1,"
                            + "server_version=20.10.24+dfsg1 n_containers=3i,n_containers_paused=0i,"
                            + "n_containers_running=1i,n_containers_stopped=2i " + T0 + "000000"),
                    KeyValue.pair("web-1", "docker,engine_host=web-1,host=web-1,server=web-1 n_containers=5i,"
                            + "n_containers_paused=1i,n_containers_running=4i,n_containers_stopped=0i "
                            + (T0 + 45_000) + "000000"));
            lines.forEach(line -> InfluxLine.parse(line.value).assertConforms());
        }
    }
}
