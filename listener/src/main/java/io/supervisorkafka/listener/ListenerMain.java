package io.supervisorkafka.listener;

import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.InputStream;
import java.io.ObjectInputFilter;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The {@code [eventlistener:kafka]} process: supervisord events and XML-RPC snapshots to Kafka through a local spool.
 *
 * <p>stdout carries the eventlistener protocol and nothing else: the protocol stream is taken from file descriptor 1
 * before anything else runs, and {@code System.out} is pointed at stderr so that no library can write a stray byte
 * into it. Logs go to stderr.
 */
@Command(name = "supervisor-kafka-listener", mixinStandardHelpOptions = true,
        versionProvider = ListenerMain.Version.class, sortOptions = false, usageHelpAutoWidth = true,
        description = {"supervisord eventlistener: publishes every event to Kafka topic supervisor.events and XML-RPC"
                + " snapshots to supervisor.snapshots, through an on-disk spool that survives broker outages and"
                + " restarts.",
                "Run it as [eventlistener:kafka] with stdout for the protocol (help and logs go to stderr)."},
        footer = {"", "Durations: 500ms, 30s, 5m, 1h or PT30S. Sizes: bytes, or with k, m, g (binary): 256m, 256MiB.",
                "Exit codes: 0 stdin closed; 1 spool or pipe failure; 2 bad configuration; 3 protocol broken."})
public final class ListenerMain implements Callable<Integer> {

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT[,...]",
            description = "Kafka bootstrap servers (overrides bootstrap.servers of the config file).")
    String bootstrapServers;

    @Option(names = "--config", paramLabel = "FILE", description = "Properties file: Kafka producer properties"
            + " (passed through: TLS, SASL, tuning) and the listener's listener.* keys. Flags override it.")
    Path configFile;

    @Option(names = "--server-id", paramLabel = "ID",
            description = "Server id: record key and 'server' field (default: the host name).")
    String serverId;

    @Option(names = "--server-id-from-identification",
            description = "Use supervisord's identification string (supervisord.conf 'identifier') as the server id.")
    boolean serverIdFromIdentification;

    @Option(names = "--supervisor-url", paramLabel = "URL", description = "supervisord XML-RPC endpoint:"
            + " unix:///path/to/supervisor.sock or http://host:port (default: $SUPERVISOR_SERVER_URL). Credentials"
            + " come from $SUPERVISOR_USERNAME/$SUPERVISOR_PASSWORD or the config file.")
    String supervisorUrl;

    @Option(names = "--snapshot-interval", paramLabel = "DURATION",
            description = "Time between XML-RPC snapshots; 0s turns them off (default: 30s).")
    String snapshotInterval;

    @Option(names = "--xmlrpc-timeout", paramLabel = "DURATION", description = "Deadline of one snapshot, all its"
            + " calls included: connect, request and complete response (default: 10s).")
    String xmlrpcTimeout;

    @Option(names = "--spool-dir", paramLabel = "DIR", description = "Spool directory (default:"
            + " $SUPERVISOR_KAFKA_SPOOL_DIR or /var/lib/supervisor-kafka/spool, else"
            + " ${java.io.tmpdir}/supervisor-kafka-spool-<server> when that is not writable).")
    Path spoolDir;

    @Option(names = "--spool-max-bytes", paramLabel = "SIZE",
            description = "Most bytes the spool may hold (default: 256MiB).")
    String spoolMaxBytes;

    @Option(names = "--spool-full-policy", paramLabel = "POLICY", description = "When the spool is full:"
            + " drop-oldest (drop the oldest segment, keep acknowledging; default) or block (stop acknowledging"
            + " until the shipper frees space).")
    String spoolFullPolicy;

    @Option(names = "--fsync-interval", paramLabel = "DURATION",
            description = "How often appended records are fsynced, in the background (default: 200ms).")
    String fsyncInterval;

    @Option(names = "--gunicorn", description = "Publish gunicorn snapshots (masters 'gunicorn: master [NAME]' and"
            + " their workers, working or idle) to supervisor.gunicorn.")
    boolean gunicorn;

    @Option(names = "--gunicorn-apps", paramLabel = "NAME[,...]", description = "Only these gunicorn apps (implies"
            + " --gunicorn); an app without a master is reported as such.")
    String gunicornApps;

    @Option(names = "--gunicorn-interval", paramLabel = "DURATION",
            description = "Time between gunicorn snapshots (default: 15s).")
    String gunicornInterval;

    @Option(names = "--statsd-listen", paramLabel = "HOST:PORT|PATH", description = "Receive StatsD on this UDP"
            + " address, or on a unix datagram socket at PATH (unix://PATH also works), as gunicorn --statsd-host"
            + " sends it, and publish per-app aggregates to supervisor.statsd (default: off).")
    String statsdListen;

    @Option(names = "--statsd-flush-interval", paramLabel = "DURATION",
            description = "StatsD aggregation interval (default: 10s).")
    String statsdFlushInterval;

    @Option(names = "--docker-url", paramLabel = "URL", description = "Scrape the Docker engine's Prometheus metrics"
            + " from unix:///PATH/metrics.sock or http://HOST:PORT/metrics and publish them to supervisor.docker"
            + " (default: off; unix:///run/docker/metrics.sock with --docker-plugin).")
    String dockerUrl;

    @Option(names = "--docker-interval", paramLabel = "DURATION",
            description = "Time between docker metrics scrapes (default: 15s).")
    String dockerInterval;

    @Option(names = "--docker-plugin", description = "Serve the Docker MetricsCollector plugin endpoints on"
            + " listener.docker.plugin.socket (default /run/docker/plugins/supervisor-kafka.sock) and scrape between"
            + " the engine's StartMetrics and StopMetrics.")
    boolean dockerPlugin;

    @Option(names = "--no-eventlistener", description = "Run without supervisord's eventlistener protocol (stdin and"
            + " stdout unused): the spool, the shipper and the sources until SIGTERM. For the docker plugin, which"
            + " runs in its own container.")
    boolean noEventListener;

    private final InputStream protocolIn;
    private final OutputStream protocolOut;

    ListenerMain(InputStream protocolIn, OutputStream protocolOut) {
        this.protocolIn = protocolIn;
        this.protocolOut = protocolOut;
    }

    public static void main(String[] args) {
        // Before anything else: after this, only the protocol writer can reach file descriptor 1.
        OutputStream protocolOut = new FileOutputStream(FileDescriptor.out);
        InputStream protocolIn = new FileInputStream(FileDescriptor.in);
        System.setOut(System.err);
        System.setIn(InputStream.nullInputStream());
        configureLogging();
        // The listener never needs Java deserialization; refuse it JVM-wide, whatever a library might attempt.
        ObjectInputFilter.Config.setSerialFilter(info -> ObjectInputFilter.Status.REJECTED);

        CommandLine commandLine = new CommandLine(new ListenerMain(protocolIn, protocolOut));
        commandLine.setOut(new java.io.PrintWriter(System.err, true));
        commandLine.setErr(new java.io.PrintWriter(System.err, true));
        int exitCode = commandLine.execute(args);
        System.exit(exitCode);
    }

    @Override
    public Integer call() {
        ListenerConfig config;
        try {
            config = ConfigLoader.load(new ConfigLoader.Flags(bootstrapServers, configFile, serverId,
                    serverIdFromIdentification, supervisorUrl, snapshotInterval, xmlrpcTimeout, spoolDir,
                    spoolMaxBytes, spoolFullPolicy, fsyncInterval, gunicorn, gunicornApps, gunicornInterval,
                    statsdListen, statsdFlushInterval, dockerUrl, dockerInterval, dockerPlugin, noEventListener),
                    System.getenv(),
                    ConfigLoader.hostName());
        } catch (IllegalArgumentException e) {
            System.err.println("supervisor-kafka-listener: " + e.getMessage());
            return 2;
        }
        Listener listener = Listener.create(config);
        // supervisord stops the listener with SIGTERM: let the spool be fsynced and the shipper drain briefly.
        Runtime.getRuntime().addShutdownHook(new Thread(listener::close, "listener-shutdown"));
        int exitCode = noEventListener ? listener.runWithoutEventListener() : listener.run(protocolIn, protocolOut);
        listener.close();
        return exitCode;
    }

    /** slf4j-simple reads these when the first logger is created: stderr, INFO, Kafka's chatter at WARN. */
    static void configureLogging() {
        setDefault("org.slf4j.simpleLogger.logFile", "System.err");
        setDefault("org.slf4j.simpleLogger.defaultLogLevel", "info");
        setDefault("org.slf4j.simpleLogger.log.org.apache.kafka", "warn");
        // Logs every reconnect attempt while the broker is down; the shipper reports failed deliveries itself.
        setDefault("org.slf4j.simpleLogger.log.org.apache.kafka.clients.NetworkClient", "error");
        // Jetty (the docker plugin endpoints) announces its version and every start and stop at INFO.
        setDefault("org.slf4j.simpleLogger.log.org.eclipse.jetty", "warn");
        setDefault("org.slf4j.simpleLogger.showDateTime", "true");
        setDefault("org.slf4j.simpleLogger.dateTimeFormat", "yyyy-MM-dd'T'HH:mm:ss.SSSXXX");
        setDefault("org.slf4j.simpleLogger.showThreadName", "true");
        setDefault("org.slf4j.simpleLogger.showShortLogName", "true");
    }

    private static void setDefault(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }

    /** The version from the build (version.properties is filtered by Maven). */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() throws Exception {
            java.util.Properties properties = new java.util.Properties();
            try (InputStream in = ListenerMain.class.getResourceAsStream("/supervisor-kafka-listener.properties")) {
                if (in != null) {
                    properties.load(in);
                }
            }
            return new String[] {"supervisor-kafka-listener " + properties.getProperty("version", "unknown")};
        }
    }
}
