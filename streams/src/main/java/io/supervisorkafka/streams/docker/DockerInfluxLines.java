package io.supervisorkafka.streams.docker;

import io.supervisorkafka.schemas.DockerSnapshot;
import io.supervisorkafka.streams.common.TagSpec;
import io.supervisorkafka.streams.influx.InfluxCatalog;
import java.util.List;
import java.util.Map;

/**
 * The container counts of Telegraf's {@code docker} measurement ({@link InfluxCatalog#DOCKER}) from one scrape, as
 * Telegraf's docker input writes them at each gather: one line per successful scrape whose page has the container
 * states, none otherwise (a failed gather writes nothing). Stateless.
 */
public final class DockerInfluxLines {

    private DockerInfluxLines() {
    }

    /** The scrape's line, or none. */
    public static List<String> of(DockerSnapshot snapshot) {
        if (snapshot == null || !snapshot.ok()) {
            return List.of();
        }
        Map<String, Long> states = DockerMetrics.containerStates(snapshot);
        if (states == null) {
            return List.of();
        }
        long running = states.get("running");
        long paused = states.get("paused");
        long stopped = states.get("stopped");
        DockerMetrics.Engine engine = DockerMetrics.Engine.of(snapshot);
        return List.of(InfluxCatalog.DOCKER.line()
                .tag(InfluxCatalog.ENGINE_HOST, snapshot.server())
                .tag(InfluxCatalog.HOST, snapshot.server())
                .tag(TagSpec.SERVER, snapshot.server())
                .tag(InfluxCatalog.SERVER_VERSION, engine == null ? null : engine.version())
                .field(InfluxCatalog.CONTAINERS, running + paused + stopped)
                .field(InfluxCatalog.CONTAINERS_PAUSED, paused)
                .field(InfluxCatalog.CONTAINERS_RUNNING, running)
                .field(InfluxCatalog.CONTAINERS_STOPPED, stopped)
                .timestampMillis(snapshot.observedAt()).toString());
    }
}
