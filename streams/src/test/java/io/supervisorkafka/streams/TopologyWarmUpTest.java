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

        AtomicInteger steps = new AtomicInteger();

        TopologyWarmUp.Result result = TopologyWarmUp.run(PipelineConfig.defaults().withInflux(true),
                appProperties(), Duration.ofHours(1), () -> steps.incrementAndGet() > 100, stateDir);

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
    void whatAKilledWarmUpLeftIsRemovedByTheNext(@TempDir Path scratch) throws Exception {
        Path stateDir = scratch.resolve("state");
        Path leftOver = Files.createDirectories(stateDir.resolve("supervisor-kafka-streams/0_0/rocksdb"));
        Files.writeString(leftOver.resolve("000001.sst"), "left by a warm-up killed with the app");

        TopologyWarmUp.run(PipelineConfig.defaults(), appProperties(), Duration.ofHours(1), () -> true, stateDir);

        assertThat(stateDir).doesNotExist();
    }

    @Test
    void itsScratchDirectoryIsBesideTheAppsStateOnePerApplication() {
        Properties properties = appProperties();
        properties.put(StreamsConfig.STATE_DIR_CONFIG, "/var/lib/supervisor-kafka/streams");
        properties.put(StreamsConfig.APPLICATION_ID_CONFIG, "fleet-a");

        assertThat(TopologyWarmUp.scratchDirectory(properties))
                .isEqualTo(Path.of("/var/lib/supervisor-kafka/streams/.warm-up-fleet-a"));
    }

    @Test
    void theAppsStateDirectoryIsCreatedBeforeTheWarmUpsThreadCouldRaceKafkaStreamsToIt(@TempDir Path scratch) {
        Path stateDir = scratch.resolve("not/yet/there");
        Properties properties = appProperties();
        properties.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());

        assertThat(TopologyWarmUp.stateDirectoryCreated(TopologyWarmUp.scratchDirectory(properties))).isTrue();

        assertThat(stateDir).isDirectory();
        assertThat(TopologyWarmUp.scratchDirectory(properties)).doesNotExist();
    }

    @Test
    void noBudgetNoWarmUp() {
        try (TopologyWarmUp warmUp = TopologyWarmUp.startInBackground(PipelineConfig.defaults(), appProperties(),
                Duration.ZERO)) {
            assertThat(warmUp.running()).isFalse();
        }
    }
}
