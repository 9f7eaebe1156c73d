package io.supervisorkafka.streams;

import io.supervisorkafka.schemas.Topics;
import io.supervisorkafka.schemas.cli.BrokerCheck;
import io.supervisorkafka.schemas.cli.ConfigFiles;
import io.supervisorkafka.streams.prometheus.HttpListen;
import io.supervisorkafka.streams.prometheus.MetricsEndpoint;
import io.supervisorkafka.streams.supervisor.FlappingPolicy;
import io.supervisorkafka.streams.supervisor.WatchRules;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;
import org.apache.kafka.streams.errors.LogAndContinueProcessingExceptionHandler;
import org.apache.kafka.streams.processor.LogAndSkipOnInvalidTimestamp;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The command line: turns options and an optional properties file into Kafka Streams properties and a
 * {@link PipelineConfig}, runs a {@link StreamsApp}, and closes it on SIGTERM/SIGINT. Logs go to stderr.
 *
 * <p>Precedence: this class's defaults, then the {@code --config} file, then the options.
 */
@Command(name = StreamsMain.NAME, mixinStandardHelpOptions = true, sortOptions = false,
        versionProvider = StreamsMain.Version.class, usageHelpAutoWidth = true, usageHelpWidth = StreamsMain.HELP_WIDTH,
        description = "Derives fleet-wide process status, process counts, service checks and metrics from "
                + "supervisord events and snapshots.")
public final class StreamsMain implements Callable<Integer> {

    public static final String DEFAULT_APPLICATION_ID = "supervisor-kafka-streams";
    /**
     * Width of the help when the terminal's is unknown (piped, or no terminal): wide enough that the descriptions
     * rarely need to wrap next to a dotted name, which picocli's line breaking would split at the dot.
     */
    static final int HELP_WIDTH = 120;
    static final String NAME = "supervisor-kafka-streams";
    /** The {@code --config} key of {@code --influx}; the app's own, not passed to Kafka Streams. */
    static final String INFLUX_ENABLED = "influx.enabled";
    private static final String INFLUX_PREFIX = "influx.";
    private static final Logger log = LoggerFactory.getLogger(StreamsMain.class);

    @Spec
    CommandSpec spec;

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT[,...]",
            description = "Kafka brokers. Required unless bootstrap.servers is in --config.")
    String bootstrapServers;

    @Option(names = "--config", paramLabel = "FILE",
            description = "Kafka Streams properties (application.id, state.dir, security, any client setting); "
                    + "the options here override it.")
    Path configFile;

    @Option(names = "--application-id", paramLabel = "ID",
            description = "Kafka Streams application.id (consumer group, internal topic prefix). "
                    + "Default: from --config, else " + DEFAULT_APPLICATION_ID + ".")
    String applicationId;

    @Option(names = "--state-dir", paramLabel = "DIR",
            description = "Where the local state stores live. Default: from --config, else Kafka Streams' default.")
    Path stateDir;

    @Option(names = "--partitions", paramLabel = "N",
            description = "Partitions of the topics created when missing. Default: " + PipelineConfig.DEFAULT_PARTITIONS
                    + ".")
    Integer partitions;

    @Option(names = "--replication-factor", paramLabel = "N",
            description = "Replication of the topics created when missing, internal topics included. "
                    + "Default: replication.factor from --config, else the broker's default.")
    Short replicationFactor;

    @Option(names = "--punctuate-interval", paramLabel = "DURATION", converter = DurationConverter.class,
            defaultValue = "15s",
            description = "How often metrics are re-emitted and connectivity staleness checked (e.g. 15s, 500ms). "
                    + "Default: ${DEFAULT-VALUE}.")
    Duration punctuateInterval;

    @Option(names = "--stale-after", paramLabel = "DURATION", converter = DurationConverter.class,
            defaultValue = "90s",
            description = "supervisord.can_connect (docker.can_connect) turns UNKNOWN when no snapshot (docker "
                    + "scrape) arrived for this long. Default: ${DEFAULT-VALUE}.")
    Duration staleAfter;

    @Option(names = "--dedup-retention", paramLabel = "DURATION", converter = DurationConverter.class,
            defaultValue = "1h",
            description = "How long event ids are remembered to drop redeliveries. Default: ${DEFAULT-VALUE}.")
    Duration dedupRetention;

    @Option(names = "--fleet-window", paramLabel = "DURATION", converter = DurationConverter.class,
            defaultValue = "10s", description = "Tumbling window of the fleet-wide gunicorn roll-up (sketches merged"
            + " across servers); match the listeners' --statsd-flush-interval. Default: ${DEFAULT-VALUE}.")
    Duration fleetWindow;

    @Option(names = "--exit-context-wait", paramLabel = "DURATION", converter = DurationConverter.class,
            defaultValue = "50ms", description = "How long the CRITICAL check of a process that exited waits for the "
            + "listener's record of why (exit status or signal, last output line) before it goes out without it; "
            + "0ms never waits. Default: ${DEFAULT-VALUE}.")
    Duration exitContextWait;

    @Option(names = "--flapping-threshold", paramLabel = "N", defaultValue = "3",
            description = "supervisord.process.flapping turns CRITICAL once a process was restarted, or exited "
                    + "unexpectedly, this many times within --flapping-window. Default: ${DEFAULT-VALUE}.")
    Integer flappingThreshold;

    @Option(names = "--flapping-window", paramLabel = "DURATION", converter = DurationConverter.class,
            defaultValue = "5m", description = "How far back restarts and unexpected exits count for "
            + "supervisord.process.flapping and supervisord.process.restarts. Default: ${DEFAULT-VALUE}.")
    Duration flappingWindow;

    @Option(names = "--flapping-quiet", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "supervisord.process.flapping is OK again after this long without a restart or an "
                    + "unexpected exit. Default: the --flapping-window.")
    Duration flappingQuiet;

    @Option(names = "--influx", arity = "0..1", paramLabel = "true|false", fallbackValue = "true",
            description = "Also write Telegraf's supervisor_processes, supervisor_instance and docker lines (InfluxDB "
                    + "line protocol) on " + Topics.INFLUX + ". Default: "
                    + INFLUX_ENABLED + " from --config, else false.")
    Boolean influx;

    @Option(names = "--close-timeout", paramLabel = "DURATION", converter = DurationConverter.class,
            defaultValue = "30s",
            description = "How long a shutdown waits for processing to stop cleanly. Default: ${DEFAULT-VALUE}.")
    Duration closeTimeout;

    @Option(names = "--broker-timeout", paramLabel = "DURATION", converter = DurationConverter.class,
            defaultValue = "30s", description = "How long to wait at start for a Kafka broker to answer before "
            + "giving up with exit status 1. Default: ${DEFAULT-VALUE}.")
    Duration brokerTimeout;

    @Option(names = "--warm-up", paramLabel = "DURATION", converter = DurationConverter.class,
            defaultValue = "30s", description = "At start, while the app joins its group, run the topology over a "
            + "simulated fleet, without a broker, so that it is compiled before the fleet's records come; for at most "
            + "this long, and no longer than until the app restores state or is RUNNING. 0s turns it off. "
            + "Default: ${DEFAULT-VALUE}.")
    Duration warmUp;

    @Option(names = "--http-listen", paramLabel = "HOST:PORT",
            description = "Serve Prometheus metrics on http://HOST:PORT/metrics (and /-/ready, /-/healthy); PORT or "
                    + ":PORT alone listen on 127.0.0.1. Default: " + HttpListen.KEY + " from --config, else off.")
    String httpListen;

    public static void main(String[] args) {
        System.exit(new CommandLine(new StreamsMain()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        Properties properties;
        PipelineConfig config;
        Optional<HttpListen> listen;
        Map<String, Object> adminConfig;
        try {
            properties = streamsProperties();
            config = pipelineConfig(properties);
            listen = httpListen(properties);
            withoutPipelineKeys(properties);
            adminConfig = new StreamsConfig(properties).getAdminConfigs(
                    properties.getProperty(StreamsConfig.APPLICATION_ID_CONFIG) + "-broker-check");
        } catch (IllegalArgumentException | ConfigException e) {
            return fail(2, e.getMessage());
        }
        try {
            BrokerCheck.requireReachable(adminConfig, brokerTimeout);
        } catch (BrokerCheck.BrokerUnreachableException e) {
            return fail(1, e.getMessage());
        }
        StreamsApp app = new StreamsApp(properties, config, listen, warmUp);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            log.info("shutdown requested, closing within {}", closeTimeout);
            app.close(closeTimeout);
        }, "streams-shutdown"));
        try {
            app.start();
        } catch (MetricsEndpoint.CannotListenException e) {
            app.close(closeTimeout);
            return fail(1, e.getMessage());
        } catch (Exception e) {
            java.util.Optional<String> refusal = StreamsAccess.explain(e, properties);
            if (refusal.isPresent()) {
                log.error("cannot start: {}", refusal.get());
            } else {
                log.error("cannot start", e);
            }
            app.close(closeTimeout);
            return 1;
        }
        app.awaitTermination();
        if (app.failed()) {
            app.close(closeTimeout);
            return 1;
        }
        return 0;
    }

    /** One line on stderr, as the listener says it, and the exit status. */
    private int fail(int exitStatus, String message) {
        PrintWriter err = spec.commandLine().getErr();
        err.println(NAME + ": " + message);
        err.flush();
        return exitStatus;
    }

    /**
     * The Kafka Streams properties: {@link #defaultProperties()}, then the --config file, then the options.
     *
     * @throws IllegalArgumentException saying in one line what is wrong: an unreadable --config, no bootstrap servers
     */
    Properties streamsProperties() {
        Properties properties = defaultProperties();
        if (configFile != null) {
            properties.putAll(ConfigFiles.read(configFile));
        }
        putIfSet(properties, CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        putIfSet(properties, StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        putIfSet(properties, StreamsConfig.STATE_DIR_CONFIG, stateDir);
        putIfSet(properties, StreamsConfig.REPLICATION_FACTOR_CONFIG, replicationFactor);
        if (properties.getProperty(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, "").isBlank()) {
            throw new IllegalArgumentException("Missing --bootstrap-servers (or bootstrap.servers in --config)");
        }
        return properties;
    }

    /**
     * What the app sets unless told otherwise: exactly-once, and bad input never stops it (unreadable records and
     * records whose processing throws are logged, skipped and sent to {@value TopicProvisioner#DEAD_LETTERS}).
     */
    static Properties defaultProperties() {
        Properties properties = new Properties();
        properties.put(StreamsConfig.APPLICATION_ID_CONFIG, DEFAULT_APPLICATION_ID);
        properties.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        // Under exactly-once, output becomes visible to read_committed consumers when the transaction commits: the
        // commit interval is the alerting feed's latency floor. 50 ms (Streams' EOS default is 100 ms) keeps a
        // kill -9 well inside 250 ms end to end, for about 20 small transactions a second per stream thread.
        properties.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, "50");
        properties.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), "5");
        // Under Transactions V2 (Kafka 4) a broker refuses, as retriable, a batch that is not a producer's first on a
        // partition it has no state for yet (KAFKA-18202): with five batches in flight the app's producers retried
        // dozens of them on every new partition of a transaction. One in flight: FleetBenchmark 1000x10, a round of
        // 10,000 processes readable in 8.1 s / 3.6 s (rounds 1 / 2) instead of 12.3 s / 7.0 s, no refusals logged.
        properties.put(StreamsConfig.producerPrefix(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION), "1");
        // An idle stream thread blocks in poll for up to poll.ms (100 by default) before it looks at its wall-clock
        // punctuations: 20 ms lets a CRITICAL held for its exit record (--exit-context-wait) go out soon after the
        // wait, at the cost of about 50 empty polls a second when nothing arrives.
        properties.put(StreamsConfig.POLL_MS_CONFIG, "20");
        properties.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
                LogAndContinueExceptionHandler.class.getName());
        properties.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG,
                LogAndContinueProcessingExceptionHandler.class.getName());
        properties.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, "true");
        properties.put(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG, ProductionErrorPolicy.class.getName());
        properties.put(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, TopicProvisioner.DEAD_LETTERS);
        properties.put(StreamsConfig.DEFAULT_TIMESTAMP_EXTRACTOR_CLASS_CONFIG,
                LogAndSkipOnInvalidTimestamp.class.getName());
        return properties;
    }

    /**
     * The pipeline settings; the replication factor is the one Kafka Streams uses for its internal topics, the watch
     * rules are the {@code watch.*} keys of the {@code --config} file ({@link WatchRules}).
     *
     * @throws IllegalArgumentException saying in one line which value is wrong
     */
    PipelineConfig pipelineConfig(Properties streamsProperties) {
        String replication = streamsProperties.getProperty(StreamsConfig.REPLICATION_FACTOR_CONFIG,
                String.valueOf(PipelineConfig.BROKER_DEFAULT_REPLICATION)).trim();
        short replicationFactor;
        try {
            replicationFactor = Short.parseShort(replication);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("replication.factor must be a number, not " + replication);
        }
        Map<String, String> settings = new HashMap<>();
        streamsProperties.stringPropertyNames().forEach(key -> settings.put(key, streamsProperties.getProperty(key)));
        Duration window = flappingWindow == null ? FlappingPolicy.DEFAULT_WINDOW : flappingWindow;
        return new PipelineConfig(punctuateInterval, staleAfter, dedupRetention,
                partitions == null ? PipelineConfig.DEFAULT_PARTITIONS : partitions, replicationFactor,
                fleetWindow == null ? PipelineConfig.DEFAULT_FLEET_WINDOW : fleetWindow,
                exitContextWait == null ? PipelineConfig.DEFAULT_EXIT_CONTEXT_WAIT : exitContextWait,
                new FlappingPolicy(flappingThreshold == null ? FlappingPolicy.DEFAULT_THRESHOLD : flappingThreshold,
                        window, flappingQuiet == null ? window : flappingQuiet),
                WatchRules.parse(settings), influx != null ? influx : influxEnabled(settings));
    }

    /**
     * Where the Prometheus endpoint listens: {@code --http-listen}, else {@value HttpListen#KEY} of the
     * {@code --config} file; empty when neither says (no endpoint).
     *
     * @throws IllegalArgumentException one line saying what is wrong with the address
     */
    Optional<HttpListen> httpListen(Properties streamsProperties) {
        String value = httpListen != null ? httpListen : streamsProperties.getProperty(HttpListen.KEY);
        return value == null ? Optional.empty() : Optional.of(HttpListen.parse(value));
    }

    /**
     * {@value #INFLUX_ENABLED} of the {@code --config} file: {@code true} or {@code false}, false when absent.
     *
     * @throws IllegalArgumentException naming the key, for another value or another {@code influx.*} key (a typo
     *                                  would otherwise turn the output off without a word)
     */
    static boolean influxEnabled(Map<String, String> settings) {
        for (String key : settings.keySet()) {
            if (key.startsWith(INFLUX_PREFIX) && !key.equals(INFLUX_ENABLED)) {
                throw new IllegalArgumentException(key + ": not a setting (the influx output has only "
                        + INFLUX_ENABLED + ")");
            }
        }
        String value = settings.getOrDefault(INFLUX_ENABLED, "false").trim();
        if (value.equalsIgnoreCase("true") || value.equalsIgnoreCase("false")) {
            return Boolean.parseBoolean(value);
        }
        throw new IllegalArgumentException(INFLUX_ENABLED + ": must be true or false, not '" + value + "'");
    }

    /**
     * Removes the app's own keys (the watch rules, the endpoint's address, {@value #INFLUX_ENABLED}): Kafka Streams
     * would warn about each key it does not know.
     */
    static Properties withoutPipelineKeys(Properties properties) {
        properties.keySet().removeIf(key -> key.toString().startsWith(WatchRules.PREFIX)
                || key.toString().equals(HttpListen.KEY) || key.toString().startsWith(INFLUX_PREFIX));
        return properties;
    }

    private static void putIfSet(Properties properties, String key, Object value) {
        if (value != null) {
            properties.put(key, value.toString());
        }
    }

    /** The version in the jar's manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = StreamsMain.class.getPackage().getImplementationVersion();
            return new String[] {"supervisor-kafka-streams " + (version == null ? "(development build)" : version)};
        }
    }
}
