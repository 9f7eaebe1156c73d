package io.supervisorkafka.streams.docker;

import io.supervisorkafka.schemas.DockerSnapshot;
import io.supervisorkafka.schemas.MetricPoint;
import io.supervisorkafka.streams.common.JsonStores;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;

/**
 * Derives the Docker engine's metric points (key server id) from its scrapes: containers by state and the scrape's
 * duration from each scrape; event and failed health-check rates and the container-action latency from the
 * difference with the server's previous successful scrape ({@link #STORE}). A counter that went down (the engine
 * restarted) gives no rate that time, never a negative one. A failed scrape only gives its duration and leaves the
 * previous scrape in place, so the next rates span the gap. A scrape older than the stored one is ignored.
 */
public final class DockerMetricsDeriver implements Processor<String, DockerSnapshot, String, MetricPoint> {
    public static final String STORE = "docker-previous-scrapes";

    private ProcessorContext<String, MetricPoint> context;
    private KeyValueStore<String, DockerScrapeState> store;

    public static StoreBuilder<KeyValueStore<String, DockerScrapeState>> storeBuilder() {
        return JsonStores.persistent(STORE, DockerScrapeState.class);
    }

    @Override
    public void init(ProcessorContext<String, MetricPoint> context) {
        this.context = context;
        this.store = context.getStateStore(STORE);
    }

    @Override
    public void process(Record<String, DockerSnapshot> record) {
        DockerSnapshot snapshot = record.value();
        if (snapshot == null) {
            return;
        }
        String server = snapshot.server();
        DockerScrapeState previous = store.get(server);
        if (previous != null && snapshot.observedAt() <= previous.observedAt()) {
            return; // a redelivered or late scrape: its points were sent, or are older than those sent
        }
        DockerMetrics.Engine seen = DockerMetrics.Engine.of(snapshot);
        DockerMetrics.Engine engine = seen != null ? seen : previous == null ? null : previous.engine();
        Map<String, String> tags = DockerMetrics.tags(server, engine);
        long at = snapshot.observedAt();
        List<MetricPoint> points = new ArrayList<>();
        points.add(DockerCatalog.SCRAPE_DURATION.point(snapshot.durationMs(), at, tags));
        if (snapshot.ok()) {
            DockerScrapeState current = new DockerScrapeState(at,
                    DockerMetrics.counter(snapshot, DockerMetrics.EVENTS_FAMILY),
                    DockerMetrics.counter(snapshot, DockerMetrics.HEALTH_CHECKS_FAILED_FAMILY),
                    DockerMetrics.histograms(snapshot, DockerMetrics.CONTAINER_ACTIONS_FAMILY, "action"), engine);
            Map<String, Long> states = DockerMetrics.containerStates(snapshot);
            if (states != null) {
                points.addAll(DockerMetrics.containers(states, at, tags));
            }
            if (previous != null) {
                points.addAll(sincePrevious(previous, current, tags));
            }
            store.put(server, current);
        }
        points.forEach(point -> context.forward(new Record<>(server, point, at)));
    }

    private static List<MetricPoint> sincePrevious(DockerScrapeState previous, DockerScrapeState current,
                                                   Map<String, String> tags) {
        List<MetricPoint> points = new ArrayList<>();
        long at = current.observedAt();
        double seconds = (at - previous.observedAt()) / 1000.0;
        MetricPoint events = DockerMetrics.rate(DockerCatalog.EVENTS, previous.events(), current.events(), seconds,
                at, tags);
        MetricPoint healthChecksFailed = DockerMetrics.rate(DockerCatalog.HEALTH_CHECKS_FAILED,
                previous.healthChecksFailed(), current.healthChecksFailed(), seconds, at, tags);
        Stream.of(events, healthChecksFailed).filter(Objects::nonNull).forEach(points::add);
        new TreeMap<>(current.containerActions()).forEach((action, histogram) -> {
            DockerMetrics.Histogram before = previous.containerActions().get(action);
            if (before != null) {
                Map<String, String> actionTags = new LinkedHashMap<>(tags);
                actionTags.put(DockerCatalog.ACTION.key(), action);
                points.addAll(DockerMetrics.containerActions(histogram.since(before), at, actionTags));
            }
        });
        return points;
    }
}
