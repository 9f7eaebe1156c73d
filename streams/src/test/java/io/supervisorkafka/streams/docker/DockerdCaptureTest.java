package io.supervisorkafka.streams.docker;

import static org.assertj.core.api.Assertions.assertThat;

import io.supervisorkafka.schemas.DockerSnapshot;
import io.supervisorkafka.testkit.SchemaValidator;
import io.supervisorkafka.schemas.Topics;
import java.util.HashSet;
import org.junit.jupiter.api.Test;

/** The captured page as the listener keeps it, and the hand-built {@link DockerPage} the other tests move on. */
class DockerdCaptureTest {

    @Test
    void theCapturedPageKeepsTheEngineFamiliesInPageOrder() {
        DockerSnapshot scrape = DockerdCapture.scrape("web-1", 1_795_308_060_000L, 12);

        SchemaValidator.assertValid(Topics.DOCKER, scrape);
        assertThat(scrape.families()).isNotEmpty()
                .allSatisfy(family -> assertThat(family.name()).startsWith("engine_daemon_"));
        assertThat(scrape.family(DockerMetrics.CONTAINER_ACTIONS_FAMILY).type())
                .isEqualTo(DockerSnapshot.Family.HISTOGRAM);
        assertThat(DockerMetrics.Engine.of(scrape)).isEqualTo(new DockerMetrics.Engine("20.10.24+dfsg1",
                "Debian GNU/Linux 12 (bookworm)", "6.18.44-fc-v657"));
    }

    @Test
    void theHandBuiltPageHasTheCapturedFamiliesItBuilds() {
        DockerSnapshot captured = DockerdCapture.scrape("web-1", 1_795_308_060_000L, 12);
        DockerSnapshot built = DockerPage.captured().snapshot(1_795_308_060_000L);

        for (DockerSnapshot.Family family : built.families()) {
            DockerSnapshot.Family same = captured.family(family.name());
            assertThat(same).as(family.name()).isNotNull();
            assertThat(same.type()).as(family.name()).isEqualTo(family.type());
            assertThat(new HashSet<>(same.samples())).as(family.name())
                    .isEqualTo(new HashSet<>(family.samples()));
        }
    }
}
