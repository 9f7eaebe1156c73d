package io.supervisorkafka.streams;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProductionExceptionHandler.Response;
import org.apache.kafka.streams.errors.ProductionExceptionHandler.Result;
import org.apache.kafka.streams.errors.ProductionExceptionHandler.SerializationExceptionOrigin;
import org.apache.kafka.streams.processor.TaskId;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ProductionErrorPolicyTest {

    private final ProducerRecord<byte[], byte[]> output = new ProducerRecord<>("supervisor.metrics",
            "web-1".getBytes(StandardCharsets.UTF_8), new byte[10]);
    private ProductionErrorPolicy policy;

    @BeforeEach
    void configure() {
        policy = new ProductionErrorPolicy();
        policy.configure(Map.of(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, "supervisor.dead-letters"));
    }

    @Test
    void aRecordTooLargeIsSkippedAndItsInputDeadLettered() {
        Response response = policy.handleError(context(), output, new RecordTooLargeException("too large"));

        assertThat(response.result()).isEqualTo(Result.RESUME);
        assertThat(response.deadLetterQueueRecords()).singleElement().satisfies(record -> {
            assertThat(record.topic()).isEqualTo("supervisor.dead-letters");
            assertThat(new String(record.value(), StandardCharsets.UTF_8)).isEqualTo("{\"input\":true}");
        });
    }

    @Test
    void anOutputThatDoesNotSerializeIsSkipped() {
        Response response = policy.handleSerializationError(context(), output, new SerializationException("bad"),
                SerializationExceptionOrigin.VALUE);

        assertThat(response.result()).isEqualTo(Result.RESUME);
        assertThat(response.deadLetterQueueRecords()).hasSize(1);
    }

    @Test
    void retriableErrorsAreRetried() {
        assertThat(policy.handleError(context(), output, new NotLeaderOrFollowerException("moved")).result())
                .isEqualTo(Result.RETRY);
    }

    @Test
    void anythingElseStopsTheApplication() {
        assertThat(policy.handleError(context(), output, new AuthorizationException("denied")).result())
                .isEqualTo(Result.FAIL);
    }

    private static ErrorHandlerContext context() {
        return new ErrorHandlerContext() {
            @Override
            public String topic() {
                return "supervisor.events";
            }

            @Override
            public int partition() {
                return 0;
            }

            @Override
            public long offset() {
                return 42;
            }

            @Override
            public Headers headers() {
                return new RecordHeaders();
            }

            @Override
            public String processorNodeId() {
                return "metrics-sink";
            }

            @Override
            public TaskId taskId() {
                return new TaskId(0, 0);
            }

            @Override
            public long timestamp() {
                return 0;
            }

            @Override
            public byte[] sourceRawKey() {
                return "web-1".getBytes(StandardCharsets.UTF_8);
            }

            @Override
            public byte[] sourceRawValue() {
                return "{\"input\":true}".getBytes(StandardCharsets.UTF_8);
            }
        };
    }
}
