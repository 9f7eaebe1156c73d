package io.supervisorkafka.streams;

import io.supervisorkafka.streams.prometheus.HttpListen;
import io.supervisorkafka.streams.prometheus.KafkaStreamsStores;
import io.supervisorkafka.streams.prometheus.MetricsEndpoint;
import io.supervisorkafka.streams.prometheus.RestoreProgress;
import io.supervisorkafka.streams.prometheus.StoreCollector;
import io.supervisorkafka.streams.supervisor.EventDeduplicator;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.Metric;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running application: opens its Prometheus endpoint when given one, provisions the topics, then runs the
 * topology until closed or failed. {@link StreamsMain} only turns the command line into its {@link Properties},
 * {@link PipelineConfig} and endpoint address; tests run it the same way.
 */
public final class StreamsApp implements AutoCloseable {

    public static final Duration DEFAULT_CLOSE_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(60);
    private static final Logger log = LoggerFactory.getLogger(StreamsApp.class);
    /** Records of a changelog partition: a restoration this large takes a noticeable part of a second or more. */
    static final long WARM_UP_YIELDS_TO_RESTORES_OF = 10_000;

    private final Properties properties;
    private final PipelineConfig config;
    private final Optional<HttpListen> httpListen;
    private final Duration warmUpBudget;
    private final Topology topology;
    private final RestoreProgress restores = new RestoreProgress();
    private MetricsEndpoint endpoint;
    private final CountDownLatch terminated = new CountDownLatch(1);
    private final Object lifecycle = new Object();
    private volatile boolean failed;
    private volatile KafkaStreams streams;
    private volatile TopologyWarmUp warmUp;
    private boolean closed;

    public StreamsApp(Properties properties, PipelineConfig config) {
        this(properties, config, Optional.empty());
    }

    /** {@code httpListen}: where the Prometheus endpoint listens; none without it. */
    public StreamsApp(Properties properties, PipelineConfig config, Optional<HttpListen> httpListen) {
        this(properties, config, httpListen, TopologyWarmUp.DEFAULT_BUDGET);
    }

    /**
     * {@code warmUpBudget}: how long, at most, the topology runs over a simulated fleet at start while Kafka Streams
     * joins its group (it stops when a restoration of state begins or the app is RUNNING), so that it is compiled
     * before the fleet's records come ({@link TopologyWarmUp}); zero for none.
     */
    public StreamsApp(Properties properties, PipelineConfig config, Optional<HttpListen> httpListen,
                      Duration warmUpBudget) {
        this.properties = properties;
        this.config = config;
        this.httpListen = httpListen;
        this.warmUpBudget = warmUpBudget;
        this.topology = TopologyFactory.build(config);
    }

    /**
     * Opens the Prometheus endpoint, when there is one and it is not open yet; {@link #start()} does it first. Until
     * the app runs, {@code /-/ready} answers 503 and {@code /metrics} only the app's own families.
     *
     * @throws MetricsEndpoint.CannotListenException one line saying why the address cannot be bound
     */
    public void listen() throws MetricsEndpoint.CannotListenException {
        synchronized (lifecycle) {
            if (httpListen.isEmpty() || endpoint != null || closed) {
                return;
            }
            StoreCollector collector = new StoreCollector(new KafkaStreamsStores(() -> streams, topology.describe()),
                    this::state, restores);
            endpoint = MetricsEndpoint.start(httpListen.get(), collector, this::state);
        }
        log.info("Prometheus endpoint listening on http://{}/metrics", endpoint.address());
    }

    /** Where the Prometheus endpoint listens, with the port it bound; empty without one or before {@link #listen}. */
    public Optional<HttpListen> endpointAddress() {
        synchronized (lifecycle) {
            return Optional.ofNullable(endpoint).map(MetricsEndpoint::address);
        }
    }

    /**
     * Opens the Prometheus endpoint (if any), starts the warm-up in the background, creates the missing topics and
     * starts processing; returns once the stream threads are started.
     */
    public void start() throws Exception {
        listen();
        synchronized (lifecycle) {
            if (!closed && warmUp == null) {
                warmUp = TopologyWarmUp.startInBackground(config, properties, warmUpBudget);
            }
        }
        Map<String, Object> adminConfig = new StreamsConfig(properties).getAdminConfigs(
                properties.getProperty(StreamsConfig.APPLICATION_ID_CONFIG) + "-provisioner");
        try (Admin admin = Admin.create(adminConfig)) {
            new TopicProvisioner(admin).ensureTopics(config, ADMIN_TIMEOUT);
        }
        synchronized (lifecycle) {
            if (closed) {
                return; // closed while provisioning, e.g. by SIGTERM: nothing to start
            }
            if (streams != null) {
                throw new IllegalStateException("already started");
            }
            streams = newKafkaStreams();
            streams.start();
        }
        log.info("started {} with {}", properties.getProperty(StreamsConfig.APPLICATION_ID_CONFIG), config);
    }

    private KafkaStreams newKafkaStreams() {
        KafkaStreams kafkaStreams = new KafkaStreams(topology, properties);
        // Restoring is what stands between a restarted app and its alerting feed: the CPU is the restoration's.
        kafkaStreams.setGlobalStateRestoreListener(new RestoreFirst(restores, this::stopWarmUp,
                WARM_UP_YIELDS_TO_RESTORES_OF));
        kafkaStreams.setUncaughtExceptionHandler(exception -> {
            // Bad input records are handled by the exception handlers; what reaches here is a bug or an
            // infrastructure failure, which a restart by the process supervisor is the best answer to. A refusal by
            // Kafka (credentials, a missing ACL) is one line naming what to grant: a restart cannot fix it.
            StreamsAccess.explain(exception, properties).ifPresentOrElse(
                    refusal -> log.error("{}; shutting the application down", refusal),
                    () -> log.error("a stream thread failed, shutting the application down", exception));
            failed = true;
            return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
        kafkaStreams.setStateListener((newState, oldState) -> {
            log.info("Kafka Streams state {} -> {}", oldState, newState);
            if (newState == KafkaStreams.State.RUNNING) {
                // Processing from here on compiles the same code; a warm-up would only take CPU from it.
                stopWarmUp();
            }
            if (newState == KafkaStreams.State.ERROR) {
                failed = true;
            }
            if (newState == KafkaStreams.State.ERROR || newState == KafkaStreams.State.NOT_RUNNING) {
                terminated.countDown();
            }
        });
        return kafkaStreams;
    }

    private void stopWarmUp() {
        TopologyWarmUp running = warmUp;
        if (running != null) {
            running.stop();
        }
    }

    public KafkaStreams.State state() {
        KafkaStreams current = streams;
        return current == null ? KafkaStreams.State.CREATED : current.state();
    }

    /** Blocks until the application stopped, by {@link #close} or by a failure. */
    public void awaitTermination() throws InterruptedException {
        terminated.await();
    }

    public boolean awaitTermination(Duration timeout) throws InterruptedException {
        return terminated.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Whether the application stopped because of an error rather than by {@link #close}. */
    public boolean failed() {
        return failed;
    }

    /** Stops processing, committing what was processed; waits at most {@code timeout}. Idempotent. */
    public void close(Duration timeout) {
        KafkaStreams toClose;
        MetricsEndpoint endpointToClose;
        TopologyWarmUp warmUpToStop;
        boolean first;
        long closeStarted = System.nanoTime();
        synchronized (lifecycle) {
            first = !closed;
            closed = true;
            toClose = streams;
            endpointToClose = endpoint;
            warmUpToStop = warmUp;
        }
        if (warmUpToStop != null) {
            warmUpToStop.stop();
        }
        // Kafka Streams drops its metrics when it closes; the metric object itself keeps its total.
        Optional<Metric> dropped = toClose == null ? Optional.empty()
                : EventDeduplicator.droppedDuplicates(toClose.metrics());
        if (toClose != null && !toClose.close(timeout)) {
            log.warn("Kafka Streams did not close within {}", timeout);
        }
        if (warmUpToStop != null) {
            // Asked to stop before Kafka Streams closed; whatever is left of the timeout for it to clean up.
            warmUpToStop.close(timeout.minusNanos(System.nanoTime() - closeStarted));
        }
        if (toClose != null && first) {
            log.info("event-deduplicator dropped {} redelivered events since start",
                    dropped.map(metric -> ((Number) metric.metricValue()).longValue()).orElse(0L));
        }
        if (endpointToClose != null) {
            // After Kafka Streams: while it closes, /-/ready answers 503 and the scrapers see the instance go.
            endpointToClose.close();
        }
        terminated.countDown();
    }

    @Override
    public void close() {
        close(DEFAULT_CLOSE_TIMEOUT);
    }
}
