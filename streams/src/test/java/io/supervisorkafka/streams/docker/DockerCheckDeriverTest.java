package io.supervisorkafka.streams.docker;

import static io.supervisorkafka.streams.Fixtures.SERVER;
import static io.supervisorkafka.streams.Fixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.supervisorkafka.schemas.CheckStatus;
import io.supervisorkafka.schemas.DockerSnapshot;
import io.supervisorkafka.testkit.SchemaValidator;
import io.supervisorkafka.schemas.ServiceCheck;
import io.supervisorkafka.schemas.Topics;
import io.supervisorkafka.streams.ProcessorHarness;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.streams.processor.api.Record;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DockerCheckDeriverTest {
    private static final Duration INTERVAL = Duration.ofSeconds(15);
    private static final Duration STALE_AFTER = Duration.ofSeconds(90);
    private static final String KEY = "docker.can_connect|web-1";

    @TempDir
    Path stateDir;
    private ProcessorHarness<String, DockerSnapshot, String, ServiceCheck> harness;

    @BeforeEach
    void start() {
        harness = new ProcessorHarness<>(new DockerCheckDeriver(INTERVAL, STALE_AFTER), stateDir.toFile(), T0);
        harness.withStore(DockerCheckDeriver.storeBuilder());
        harness.start();
    }

    @AfterEach
    void close() {
        harness.close();
    }

    private List<ServiceCheck> send(DockerSnapshot snapshot) {
        harness.setWallClock(snapshot.observedAt() + 20);
        return validated(harness.process(SERVER, snapshot, snapshot.observedAt()));
    }

    private static List<ServiceCheck> validated(List<Record<String, ServiceCheck>> out) {
        return out.stream().map(record -> {
            assertThat(record.key()).isEqualTo(KEY).isEqualTo(record.value().key());
            SchemaValidator.assertValid(Topics.SERVICE_CHECKS, record.value());
            return record.value();
        }).toList();
    }

    @Test
    void aFirstSuccessfulScrapeIsOkWithTheSourceAndTheEngineVersion() {
        assertThat(send(DockerPage.captured().snapshot(T0))).containsExactly(new ServiceCheck(
                ServiceCheck.DOCKER_CAN_CONNECT, SERVER, null, null, CheckStatus.OK, null,
                "docker engine on web-1 is reachable at http://127.0.0.1:9323/metrics since 2026-11-22T00:41:00Z "
                        + "(docker 20.10.24+dfsg1)", T0));
        assertThat(send(DockerPage.captured().snapshot(T0 + 15_000))).as("only changes").isEmpty();
    }

    @Test
    void aFirstFailedScrapeIsCriticalNamingTheSourceAndTheError() {
        assertThat(send(DockerPage.failed(T0, "connect: connection refused"))).singleElement().satisfies(check -> {
            assertThat(check.status()).isEqualTo(CheckStatus.CRITICAL);
            assertThat(check.previous()).isNull();
            assertThat(check.message()).isEqualTo("docker engine on web-1 is unreachable at "
                    + "http://127.0.0.1:9323/metrics since 2026-11-22T00:41:00Z: connect: connection refused");
        });
    }

    @Test
    void failingScrapesAreCriticalOnceAndTheNextSuccessIsOkAgain() {
        send(DockerPage.captured().snapshot(T0));

        assertThat(send(DockerPage.failed(T0 + 15_000, "timed out after 5s"))).singleElement().satisfies(check -> {
            assertThat(check.status()).isEqualTo(CheckStatus.CRITICAL);
            assertThat(check.previous()).isEqualTo(CheckStatus.OK);
            assertThat(check.timestamp()).isEqualTo(T0 + 15_000);
            assertThat(check.message()).endsWith("since 2026-11-22T00:41:15Z: timed out after 5s");
        });
        assertThat(send(DockerPage.failed(T0 + 30_000, "connection refused"))).as("still CRITICAL").isEmpty();
        assertThat(send(DockerPage.captured().withoutEngineInfo().snapshot(T0 + 45_000))).singleElement()
                .satisfies(check -> {
                    assertThat(check.status()).isEqualTo(CheckStatus.OK);
                    assertThat(check.previous()).isEqualTo(CheckStatus.CRITICAL);
                    assertThat(check.message()).as("the version is remembered")
                            .endsWith("since 2026-11-22T00:41:45Z (docker 20.10.24+dfsg1)");
                });
    }

    @Test
    void noScrapeWithinTheLimitTurnsItUnknownThenTheNextScrapeRestoresIt() {
        send(DockerPage.captured().snapshot(T0));

        assertThat(harness.punctuateAt(T0 + 60_000)).as("within the limit").isEmpty();
        assertThat(validated(harness.punctuateAt(T0 + 91_000))).singleElement().satisfies(check -> {
            assertThat(check.status()).isEqualTo(CheckStatus.UNKNOWN);
            assertThat(check.previous()).isEqualTo(CheckStatus.OK);
            assertThat(check.timestamp()).isEqualTo(T0 + 91_000);
            assertThat(check.message()).isEqualTo("no scrape of the docker engine on web-1 since "
                    + "2026-11-22T00:41:00Z: none arrived within 90s, its listener may be down");
        });
        assertThat(harness.punctuateAt(T0 + 200_000)).as("already UNKNOWN").isEmpty();

        assertThat(send(DockerPage.failed(T0 + 210_000, "connection refused"))).singleElement()
                .satisfies(check -> assertThat(check.previous()).isEqualTo(CheckStatus.UNKNOWN));
    }

    @Test
    void failedScrapesStillArrivingAreNotStaleAndALateScrapeChangesNothing() {
        send(DockerPage.failed(T0 + 30_000, "refused"));
        send(DockerPage.failed(T0 + 90_000, "refused"));

        assertThat(harness.punctuateAt(T0 + 150_000)).isEmpty();
        assertThat(send(DockerPage.captured().snapshot(T0))).as("older than the last scrape").isEmpty();
    }
}
