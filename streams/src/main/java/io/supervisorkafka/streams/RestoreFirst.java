package io.supervisorkafka.streams;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.processor.StateRestoreListener;

/**
 * Passes Kafka Streams' restore callbacks on to {@code progress} and, when a restoration starts, runs
 * {@code onRestoreStart} first: the app stops its warm-up there, so that the restoration does not share the CPU with it.
 */
final class RestoreFirst implements StateRestoreListener {
    private final StateRestoreListener progress;
    private final Runnable onRestoreStart;

    RestoreFirst(StateRestoreListener progress, Runnable onRestoreStart) {
        this.progress = progress;
        this.onRestoreStart = onRestoreStart;
    }

    @Override
    public void onRestoreStart(TopicPartition partition, String storeName, long startingOffset, long endingOffset) {
        onRestoreStart.run();
        progress.onRestoreStart(partition, storeName, startingOffset, endingOffset);
    }

    @Override
    public void onBatchRestored(TopicPartition partition, String storeName, long batchEndOffset, long numRestored) {
        progress.onBatchRestored(partition, storeName, batchEndOffset, numRestored);
    }

    @Override
    public void onRestoreEnd(TopicPartition partition, String storeName, long totalRestored) {
        progress.onRestoreEnd(partition, storeName, totalRestored);
    }

    @Override
    public void onRestoreSuspended(TopicPartition partition, String storeName, long totalRestored) {
        progress.onRestoreSuspended(partition, storeName, totalRestored);
    }
}
