package io.supervisorkafka.listener;

import io.supervisorkafka.schemas.JsonSerde;

/** Where a {@link Source} publishes: the spool, which the shipper sends to Kafka. */
@FunctionalInterface
public interface RecordSink {
    /**
     * Appends a ready record to the spool. Never throws: a record the spool refuses (full under the block policy, or
     * closing) is logged and counted by the spool.
     *
     * @param topic     the Kafka topic
     * @param server    the server id: the record's key
     * @param timestamp the record's timestamp, epoch ms
     * @param value     the record's value
     */
    void publish(String topic, String server, long timestamp, byte[] value);

    /** Publishes {@code record} as JSON, the way every topic's value is written. */
    default <T> void publishJson(String topic, String server, long timestamp, Class<T> type, T record) {
        publish(topic, server, timestamp, JsonSerde.of(type).serialize(topic, record));
    }
}
