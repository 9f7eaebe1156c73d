package io.supervisorkafka.listener.docker;

import io.supervisorkafka.listener.RecordSink;
import io.supervisorkafka.listener.Source;
import io.supervisorkafka.listener.SourceCounters;
import io.supervisorkafka.schemas.DockerSnapshot;
import io.supervisorkafka.schemas.Topics;
import java.io.IOException;
import java.time.Clock;
import java.util.Objects;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The docker source: the engine's Prometheus metrics scraped by {@link DockerCollector} to {@code supervisor.docker},
 * and in plugin mode the MetricsCollector endpoints ({@link DockerPluginServer}, the only user of Jetty) that say when
 * to scrape. Created only when the source is on, so that nothing of it but its configuration is loaded otherwise.
 */
public final class DockerSource implements Source {
    private static final Logger LOG = LoggerFactory.getLogger(DockerSource.class);

    private final DockerConfig config;
    private final Supplier<String> server;
    private final Clock clock;
    private DockerCollector collector;
    private DockerPluginServer plugin;

    /** @param server the server id now */
    public DockerSource(DockerConfig config, Supplier<String> server, Clock clock) {
        this.config = Objects.requireNonNull(config, "config");
        this.server = Objects.requireNonNull(server, "server");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public synchronized void start(RecordSink sink, SourceCounters counters) throws IOException {
        collector = new DockerCollector(config, server, snapshot -> sink.publishJson(Topics.DOCKER, snapshot.server(),
                snapshot.observedAt(), DockerSnapshot.class, snapshot), clock);
        collector.start();
        counters.register("docker.ok", collector::succeeded);
        counters.register("docker.failed", collector::failed);
        if (config.plugin()) {
            plugin = DockerPluginServer.start(config.pluginSocket(), collector);
            LOG.info("docker metrics plugin on {}: scrapes {} every {} ms between the engine's StartMetrics and"
                    + " StopMetrics", config.pluginSocket(), config.endpoint().display(),
                    config.interval().toMillis());
        } else {
            LOG.info("docker metrics scraped from {} every {} ms", config.endpoint().display(),
                    config.interval().toMillis());
        }
    }

    /** The plugin endpoints first, so that the engine's calls stop reaching a collector that is closing. */
    @Override
    public synchronized void close() {
        if (plugin != null) {
            plugin.close();
        }
        if (collector != null) {
            collector.close();
        }
    }
}
