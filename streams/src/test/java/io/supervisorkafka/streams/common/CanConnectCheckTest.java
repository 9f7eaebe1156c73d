package io.supervisorkafka.streams.common;

import static org.assertj.core.api.Assertions.assertThat;

import io.supervisorkafka.schemas.CheckStatus;
import io.supervisorkafka.schemas.ServiceCheck;
import io.supervisorkafka.streams.common.CanConnectCheck.Observation;
import io.supervisorkafka.streams.common.CanConnectCheck.Verdict;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * The can_connect rules on their own; {@code SupervisordConnectivityCheckerTest} and {@code DockerCheckDeriverTest}
 * run them in the two processors, the staleness punctuation included.
 */
class CanConnectCheckTest {
    private static final long T0 = Instant.parse("2026-11-22T00:41:00Z").toEpochMilli();
    private static final CanConnectCheck<Server> CHECK = new CanConnectCheck<>("thing.can_connect", "thing",
            "poll of the thing", Duration.ofSeconds(90));

    record Server(String server, CheckStatus status, long since, long lastObservedAt, long lastArrivalAt)
            implements CanConnectCheck.State<Server> {
        @Override
        public Server withStatus(CheckStatus newStatus, long newSince) {
            return new Server(server, newStatus, newSince, lastObservedAt, lastArrivalAt);
        }
    }

    private static Observation ok(long at) {
        return new Observation("web-1", at, "http://127.0.0.1:1/x", null, "thing 1.0");
    }

    private static Observation failed(long at) {
        return new Observation("web-1", at, "http://127.0.0.1:1/x", "connection refused", null);
    }

    @Test
    void theFirstObservationIsEmittedWithoutAPreviousStatus() {
        Verdict verdict = CHECK.observe(null, ok(T0)).orElseThrow();

        assertThat(verdict.status()).isEqualTo(CheckStatus.OK);
        assertThat(verdict.since()).isEqualTo(T0);
        assertThat(verdict.check()).isEqualTo(new ServiceCheck("thing.can_connect", "web-1", null, null,
                CheckStatus.OK, null, "thing on web-1 is reachable at http://127.0.0.1:1/x since 2026-11-22T00:41:00Z"
                + " (thing 1.0)", T0));
    }

    @Test
    void theSameStatusKeepsItsStartAndEmitsNothing() {
        Server known = new Server("web-1", CheckStatus.OK, T0, T0, T0);

        assertThat(CHECK.observe(known, ok(T0 + 30_000))).hasValue(new Verdict(CheckStatus.OK, T0, null));
    }

    @Test
    void aChangeIsEmittedWithThePreviousStatusAndTheError() {
        Server known = new Server("web-1", CheckStatus.OK, T0, T0, T0);

        Verdict verdict = CHECK.observe(known, failed(T0 + 30_000)).orElseThrow();

        assertThat(verdict.status()).isEqualTo(CheckStatus.CRITICAL);
        assertThat(verdict.since()).isEqualTo(T0 + 30_000);
        assertThat(verdict.check().previous()).isEqualTo(CheckStatus.OK);
        assertThat(verdict.check().message()).isEqualTo(
                "thing on web-1 is unreachable at http://127.0.0.1:1/x since 2026-11-22T00:41:30Z: connection refused");
    }

    @Test
    void anObservationOlderThanTheNewestSaysNothing() {
        Server known = new Server("web-1", CheckStatus.OK, T0, T0 + 30_000, T0 + 30_000);

        assertThat(CHECK.observe(known, failed(T0 + 29_999))).isEmpty();
        assertThat(CHECK.observe(known, failed(T0 + 30_000))).isPresent();
    }

    @Test
    void aRecordWithoutStatusYetCountsAsFirstSight() {
        Server stateOnly = new Server("web-1", null, 0, 0, 0);

        assertThat(CHECK.observe(stateOnly, failed(T0)).orElseThrow().check().previous()).isNull();
    }
}
