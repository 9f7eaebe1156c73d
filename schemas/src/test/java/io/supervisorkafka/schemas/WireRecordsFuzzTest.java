package io.supervisorkafka.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.stream.Stream;
import org.apache.kafka.common.errors.SerializationException;

/**
 * Coverage-guided fuzzing (Jazzer) of the wire contract's deserializers, which stand between Kafka and the Streams
 * app: any bytes on any topic become a record or a SerializationException (which the app sends to the dead-letter
 * topic), never another exception. Events that do deserialize also yield their typed view.
 *
 * <p>In the normal test suite it fuzzes for a short while (the build sets JAZZER_FUZZ); crashing inputs are kept under
 * src/test/resources and replayed on every run. A longer run, for maintainers: raise maxDuration and run
 * {@code JAZZER_FUZZ=1 ./mvnw -pl schemas test -Dtest=WireRecordsFuzzTest}.
 */
class WireRecordsFuzzTest {
    private static final String[] TOPICS = Stream.of(Topics.INPUTS, Topics.GUNICORN_INPUTS, Topics.HOST_INPUTS,
            Topics.OUTPUTS).flatMap(java.util.List::stream)
            .toArray(String[]::new);

    @FuzzTest(maxDuration = "15s")
    void anyBytesOnAnyTopicAreARecordOrASerializationError(FuzzedDataProvider data) {
        String topic = data.pickValue(TOPICS);
        byte[] value = data.consumeRemainingAsBytes();
        try {
            Object record = JsonSerde.of(Topics.recordType(topic)).deserialize(topic, value);
            if (record instanceof SupervisorEvent event) {
                assertThat(event.kind()).isNotNull();
                assertThat(event.fields()).isNotNull();
            }
        } catch (SerializationException expected) {
            assertThat(expected.getMessage()).contains(topic);
        }
    }
}
