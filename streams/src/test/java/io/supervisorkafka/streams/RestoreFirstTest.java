package io.supervisorkafka.streams;

import static org.assertj.core.api.Assertions.assertThat;

import io.supervisorkafka.streams.prometheus.RestoreProgress;
import io.supervisorkafka.streams.prometheus.RestoreProgress.StoreRestore;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class RestoreFirstTest {
    private static final TopicPartition CHANGELOG = new TopicPartition("app-process-status-changelog", 2);

    @Test
    void aRestorationStartingStopsTheWarmUpAndIsStillReported() {
        RestoreProgress progress = new RestoreProgress();
        AtomicInteger stops = new AtomicInteger();
        RestoreFirst listener = new RestoreFirst(progress, stops::incrementAndGet, 1_000);

        listener.onRestoreStart(CHANGELOG, "process-status", 0, 1_000);
        listener.onBatchRestored(CHANGELOG, "process-status", 399, 400);

        assertThat(stops).hasValue(1);
        assertThat(progress.byStore()).isEqualTo(Map.of("process-status", new StoreRestore(1, 600)));

        listener.onRestoreEnd(CHANGELOG, "process-status", 1_000);

        assertThat(progress.byStore()).isEmpty();
        assertThat(stops).hasValue(1);
    }

    @Test
    void aRestorationWithLittleToRestoreLeavesTheWarmUpAlone() {
        RestoreProgress progress = new RestoreProgress();
        AtomicInteger stops = new AtomicInteger();
        RestoreFirst listener = new RestoreFirst(progress, stops::incrementAndGet, 1_000);

        listener.onRestoreStart(CHANGELOG, "process-status", 0, 0);
        listener.onRestoreStart(new TopicPartition("app-process-checks-changelog", 2), "process-checks", 4_000, 4_999);

        assertThat(stops).hasValue(0);
        assertThat(progress.byStore()).containsOnlyKeys("process-status", "process-checks");
    }

    @Test
    void aSuspendedRestorationIsNoLongerReported() {
        RestoreProgress progress = new RestoreProgress();
        RestoreFirst listener = new RestoreFirst(progress, () -> { }, 1_000);

        listener.onRestoreStart(CHANGELOG, "process-status", 0, 1_000);
        listener.onRestoreSuspended(CHANGELOG, "process-status", 10);

        assertThat(progress.byStore()).isEmpty();
    }
}
