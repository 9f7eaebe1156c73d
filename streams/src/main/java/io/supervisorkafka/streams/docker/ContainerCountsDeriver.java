package io.supervisorkafka.streams.docker;

import io.supervisorkafka.schemas.ContainerCounts;
import io.supervisorkafka.schemas.DockerSnapshot;
import io.supervisorkafka.streams.common.JsonStores;
import java.util.Map;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;

/**
 * Derives a server's {@link ContainerCounts} (key server id) from the Docker engine's container states and forwards
 * them when they differ from the last counts forwarded. A failed scrape, or one whose page lacks the container
 * states, leaves the counts as they were; so does a scrape older than the last one counted ({@link #STORE}).
 */
public final class ContainerCountsDeriver implements Processor<String, DockerSnapshot, String, ContainerCounts> {
    /** The counts of each server's last scrape; their {@code updatedAt} is that scrape's, not the last change's. */
    public static final String STORE = "container-counts";

    private ProcessorContext<String, ContainerCounts> context;
    private KeyValueStore<String, ContainerCounts> lastCounts;

    public static StoreBuilder<KeyValueStore<String, ContainerCounts>> storeBuilder() {
        return JsonStores.persistent(STORE, ContainerCounts.class);
    }

    @Override
    public void init(ProcessorContext<String, ContainerCounts> context) {
        this.context = context;
        this.lastCounts = context.getStateStore(STORE);
    }

    @Override
    public void process(Record<String, DockerSnapshot> record) {
        DockerSnapshot snapshot = record.value();
        if (snapshot == null || !snapshot.ok()) {
            return;
        }
        Map<String, Long> states = DockerMetrics.containerStates(snapshot);
        ContainerCounts previous = lastCounts.get(snapshot.server());
        if (states == null || previous != null && snapshot.observedAt() < previous.updatedAt()) {
            return;
        }
        long running = states.get("running");
        long paused = states.get("paused");
        long stopped = states.get("stopped");
        ContainerCounts counts = new ContainerCounts(snapshot.server(), running, paused, stopped,
                running + paused + stopped, snapshot.observedAt());
        lastCounts.put(snapshot.server(), counts);
        if (!counts.sameCountsAs(previous)) {
            context.forward(new Record<>(snapshot.server(), counts, snapshot.observedAt()));
        }
    }
}
