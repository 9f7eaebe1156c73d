package io.supervisorkafka.streams;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.streams.errors.DefaultProductionExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What to do when an output record cannot be written. A failure caused by one record's content (it does not
 * serialize, or it is larger than the broker accepts) skips that record, logs it and sends the input record that
 * produced it to the dead letter topic, so that one odd input cannot stop the pipeline. Anything else (authorization,
 * a missing topic, a broker problem that retries did not fix) fails as Kafka Streams' default does: skipping would
 * silently lose every output until someone noticed. Retriable errors are retried.
 */
public final class ProductionErrorPolicy extends DefaultProductionExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ProductionErrorPolicy.class);

    private java.util.Map<String, ?> configs = java.util.Map.of();

    @Override
    public void configure(java.util.Map<String, ?> configs) {
        super.configure(configs);
        this.configs = configs;
    }

    @Override
    public ProductionExceptionHandler.Response handleError(ErrorHandlerContext context,
                                                           ProducerRecord<byte[], byte[]> record,
                                                           Exception exception) {
        ProductionExceptionHandler.Response response = super.handleError(context, record, exception);
        if (response.result() == ProductionExceptionHandler.Result.RETRY) {
            return response;
        }
        if (exception instanceof RecordTooLargeException) {
            log.warn("skipping a record for {} that is too large ({} bytes), from {}-{} offset {}: {}",
                    record.topic(), record.value() == null ? 0 : record.value().length, context.topic(),
                    context.partition(), context.offset(), exception.getMessage());
            return ProductionExceptionHandler.Response.resume(response.deadLetterQueueRecords());
        }
        java.util.Optional<String> refusal = StreamsAccess.explain(exception, configs);
        if (refusal.isPresent()) {
            // Which ACL is missing says everything; Kafka's stack trace would only bury it.
            log.error("cannot write to {}, stopping: {}", record.topic(), refusal.get());
        } else {
            log.error("cannot write to {}, stopping (input {}-{} offset {})", record.topic(), context.topic(),
                    context.partition(), context.offset(), exception);
        }
        return response;
    }

    @Override
    @SuppressWarnings("rawtypes")
    public ProductionExceptionHandler.Response handleSerializationError(
            ErrorHandlerContext context, ProducerRecord record, Exception exception,
            ProductionExceptionHandler.SerializationExceptionOrigin origin) {
        ProductionExceptionHandler.Response response = super.handleSerializationError(context, record, exception,
                origin);
        log.warn("skipping a record for {} whose {} does not serialize, from {}-{} offset {}", record.topic(),
                origin, context.topic(), context.partition(), context.offset(), exception);
        return ProductionExceptionHandler.Response.resume(response.deadLetterQueueRecords());
    }
}
