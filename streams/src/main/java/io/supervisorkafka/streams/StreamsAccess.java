package io.supervisorkafka.streams;

import io.supervisorkafka.schemas.Topics;
import io.supervisorkafka.schemas.cli.KafkaRefusal;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.apache.kafka.streams.StreamsConfig;

/**
 * What the Streams app asks of Kafka, so that a refusal names the ACL it misses (see the README's security section,
 * which lists the same rights): Read on the inputs, Write on the outputs and the dead letters, its internal topics,
 * consumer group and transactional ids under its {@code application.id}.
 */
final class StreamsAccess {
    private StreamsAccess() {
    }

    /** From the Kafka Streams properties (or any map holding them). */
    static KafkaRefusal.Access of(Map<?, ?> properties) {
        Map<String, Object> byName = new java.util.HashMap<>();
        properties.forEach((key, value) -> byName.put(String.valueOf(key), value));
        String applicationId = Objects.toString(byName.get(StreamsConfig.APPLICATION_ID_CONFIG),
                StreamsMain.DEFAULT_APPLICATION_ID);
        return new KafkaRefusal.Access(KafkaRefusal.principal(byName), topic -> topicOperation(applicationId, topic),
                applicationId, applicationId, null);
    }

    static String topicOperation(String applicationId, String topic) {
        if (Topics.ALL_INPUTS.contains(topic)) {
            return "Read";
        }
        if (Topics.OUTPUTS.contains(topic) || topic.equals(Topics.INFLUX)
                || topic.equals(TopicProvisioner.DEAD_LETTERS)) {
            return "Write";
        }
        // Its own changelog and repartition topics, created, written and read by it (a prefixed ACL).
        return topic.startsWith(applicationId) ? "All" : "Describe";
    }

    /** One line for {@code error} when it is a refusal by Kafka. */
    static Optional<String> explain(Throwable error, Map<?, ?> properties) {
        return KafkaRefusal.explain(error, of(properties)).map(KafkaRefusal.Refusal::message);
    }
}
