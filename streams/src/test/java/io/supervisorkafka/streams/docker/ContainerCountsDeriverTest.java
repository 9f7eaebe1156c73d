package io.supervisorkafka.streams.docker;

import static io.supervisorkafka.streams.Fixtures.SERVER;
import static io.supervisorkafka.streams.Fixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.supervisorkafka.schemas.ContainerCounts;
import io.supervisorkafka.schemas.DockerSnapshot;
import io.supervisorkafka.testkit.SchemaValidator;
import io.supervisorkafka.schemas.Topics;
import io.supervisorkafka.streams.ProcessorHarness;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ContainerCountsDeriverTest {
    @TempDir
    Path stateDir;
    private ProcessorHarness<String, DockerSnapshot, String, ContainerCounts> harness;

    @BeforeEach
    void start() {
        harness = new ProcessorHarness<>(new ContainerCountsDeriver(), stateDir.toFile(), T0);
        harness.withStore(ContainerCountsDeriver.storeBuilder());
        harness.start();
    }

    @AfterEach
    void close() {
        harness.close();
    }

    private List<ContainerCounts> send(DockerSnapshot snapshot) {
        return harness.process(SERVER, snapshot, snapshot.observedAt()).stream().map(record -> {
            assertThat(record.key()).isEqualTo(SERVER);
            SchemaValidator.assertValid(Topics.CONTAINER_COUNTS, record.value());
            return record.value();
        }).toList();
    }

    @Test
    void countsByStateOnFirstSightAndOnChangeOnly() {
        assertThat(send(DockerPage.captured().snapshot(T0)))
                .containsExactly(new ContainerCounts(SERVER, 0, 0, 0, 0, T0));
        assertThat(send(DockerPage.captured().snapshot(T0 + 15_000))).as("the same counts").isEmpty();

        assertThat(send(DockerPage.captured().containers(3, 1, 2).snapshot(T0 + 30_000)))
                .containsExactly(new ContainerCounts(SERVER, 3, 1, 2, 6, T0 + 30_000));
    }

    @Test
    void aFailedScrapeOrAPageWithoutContainerStatesLeavesTheCountsAsTheyWere() {
        send(DockerPage.captured().containers(1, 0, 0).snapshot(T0));

        assertThat(send(DockerPage.failed(T0 + 15_000, "connection refused"))).isEmpty();
        DockerSnapshot full = DockerPage.captured().snapshot(T0 + 30_000);
        DockerSnapshot withoutStates = new DockerSnapshot(SERVER, T0 + 30_000, full.source(), full.mode(), 9, null,
                full.families().stream()
                        .filter(family -> !family.name().equals("engine_daemon_container_states_containers"))
                        .toList());
        assertThat(send(withoutStates)).isEmpty();
        assertThat(send(DockerPage.captured().containers(1, 0, 0).snapshot(T0 + 45_000))).as("nothing changed")
                .isEmpty();
    }

    @Test
    void aScrapeOlderThanTheLastCountedChangesNothing() {
        send(DockerPage.captured().containers(2, 0, 0).snapshot(T0 + 15_000));

        assertThat(send(DockerPage.captured().containers(1, 0, 0).snapshot(T0))).isEmpty();
    }
}
