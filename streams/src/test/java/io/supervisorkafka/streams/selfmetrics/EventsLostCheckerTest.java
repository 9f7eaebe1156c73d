package io.supervisorkafka.streams.selfmetrics;

import static io.supervisorkafka.streams.Fixtures.INSTANCE;
import static io.supervisorkafka.streams.Fixtures.SERVER;
import static io.supervisorkafka.streams.Fixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.supervisorkafka.schemas.CheckStatus;
import io.supervisorkafka.schemas.ListenerMetrics;
import io.supervisorkafka.schemas.ServiceCheck;
import io.supervisorkafka.schemas.Topics;
import io.supervisorkafka.streams.ProcessorHarness;
import io.supervisorkafka.testkit.SchemaValidator;
import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.processor.api.Record;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EventsLostCheckerTest {

    /** 2026-11-22T00:00:00Z: when the listener started. */
    private static final long STARTED = T0 - 41 * 60_000;

    @TempDir
    File stateDir;

    private ProcessorHarness<String, ListenerMetrics, String, ServiceCheck> harness;

    @BeforeEach
    void start() {
        harness = new ProcessorHarness<>(new EventsLostChecker(), stateDir, T0);
        harness.withStore(EventsLostChecker.storeBuilder());
        harness.start();
    }

    @AfterEach
    void close() {
        harness.close();
    }

    private static ListenerMetrics metrics(long startedAt, long observedAt, Long lost) {
        return new ListenerMetrics(SERVER, INSTANCE, startedAt, observedAt, 1250, 0, 0, 1250, 0,
                new ListenerMetrics.Spool("drop-oldest", 4096, 268_435_456, 0, 0, 0), Map.of(), lost);
    }

    private List<ServiceCheck> send(ListenerMetrics metrics) {
        SchemaValidator.assertValid(Topics.LISTENER_METRICS, metrics);
        List<ServiceCheck> checks = new ArrayList<>();
        for (Record<String, ServiceCheck> record : harness.process(SERVER, metrics, metrics.observedAt())) {
            SchemaValidator.assertValid(Topics.SERVICE_CHECKS, record.value());
            assertThat(record.key()).isEqualTo("supervisor_kafka.listener.events_lost|" + SERVER)
                    .isEqualTo(record.value().key());
            checks.add(record.value());
        }
        return checks;
    }

    @Test
    void aLossIsWarningNamingHowManyAndWhenThenOkWhenTheNextRecordShowsNoMore() {
        assertThat(send(metrics(STARTED, T0, 0L))).singleElement().satisfies(check -> {
            assertThat(check.status()).isEqualTo(CheckStatus.OK);
            assertThat(check.previous()).isNull();
            assertThat(check.message()).isEqualTo("no event of supervisord on web-1 lost between "
                    + "2026-11-22T00:00:00Z and 2026-11-22T00:41:00Z (0 since the listener started at "
                    + "2026-11-22T00:00:00Z)");
        });
        assertThat(send(metrics(STARTED, T0 + 15_000, 0L))).isEmpty();

        assertThat(send(metrics(STARTED, T0 + 17_000, 852L))).singleElement().satisfies(check -> {
            assertThat(check.status()).isEqualTo(CheckStatus.WARNING);
            assertThat(check.previous()).isEqualTo(CheckStatus.OK);
            assertThat(check.timestamp()).isEqualTo(T0 + 17_000);
            assertThat(check.message()).isEqualTo("supervisord on web-1 discarded 852 events before its listener "
                    + "read them, between 2026-11-22T00:41:15Z and 2026-11-22T00:41:17Z (852 since the listener "
                    + "started at 2026-11-22T00:00:00Z): its event buffer overflowed, raise the listener's "
                    + "buffer_size");
        });
        assertThat(send(metrics(STARTED, T0 + 30_000, 853L))).as("still losing: no change").isEmpty();
        assertThat(send(metrics(STARTED, T0 + 45_000, 853L))).singleElement().satisfies(check -> {
            assertThat(check.status()).isEqualTo(CheckStatus.OK);
            assertThat(check.previous()).isEqualTo(CheckStatus.WARNING);
            assertThat(check.message()).startsWith("no event of supervisord on web-1 lost between "
                    + "2026-11-22T00:41:30Z and 2026-11-22T00:41:45Z (853 since");
        });
    }

    @Test
    void aListenerThatRestartedCountsFromItsStart() {
        send(metrics(STARTED, T0, 852L));
        send(metrics(STARTED, T0 + 15_000, 852L));

        assertThat(send(metrics(T0 + 20_000, T0 + 20_100, 3L))).singleElement().satisfies(check -> {
            assertThat(check.status()).isEqualTo(CheckStatus.WARNING);
            assertThat(check.message()).contains(" discarded 3 events ").contains("between 2026-11-22T00:41:20Z");
        });
        assertThat(send(metrics(T0 + 20_000, T0 + 35_000, 3L))).extracting(ServiceCheck::status)
                .containsExactly(CheckStatus.OK);
    }

    @Test
    void olderRecordsAndListenersThatDoNotCountChangeNothing() {
        assertThat(send(metrics(STARTED, T0, null))).isEmpty();
        send(metrics(STARTED, T0 + 15_000, 0L));

        assertThat(send(metrics(STARTED, T0 + 5_000, 40L))).isEmpty();
        assertThat(send(metrics(STARTED, T0 + 30_000, null))).isEmpty();
        assertThat(send(metrics(STARTED, T0 + 45_000, 1L))).extracting(ServiceCheck::status)
                .as("counted from the record before the older one").containsExactly(CheckStatus.WARNING);
    }
}
