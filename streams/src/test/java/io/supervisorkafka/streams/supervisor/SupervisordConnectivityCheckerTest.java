package io.supervisorkafka.streams.supervisor;

import static io.supervisorkafka.streams.Fixtures.SERVER;
import static io.supervisorkafka.streams.Fixtures.T0;
import static io.supervisorkafka.streams.Fixtures.failedSnapshot;
import static io.supervisorkafka.streams.Fixtures.snapshot;
import static org.assertj.core.api.Assertions.assertThat;

import io.supervisorkafka.schemas.CheckStatus;
import io.supervisorkafka.testkit.SchemaValidator;
import io.supervisorkafka.schemas.ServiceCheck;
import io.supervisorkafka.schemas.SupervisorSnapshot;
import io.supervisorkafka.schemas.Topics;
import io.supervisorkafka.streams.ProcessorHarness;
import io.supervisorkafka.streams.supervisor.SupervisorInput.SnapshotTaken;
import io.supervisorkafka.streams.supervisor.SupervisorInput.SupervisorStateObserved;
import io.supervisorkafka.streams.supervisor.SupervisordConnectivityUpdate.CanConnectChanged;
import io.supervisorkafka.streams.supervisor.SupervisordConnectivityUpdate.SupervisorStateChanged;
import java.io.File;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.streams.processor.api.Record;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SupervisordConnectivityCheckerTest {

    private static final Duration INTERVAL = Duration.ofSeconds(15);
    private static final Duration STALE_AFTER = Duration.ofSeconds(90);

    @TempDir
    File stateDir;

    private ProcessorHarness<String, SupervisorInput, String, SupervisordConnectivityUpdate> harness;

    @BeforeEach
    void start() {
        harness = new ProcessorHarness<>(new SupervisordConnectivityChecker(INTERVAL, STALE_AFTER), stateDir, T0);
        harness.withStore(SupervisordConnectivityChecker.storeBuilder());
        harness.start();
    }

    @AfterEach
    void close() {
        harness.close();
    }

    private List<Record<String, SupervisordConnectivityUpdate>> send(SupervisorSnapshot snapshot) {
        harness.setWallClock(snapshot.observedAt() + 20);
        return validated(harness.process(snapshot.server(), new SnapshotTaken(snapshot.server(), snapshot),
                snapshot.observedAt()));
    }

    private List<Record<String, SupervisordConnectivityUpdate>> send(SupervisorStateObserved observed) {
        return validated(harness.process(observed.server(), observed, observed.observedAt()));
    }

    private static List<Record<String, SupervisordConnectivityUpdate>> validated(
            List<Record<String, SupervisordConnectivityUpdate>> out) {
        out.forEach(record -> {
            if (record.value() instanceof CanConnectChanged changed) {
                SchemaValidator.assertValid(Topics.SERVICE_CHECKS, changed.check());
                assertThat(record.key()).isEqualTo(changed.check().key());
            } else {
                assertThat(record.key()).isEqualTo(((SupervisorStateChanged) record.value()).server());
            }
        });
        return out;
    }

    private static List<ServiceCheck> checks(List<Record<String, SupervisordConnectivityUpdate>> out) {
        return out.stream().map(Record::value).filter(CanConnectChanged.class::isInstance)
                .map(update -> ((CanConnectChanged) update).check()).toList();
    }

    private static List<SupervisorStateChanged> states(List<Record<String, SupervisordConnectivityUpdate>> out) {
        return out.stream().map(Record::value).filter(SupervisorStateChanged.class::isInstance)
                .map(SupervisorStateChanged.class::cast).toList();
    }

    @Test
    void aFirstSuccessfulSnapshotIsOkWithVersionAndState() {
        List<Record<String, SupervisordConnectivityUpdate>> out = send(snapshot(T0));

        assertThat(checks(out)).singleElement().satisfies(check -> {
            assertThat(check.key()).isEqualTo("supervisord.can_connect|web-1");
            assertThat(check.status()).isEqualTo(CheckStatus.OK);
            assertThat(check.previous()).isNull();
            assertThat(check.group()).isNull();
            assertThat(check.timestamp()).isEqualTo(T0);
            assertThat(check.message()).isEqualTo("supervisord on web-1 is reachable at http://127.0.0.1:9001/RPC2 "
                    + "since 2026-11-22T00:41:00Z (supervisord 4.2.5, state RUNNING)");
        });
        assertThat(states(out)).containsExactly(new SupervisorStateChanged(SERVER, "RUNNING", 1, T0));
    }

    @Test
    void onlyChangesAreEmitted() {
        send(snapshot(T0));

        assertThat(send(snapshot(T0 + 30_000))).isEmpty();
    }

    @Test
    void aFailedSnapshotIsCriticalWithTheError() {
        send(snapshot(T0));

        List<ServiceCheck> checks = checks(send(failedSnapshot(SERVER, T0 + 30_000,
                "[Errno 111] Connection refused")));

        assertThat(checks).singleElement().satisfies(check -> {
            assertThat(check.status()).isEqualTo(CheckStatus.CRITICAL);
            assertThat(check.previous()).isEqualTo(CheckStatus.OK);
            assertThat(check.message()).isEqualTo("supervisord on web-1 is unreachable at http://127.0.0.1:9001/RPC2"
                    + " since 2026-11-22T00:41:30Z: [Errno 111] Connection refused");
        });
        assertThat(checks(send(failedSnapshot(SERVER, T0 + 60_000, "timed out")))).as("still CRITICAL").isEmpty();
    }

    @Test
    void noSnapshotWithinTheLimitTurnsItUnknownThenTheNextSnapshotRestoresIt() {
        send(snapshot(T0));

        assertThat(harness.punctuateAt(T0 + 60_000)).as("within the limit").isEmpty();
        List<ServiceCheck> stale = checks(validated(harness.punctuateAt(T0 + 91_000)));
        assertThat(stale).singleElement().satisfies(check -> {
            assertThat(check.status()).isEqualTo(CheckStatus.UNKNOWN);
            assertThat(check.previous()).isEqualTo(CheckStatus.OK);
            assertThat(check.timestamp()).isEqualTo(T0 + 91_000);
            assertThat(check.message()).isEqualTo("no snapshot of supervisord on web-1 since 2026-11-22T00:41:00Z: "
                    + "none arrived within 90s, its listener may be down");
        });
        assertThat(harness.punctuateAt(T0 + 200_000)).as("already UNKNOWN").isEmpty();

        List<ServiceCheck> back = checks(send(snapshot(T0 + 210_000)));
        assertThat(back).singleElement().satisfies(check -> {
            assertThat(check.status()).isEqualTo(CheckStatus.OK);
            assertThat(check.previous()).isEqualTo(CheckStatus.UNKNOWN);
        });
    }

    @Test
    void failedSnapshotsStillArrivingAreNotStale() {
        send(failedSnapshot(SERVER, T0, "refused"));
        send(failedSnapshot(SERVER, T0 + 60_000, "refused"));

        assertThat(harness.punctuateAt(T0 + 120_000)).isEmpty();
    }

    @Test
    void supervisordStateComesFromEventsAndSnapshotsWhicheverIsNewer() {
        send(snapshot(T0));

        assertThat(states(send(new SupervisorStateObserved(SERVER, false, T0 + 5_000))))
                .containsExactly(new SupervisorStateChanged(SERVER, "SHUTDOWN", -1, T0 + 5_000));
        SupervisorSnapshot older = snapshot(T0 + 4_000);
        assertThat(states(send(older))).as("taken before supervisord said it was stopping").isEmpty();
        assertThat(states(send(new SupervisorStateObserved(SERVER, true, T0 + 9_000))))
                .containsExactly(new SupervisorStateChanged(SERVER, "RUNNING", 1, T0 + 9_000));
    }

    @Test
    void supervisordStateIsKnownFromEventsBeforeAnySnapshot() {
        List<Record<String, SupervisordConnectivityUpdate>> out = send(new SupervisorStateObserved(SERVER, true, T0));

        assertThat(checks(out)).isEmpty();
        assertThat(states(out)).containsExactly(new SupervisorStateChanged(SERVER, "RUNNING", 1, T0));
        assertThat(harness.punctuateAt(T0 + 1_000_000)).as("no can_connect to turn stale").isEmpty();
    }

    @Test
    void anOlderSnapshotProcessedLateChangesNothing() {
        send(failedSnapshot(SERVER, T0 + 30_000, "refused"));

        assertThat(send(snapshot(T0))).isEmpty();
    }
}
