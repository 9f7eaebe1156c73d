package io.supervisorkafka.listener.docker;

import io.supervisorkafka.listener.BackgroundThreads;
import io.supervisorkafka.listener.docker.prometheus.FamilyFilter;
import io.supervisorkafka.listener.docker.prometheus.PrometheusFormatException;
import io.supervisorkafka.listener.docker.prometheus.PrometheusTextParser;
import io.supervisorkafka.listener.http.ChannelHttpExchange;
import io.supervisorkafka.listener.http.HttpExchangeException;
import io.supervisorkafka.schemas.DockerSnapshot;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scrapes the Docker engine's Prometheus metrics every interval on its own thread ({@value #THREAD}) and publishes
 * one {@link DockerSnapshot} per scrape, a failed one included (with its error and no families). Never on the
 * protocol loop.
 *
 * <p>In plugin mode the engine says when its metrics socket is there: scraping runs only between
 * {@link #startMetrics()} and {@link #stopMetrics()}. A tick outside that window publishes nothing (the engine has not
 * mounted the socket, so a "socket missing" record would only be noise), and a scrape that was under way when
 * StopMetrics arrived is dropped too (its failure would be the unmounting, not the engine).
 */
public final class DockerCollector implements AutoCloseable {
    /** Thread name; its first 15 characters are what {@code BackgroundThreads.lower} matches. */
    public static final String THREAD = "docker-collect";
    /**
     * Most bytes of one scrape's response: dockerd's page is ~35 KiB with every family. The bound protects the
     * listener's small heap (32 MiB, shared with the protocol loop): a page is held as bytes, a string and its samples
     * at once, so a URL pointing at a large exporter must fail as a scrape, not as an OutOfMemoryError. A record
     * above 1 MiB would not fit Kafka's default max.request.size anyway.
     */
    public static final int MAX_RESPONSE_BYTES = 1024 * 1024;
    private static final Logger LOG = LoggerFactory.getLogger(DockerCollector.class);

    private final DockerConfig config;
    private final Supplier<String> server;
    private final Consumer<DockerSnapshot> sink;
    private final Clock clock;
    private final FamilyFilter filter;
    private final byte[] request;
    private final String mode;
    private final AtomicLong succeeded = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    /** Bumped by StartMetrics and StopMetrics: a scrape publishes only if it started and ended in the same window. */
    private final AtomicLong window = new AtomicLong();
    private volatile boolean collecting;
    private volatile boolean closing;
    private ScheduledExecutorService executor;
    private boolean lowered;
    private boolean lastFailed;
    private final Runnable tick = BackgroundThreads.surviving("docker metrics scrape", LOG, this::tick);

    /** @param sink receives every snapshot (the listener spools it); called on the collector thread */
    public DockerCollector(DockerConfig config, Supplier<String> server, Consumer<DockerSnapshot> sink, Clock clock) {
        if (!config.enabled()) {
            throw new IllegalArgumentException("the docker source is off: no metrics URL");
        }
        this.config = config;
        this.server = server;
        this.sink = sink;
        this.clock = clock;
        this.filter = FamilyFilter.of(config.include(), config.exclude());
        this.mode = config.plugin() ? DockerSnapshot.PLUGIN : DockerSnapshot.SCRAPE;
        this.collecting = !config.plugin();
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("User-Agent", "supervisor-kafka-listener");
        // The classic text format; without it a newer dockerd could negotiate OpenMetrics.
        headers.put("Accept", "text/plain;version=0.0.4");
        this.request = ChannelHttpExchange.request("GET", config.endpoint().requestPath(),
                config.endpoint().hostHeader(), headers, new byte[0]);
    }

    /** Scrapes now and then every interval (in plugin mode: only between StartMetrics and StopMetrics). */
    public synchronized void start() {
        if (executor != null) {
            return;
        }
        executor = BackgroundThreads.scheduler(THREAD);
        executor.scheduleAtFixedRate(tick, 0, config.interval().toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The engine's StartMetrics: its metrics socket is mounted; scrape at once, then every interval. */
    public synchronized void startMetrics() {
        window.incrementAndGet();
        collecting = true;
        LOG.info("the engine started metrics collection: scraping {} every {} ms", config.endpoint().display(),
                config.interval().toMillis());
        if (executor != null) {
            try {
                executor.execute(tick);
            } catch (RejectedExecutionException closed) {
                // closing
            }
        }
    }

    /** The engine's StopMetrics: its metrics socket is going away; no scrape until the next StartMetrics. */
    public synchronized void stopMetrics() {
        window.incrementAndGet();
        collecting = false;
        LOG.info("the engine stopped metrics collection");
    }

    /** Whether scrapes are published now: always in scrape mode, between StartMetrics and StopMetrics as a plugin. */
    public boolean collecting() {
        return collecting;
    }

    private void tick() {
        if (!lowered) {
            lowered = true;
            BackgroundThreads.lower(THREAD);
        }
        long scrapeWindow = window.get();
        if (!collecting || closing) {
            return;
        }
        // scrape() turns every failure into a record; anything else thrown here is left to BackgroundThreads.surviving.
        DockerSnapshot snapshot = scrape();
        if (closing || !collecting || window.get() != scrapeWindow) {
            return;
        }
        (snapshot.ok() ? succeeded : failed).incrementAndGet();
        if (!snapshot.ok() && !lastFailed) {
            LOG.warn("docker metrics scrape failed: {}", snapshot.error());
        } else if (snapshot.ok() && lastFailed) {
            LOG.info("docker metrics scrape of {} works again", snapshot.source());
        }
        lastFailed = !snapshot.ok();
        sink.accept(snapshot);
    }

    /** One scrape: request, whole response, parse; a failure is a snapshot with the error. */
    public DockerSnapshot scrape() {
        MetricsEndpoint endpoint = config.endpoint();
        long observedAt = clock.millis();
        long started = System.nanoTime();
        String error = null;
        List<DockerSnapshot.Family> families = List.of();
        try {
            byte[] body = new ChannelHttpExchange(endpoint, started + config.timeout().toNanos(),
                    "scrape deadline " + config.timeout().toMillis() + " ms", MAX_RESPONSE_BYTES).send(request);
            families = PrometheusTextParser.parse(new String(body, StandardCharsets.UTF_8), filter);
        } catch (HttpExchangeException e) {
            error = e.getMessage();
        } catch (IOException e) {
            error = "cannot scrape " + endpoint.display() + ": " + e.getMessage();
        } catch (PrometheusFormatException e) {
            // The parser's message starts with the line number: "line 3: ...".
            error = "malformed metrics page from " + endpoint.display() + ": " + e.getMessage();
        } catch (RuntimeException e) {
            // A bug or an unforeseen failure is a failed scrape all the same: recorded, counted, docker.can_connect.
            error = "cannot scrape " + endpoint.display() + ": " + e;
        }
        long durationMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        return new DockerSnapshot(server.get(), observedAt, endpoint.display(), mode, durationMs, error, families);
    }

    public long succeeded() {
        return succeeded.get();
    }

    public long failed() {
        return failed.get();
    }

    @Override
    public synchronized void close() {
        if (executor == null) {
            return;
        }
        closing = true;
        // A scrape under way ends by its own deadline and is not published (closing is set).
        BackgroundThreads.stopWithoutInterrupt(executor, Duration.ofSeconds(1));
        executor = null;
    }
}
