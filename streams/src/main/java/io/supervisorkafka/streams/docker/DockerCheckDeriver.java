package io.supervisorkafka.streams.docker;

import io.supervisorkafka.schemas.CheckStatus;
import io.supervisorkafka.schemas.DockerSnapshot;
import io.supervisorkafka.schemas.ServiceCheck;
import io.supervisorkafka.streams.common.JsonStores;
import io.supervisorkafka.streams.common.StaleEntries;
import io.supervisorkafka.streams.supervisor.CheckMessages;
import java.time.Duration;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;

/**
 * Derives {@code docker.can_connect} per server from the Docker engine's scrapes: OK when one succeeded, CRITICAL
 * naming the source and the error when it failed, UNKNOWN when none has arrived within the staleness limit (checked
 * by a wall-clock punctuation, since silence produces no record to react to). Emitted on first sight and on change
 * only (the alerting feed), with key {@code docker.can_connect|server}.
 */
public final class DockerCheckDeriver implements Processor<String, DockerSnapshot, String, ServiceCheck> {
    public static final String STORE = "docker-connectivity";

    private final Duration punctuateInterval;
    private final Duration staleAfter;
    private ProcessorContext<String, ServiceCheck> context;
    private KeyValueStore<String, DockerConnectivity> servers;

    public DockerCheckDeriver(Duration punctuateInterval, Duration staleAfter) {
        this.punctuateInterval = punctuateInterval;
        this.staleAfter = staleAfter;
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
        if (current != null && snapshot.observedAt() < current.lastScrapeAt()) {
            return; // an older scrape processed late says nothing about now
        }
        CheckStatus status = snapshot.ok() ? CheckStatus.OK : CheckStatus.CRITICAL;
        boolean changed = current == null || current.status() != status;
        long since = changed ? snapshot.observedAt() : current.since();
        DockerMetrics.Engine engine = DockerMetrics.Engine.of(snapshot);
        String version = engine != null && engine.version() != null ? engine.version()
                : current == null ? null : current.version();
        servers.put(server, new DockerConnectivity(server, status, since, version, snapshot.observedAt(),
                context.currentSystemTimeMs()));
        if (changed) {
            String message = snapshot.ok()
                    ? CheckMessages.dockerReachable(server, snapshot.source(), since, version)
                    : CheckMessages.unreachable(CheckMessages.DOCKER_ENGINE, server, snapshot.source(), since,
                    snapshot.error());
            forward(server, status, current == null ? null : current.status(), message, snapshot.observedAt(),
                    record.timestamp());
        }
    }

    private void markStaleServers(long now) {
        for (DockerConnectivity server : StaleEntries.of(servers, server -> server.status() != CheckStatus.UNKNOWN
                && now - server.lastArrivalAt() > staleAfter.toMillis())) {
            servers.put(server.server(), server.withStatus(CheckStatus.UNKNOWN, now));
            forward(server.server(), CheckStatus.UNKNOWN, server.status(), CheckMessages.stale(
                    "scrape of the docker engine", server.server(), server.lastScrapeAt(), staleAfter), now, now);
        }
    }

    private void forward(String server, CheckStatus status, CheckStatus previous, String message, long at,
                         long recordTimestamp) {
        ServiceCheck check = new ServiceCheck(ServiceCheck.DOCKER_CAN_CONNECT, server, null, null, status, previous,
                message, at);
        context.forward(new Record<>(check.key(), check, recordTimestamp));
    }
}
