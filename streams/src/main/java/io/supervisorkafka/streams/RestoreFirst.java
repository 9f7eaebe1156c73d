package io.supervisorkafka.streams;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.processor.StateRestoreListener;

/**
 * Passes Kafka Streams' restore callbacks on to {@code progress} and, when the restoration of a changelog partition
 * with at least {@code minimumRecords} to restore starts, runs {@code onLargeRestore} first: the app stops its warm-up
 * there, so that the restoration does not share the CPU with it. Kafka Streams also reports restorations with nothing
 * or next to nothing to restore (a new application's empty changelogs, a clean restart's transaction marker): those
 * take no time and leave the warm-up alone.
 */
final class RestoreFirst implements StateRestoreListener {
    private final StateRestoreListener progress;
    private final Runnable onLargeRestore;
    private final long minimumRecords;

    RestoreFirst(StateRestoreListener progress, Runnable onLargeRestore, long minimumRecords) {
        this.progress = progress;
        this.onLargeRestore = onLargeRestore;
        this.minimumRecords = minimumRecords;
    }

    @Override
    public void onRestoreStart(TopicPartition partition, String storeName, long startingOffset, long endingOffset) {
        if (endingOffset - startingOffset >= minimumRecords) {
            onLargeRestore.run();
        }
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
