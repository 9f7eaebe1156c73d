package io.supervisorkafka.listener.kafka;

import java.util.Objects;

/** A record on its way to Kafka: topic, key, value and record timestamp (epoch ms). */
public record OutgoingRecord(String topic, byte[] key, byte[] value, long timestamp) {
    public OutgoingRecord {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(value, "value");
    }
}
