package io.supervisorkafka.streams.gunicorn;

import io.supervisorkafka.schemas.MetricPoint;
import io.supervisorkafka.schemas.StatsdMetrics;
import io.supervisorkafka.streams.common.JsonStores;
import java.util.Map;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;

/**
 * Derives the per-server gunicorn request metrics from one app's StatsD interval, tagged with the supervisord
 * program of the app when the gunicorn snapshots named it ({@link GunicornCheckDeriver#STORE}, read only), and adds
 * the interval's counts to the app's totals ({@link #TOTALS_STORE}), which the Prometheus endpoint serves.
 */
public final class StatsdMetricsDeriver implements Processor<String, StatsdMetrics, String, MetricPoint> {
    /** Per server, each app's requests, responses and log lines since first seen ({@link GunicornRequestTotals}). */
    public static final String TOTALS_STORE = "gunicorn-request-totals";

    private ProcessorContext<String, MetricPoint> context;
    private KeyValueStore<String, GunicornAppsState> apps;
    private KeyValueStore<String, GunicornRequestTotals> totals;

    public static StoreBuilder<KeyValueStore<String, GunicornRequestTotals>> totalsStoreBuilder() {
        return JsonStores.persistent(TOTALS_STORE, GunicornRequestTotals.class);
    }

    @Override
    public void init(ProcessorContext<String, MetricPoint> context) {
        this.context = context;
        this.apps = context.getStateStore(GunicornCheckDeriver.STORE);
        this.totals = context.getStateStore(TOTALS_STORE);
    }

    @Override
    public void process(Record<String, StatsdMetrics> record) {
        StatsdMetrics metrics = record.value();
        if (metrics == null) {
            return;
        }
        GunicornAppsState state = apps.get(metrics.server());
        GunicornAppsState.App app = state == null ? null : state.apps().get(metrics.app());
        Map<String, String> tags = GunicornMetrics.tags(metrics.server(), metrics.app(),
                app == null ? null : app.group(), app == null ? null : app.program());
        GunicornRequestTotals before = totals.get(metrics.server());
        GunicornRequestTotals after = (before == null ? new GunicornRequestTotals(null) : before).plus(metrics);
        if (!after.equals(before) && !after.apps().isEmpty()) {
            totals.put(metrics.server(), after);
        }
        for (MetricPoint point : GunicornMetrics.fromStatsd(metrics, tags)) {
            context.forward(new Record<>(metrics.server(), point, metrics.end()));
        }
    }
}
