package io.supervisorkafka.streams.gunicorn;

import io.supervisorkafka.schemas.MetricPoint;
import io.supervisorkafka.schemas.StatsdMetrics;
import java.util.Map;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Derives the per-server gunicorn request metrics from one app's StatsD interval, tagged with the supervisord
 * program of the app when the gunicorn snapshots named it ({@link GunicornCheckDeriver#STORE}, read only).
 */
public final class StatsdMetricsDeriver implements Processor<String, StatsdMetrics, String, MetricPoint> {
    private ProcessorContext<String, MetricPoint> context;
    private KeyValueStore<String, GunicornAppsState> apps;

    @Override
    public void init(ProcessorContext<String, MetricPoint> context) {
        this.context = context;
        this.apps = context.getStateStore(GunicornCheckDeriver.STORE);
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
        for (MetricPoint point : GunicornMetrics.fromStatsd(metrics, tags)) {
            context.forward(new Record<>(metrics.server(), point, metrics.end()));
        }
    }
}
