package io.supervisorkafka.streams.selfmetrics;

import io.supervisorkafka.schemas.ListenerMetrics;
import io.supervisorkafka.streams.common.JsonStores;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;

/**
 * Keeps each server's latest {@link ListenerMetrics} record (store {@value #STORE}, key server id) for the Prometheus
 * endpoint, which serves the listener's counters from it at scrape time; forwards nothing. A record older than the
 * one kept (by {@code observedAt}) changes nothing.
 */
public final class ListenerMetricsKeeper implements Processor<String, ListenerMetrics, Void, Void> {

    public static final String STORE = "listener-metrics";

    private KeyValueStore<String, ListenerMetrics> latest;

    public static StoreBuilder<KeyValueStore<String, ListenerMetrics>> storeBuilder() {
        return JsonStores.persistent(STORE, ListenerMetrics.class);
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        this.latest = context.getStateStore(STORE);
    }

    @Override
    public void process(Record<String, ListenerMetrics> record) {
        ListenerMetrics metrics = record.value();
        if (metrics == null) {
            return;
        }
        ListenerMetrics kept = latest.get(metrics.server());
        if (kept == null || metrics.observedAt() >= kept.observedAt()) {
            latest.put(metrics.server(), metrics);
        }
    }
}
