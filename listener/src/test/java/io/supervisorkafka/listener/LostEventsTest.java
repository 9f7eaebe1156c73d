package io.supervisorkafka.listener;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.supervisorkafka.listener.supervisor.protocol.PoolSerials;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LostEventsTest {
    private static final Duration PATIENCE = Duration.ofSeconds(10);

    private final AtomicInteger reports = new AtomicInteger();
    private final AtomicLong reportedAtNanos = new AtomicLong();

    private void reported() {
        reportedAtNanos.set(System.nanoTime());
        reports.incrementAndGet();
    }

    @Test
    void aGapIsReportedOnceTheProtocolLoopPausesAndTheGapsOfABurstInOneReport() {
        try (LostEvents lost = new LostEvents(this::reported, Duration.ofMinutes(1))) {
            // The burst goes on: every look at the loop finds an event taken just now.
            lost.start(System::nanoTime);
            lost.seen(new PoolSerials.Gap("kafka", 3, 10, 13));
            lost.seen(new PoolSerials.Gap("kafka", 2, 20, 22));
            await("no report while the burst goes on").during(Duration.ofMillis(400)).atMost(PATIENCE)
                    .until(() -> reports.get() == 0);

            long pausedAt = System.nanoTime();
            lost.start(() -> pausedAt);
            await("the report once the loop pauses").atMost(PATIENCE).until(() -> reports.get() == 1);
            assertThat(reportedAtNanos.get() - pausedAt).as("no sooner than the gathering pause after the last event")
                    .isGreaterThanOrEqualTo(LostEvents.GATHER.toNanos());
            assertThat(lost.total()).isEqualTo(5);
        }
    }

    @Test
    void aBurstThatNeverPausesDelaysTheReportByAtMostTheQuietWait() {
        Duration quietWaitMax = Duration.ofMillis(300);
        try (LostEvents lost = new LostEvents(this::reported, quietWaitMax)) {
            lost.start(System::nanoTime);
            long seenAt = System.nanoTime();
            lost.seen(new PoolSerials.Gap("kafka", 1, 5, 6));

            await("the report although the loop never pauses").atMost(PATIENCE).until(() -> reports.get() == 1);
            assertThat(reportedAtNanos.get() - seenAt).as("waited for a pause up to the bound")
                    .isGreaterThanOrEqualTo(LostEvents.GATHER.plus(quietWaitMax).toNanos());
        }
    }
}
