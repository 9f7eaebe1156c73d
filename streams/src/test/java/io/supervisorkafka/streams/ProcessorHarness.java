package io.supervisorkafka.streams;

import java.io.File;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.MockProcessorContext.CapturedForward;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.StoreBuilder;

/**
 * One processor on a {@link MockProcessorContext} with real (RocksDB, unlogged) stores in a temporary directory:
 * feed it records, read what it forwarded, fire its wall-clock punctuations.
 */
public final class ProcessorHarness<KIn, VIn, KOut, VOut> implements AutoCloseable {

    public final MockProcessorContext<KOut, VOut> context;
    private final Processor<KIn, VIn, KOut, VOut> processor;
    private final List<StateStore> stores = new java.util.ArrayList<>();

    public ProcessorHarness(Processor<KIn, VIn, KOut, VOut> processor, File stateDir, long wallClock) {
        Properties properties = new Properties();
        properties.put(StreamsConfig.APPLICATION_ID_CONFIG, "processor-test");
        properties.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:9");
        this.context = new MockProcessorContext<>(properties, new TaskId(0, 0), stateDir);
        this.context.setCurrentSystemTimeMs(wallClock);
        this.processor = processor;
    }

    public <S extends StateStore> S withStore(StoreBuilder<S> builder) {
        S store = builder.withLoggingDisabled().build();
        store.init(context.getStateStoreContext(), store);
        context.addStateStore(store);
        stores.add(store);
        return store;
    }

    public ProcessorHarness<KIn, VIn, KOut, VOut> start() {
        processor.init(context);
        return this;
    }

    /** Processes one record and returns what it forwarded. */
    public List<Record<KOut, VOut>> process(KIn key, VIn value, long timestamp) {
        context.resetForwards();
        processor.process(new Record<>(key, value, timestamp));
        return forwarded();
    }

    /** Sets the wall clock, fires every wall-clock punctuation not cancelled, and returns what they forwarded. */
    public List<Record<KOut, VOut>> punctuateAt(long wallClock) {
        context.resetForwards();
        context.setCurrentSystemTimeMs(wallClock);
        context.scheduledPunctuators().stream().filter(punctuator -> !punctuator.cancelled())
                .forEach(punctuator -> punctuator.getPunctuator().punctuate(wallClock));
        return forwarded();
    }

    public void setWallClock(long wallClock) {
        context.setCurrentSystemTimeMs(wallClock);
    }

    @SuppressWarnings("unchecked")
    private List<Record<KOut, VOut>> forwarded() {
        return context.forwarded().stream().map(CapturedForward::record)
                .map(record -> (Record<KOut, VOut>) record).toList();
    }

    @Override
    public void close() {
        processor.close();
        stores.forEach(StateStore::close);
    }
}
