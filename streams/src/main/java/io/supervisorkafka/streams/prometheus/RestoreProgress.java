package io.supervisorkafka.streams.prometheus;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.processor.StateRestoreListener;

/**
 * The state-store partitions this instance is restoring from their changelogs, and how many records each has left,
 * as Kafka Streams reports them ({@code KafkaStreams#setGlobalStateRestoreListener}); read by the endpoint at scrape
 * time, from other threads than the restoring one.
 */
public final class RestoreProgress implements StateRestoreListener {

    /** One changelog partition being restored into a store. */
    private record Restoring(String store, long endOffset, long position) {
    }

    /** Per store: partitions being restored and records left to restore. */
    public record StoreRestore(int partitions, long remainingRecords) {
    }

    private final Map<TopicPartition, Restoring> restoring = new ConcurrentHashMap<>();

    @Override
    public void onRestoreStart(TopicPartition partition, String storeName, long startingOffset, long endingOffset) {
        restoring.put(partition, new Restoring(storeName, endingOffset, startingOffset));
    }

    @Override
    public void onBatchRestored(TopicPartition partition, String storeName, long batchEndOffset, long numRestored) {
        restoring.computeIfPresent(partition,
                (key, current) -> new Restoring(current.store(), current.endOffset(), batchEndOffset + 1));
    }

    @Override
    public void onRestoreEnd(TopicPartition partition, String storeName, long totalRestored) {
        restoring.remove(partition);
    }

    @Override
    public void onRestoreSuspended(TopicPartition partition, String storeName, long totalRestored) {
        // The task moved away before it was restored: nothing of it is this instance's to restore any more.
        restoring.remove(partition);
    }

    /** Per store with a partition being restored now, in name order. */
    public Map<String, StoreRestore> byStore() {
        Map<String, StoreRestore> stores = new TreeMap<>();
        for (Restoring partition : restoring.values()) {
            // The end offset is the changelog's end when the restore began; transaction markers make the last
            // offsets no records, hence at least 0.
            long left = Math.max(0, partition.endOffset() - partition.position());
            stores.merge(partition.store(), new StoreRestore(1, left),
                    (a, b) -> new StoreRestore(a.partitions() + b.partitions(),
                            a.remainingRecords() + b.remainingRecords()));
        }
        return stores;
    }

    public boolean isRestoring(String store) {
        return restoring.values().stream().anyMatch(partition -> partition.store().equals(store));
    }
}
