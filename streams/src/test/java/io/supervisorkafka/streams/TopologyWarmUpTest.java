package io.supervisorkafka.streams;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TopologyWarmUpTest {

    private static Properties appProperties() {
        Properties properties = StreamsMain.defaultProperties();
        properties.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:9");
        return properties;
    }

    @Test
    void theTopologyDerivesFromTheSimulatedFleetAndItsStoresAreRemoved(@TempDir Path scratch) throws Exception {
        Path stateDir = Files.createDirectories(scratch.resolve("state"));

        TopologyWarmUp.Result result = TopologyWarmUp.run(PipelineConfig.defaults().withInflux(true),
                appProperties(), Duration.ofSeconds(2), () -> false, stateDir);

        assertThat(result.recordsIn()).isPositive();
        // Statuses, checks, metric points and changelogs for every snapshot's processes: the processors ran.
        assertThat(result.recordsOut()).isGreaterThan(result.recordsIn());
        assertThat(stateDir).doesNotExist();
    }

    @Test
    void stopsWhenAskedLongBeforeItsBudget(@TempDir Path scratch) throws Exception {
        AtomicInteger looks = new AtomicInteger();

        TopologyWarmUp.Result result = TopologyWarmUp.run(PipelineConfig.defaults(), appProperties(),
                Duration.ofHours(1), () -> looks.incrementAndGet() > 20, scratch.resolve("state"));

        assertThat(looks).hasValue(21);
        assertThat(result.recordsIn()).isPositive();
        assertThat(scratch.resolve("state")).doesNotExist();
    }

    @Test
    void noBudgetNoWarmUp() {
        try (TopologyWarmUp warmUp = TopologyWarmUp.startInBackground(PipelineConfig.defaults(), appProperties(),
                Duration.ZERO)) {
            assertThat(warmUp.running()).isFalse();
        }
    }
}
