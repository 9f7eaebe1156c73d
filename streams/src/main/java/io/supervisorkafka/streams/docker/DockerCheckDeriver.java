package io.supervisorkafka.streams.docker;

import io.supervisorkafka.schemas.DockerSnapshot;
import io.supervisorkafka.schemas.ServiceCheck;
import io.supervisorkafka.streams.common.CanConnectCheck;
import io.supervisorkafka.streams.common.CanConnectCheck.Observation;
import io.supervisorkafka.streams.common.CanConnectCheck.Verdict;
import io.supervisorkafka.streams.common.JsonStores;
import java.time.Duration;
import java.util.Optional;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;

/**
 * Derives {@code docker.can_connect} per server from the Docker engine's scrapes, by the rules of
 * {@link CanConnectCheck}: OK when one succeeded, CRITICAL naming the source and the error when it failed, UNKNOWN
 * when none has arrived within the staleness limit. Emitted on first sight and on change only (the alerting feed),
 * with key {@code docker.can_connect|server}.
 */
public final class DockerCheckDeriver implements Processor<String, DockerSnapshot, String, ServiceCheck> {
    public static final String STORE = "docker-connectivity";

    private final Duration punctuateInterval;
    private final CanConnectCheck<DockerConnectivity> canConnect;
    private ProcessorContext<String, ServiceCheck> context;
    private KeyValueStore<String, DockerConnectivity> servers;

    public DockerCheckDeriver(Duration punctuateInterval, Duration staleAfter) {
        this.punctuateInterval = punctuateInterval;
        this.canConnect = new CanConnectCheck<>(DockerCatalog.CAN_CONNECT.name(), "docker engine",
                "scrape of the docker engine", staleAfter);
    }

    public static StoreBuilder<KeyValueStore<String, DockerConnectivity>> storeBuilder() {
        return JsonStores.persistent(STORE, DockerConnectivity.class);
    }

    @Override
    public void init(ProcessorContext<String, ServiceCheck> context) {
        this.context = context;
        this.servers = context.getStateStore(STORE);
        context.schedule(punctuateInterval, PunctuationType.WALL_CLOCK_TIME, this::markStaleServers);
    }

    @Override
    public void process(Record<String, DockerSnapshot> record) {
        DockerSnapshot snapshot = record.value();
        if (snapshot == null) {
            return;
        }
        String server = snapshot.server();
        DockerConnectivity current = servers.get(server);
        DockerMetrics.Engine engine = DockerMetrics.Engine.of(snapshot);
        String version = engine != null && engine.version() != null ? engine.version()
                : current == null ? null : current.version();
        Optional<Verdict> verdict = canConnect.observe(current, new Observation(server, snapshot.observedAt(),
                snapshot.source(), snapshot.error(), version == null ? null : "docker " + version));
        if (verdict.isEmpty()) {
            return; // an older scrape processed late says nothing about now
        }
        servers.put(server, new DockerConnectivity(server, verdict.get().status(), verdict.get().since(), version,
                snapshot.observedAt(), context.currentSystemTimeMs()));
        if (verdict.get().check() != null) {
            forward(verdict.get().check(), record.timestamp());
        }
    }

    private void markStaleServers(long now) {
        canConnect.markStale(servers, now, check -> forward(check, now));
    }

    private void forward(ServiceCheck check, long recordTimestamp) {
        context.forward(new Record<>(check.key(), check, recordTimestamp));
    }
}
