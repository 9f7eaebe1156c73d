package io.supervisorkafka.listener;

import io.supervisorkafka.listener.docker.DockerConfig;
import io.supervisorkafka.listener.docker.MetricsEndpoint;
import io.supervisorkafka.listener.gunicorn.GunicornConfig;
import io.supervisorkafka.listener.gunicorn.StatsdReceiver;
import io.supervisorkafka.listener.kafka.ProducerSettings;
import io.supervisorkafka.listener.spool.PrivateFiles;
import io.supervisorkafka.listener.spool.SpoolConfig;
import io.supervisorkafka.listener.spool.SpoolFullPolicy;
import io.supervisorkafka.listener.supervisor.xmlrpc.Credentials;
import io.supervisorkafka.listener.supervisor.xmlrpc.SupervisorEndpoint;
import io.supervisorkafka.listener.supervisor.xmlrpc.SupervisorSourceConfig;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

/**
 * Resolves the listener's configuration. For every setting: the command-line flag, else the config file key, else the
 * environment variable (where there is one), else the default.
 *
 * <p>The config file is a Java properties file. Keys starting with {@value #PREFIX} are the listener's own (see
 * {@link Key}); every other key is a Kafka producer property and is passed to the producer unchanged, so TLS
 * ({@code security.protocol}, {@code ssl.*}) and SASL ({@code sasl.*}) work as Kafka documents them.
 */
public final class ConfigLoader {
    public static final String PREFIX = "listener.";

    /** The listener's own config file keys. */
    public enum Key {
        SERVER_ID("listener.server.id"),
        SERVER_ID_FROM_IDENTIFICATION("listener.server.id.from.identification"),
        SUPERVISOR_URL("listener.supervisor.url"),
        SUPERVISOR_USERNAME("listener.supervisor.username"),
        SUPERVISOR_PASSWORD("listener.supervisor.password"),
        SNAPSHOT_INTERVAL("listener.snapshot.interval"),
        XMLRPC_TIMEOUT("listener.xmlrpc.timeout"),
        SPOOL_DIR("listener.spool.dir"),
        SPOOL_MAX_BYTES("listener.spool.max.bytes"),
        SPOOL_SEGMENT_BYTES("listener.spool.segment.bytes"),
        SPOOL_FULL_POLICY("listener.spool.full.policy"),
        FSYNC_INTERVAL("listener.fsync.interval"),
        SHUTDOWN_GRACE("listener.shutdown.grace"),
        WAKE_INTERVAL("listener.supervisor.wake.interval"),
        GUNICORN("listener.gunicorn"),
        GUNICORN_APPS("listener.gunicorn.apps"),
        GUNICORN_INTERVAL("listener.gunicorn.interval"),
        GUNICORN_SAMPLE_WINDOW("listener.gunicorn.sample.window"),
        STATSD_LISTEN("listener.statsd.listen"),
        STATSD_FLUSH_INTERVAL("listener.statsd.flush.interval"),
        METRICS_INTERVAL("listener.metrics.interval"),
        DOCKER_URL("listener.docker.url"),
        DOCKER_INTERVAL("listener.docker.interval"),
        DOCKER_TIMEOUT("listener.docker.timeout"),
        DOCKER_INCLUDE("listener.docker.include"),
        DOCKER_EXCLUDE("listener.docker.exclude"),
        DOCKER_PLUGIN("listener.docker.plugin"),
        DOCKER_PLUGIN_SOCKET("listener.docker.plugin.socket");

        private final String key;

        Key(String key) {
            this.key = key;
        }

        public String key() {
            return key;
        }
    }

    public static final String ENV_SPOOL_DIR = "SUPERVISOR_KAFKA_SPOOL_DIR";
    public static final String ENV_SERVER_URL = "SUPERVISOR_SERVER_URL";
    public static final String ENV_USERNAME = "SUPERVISOR_USERNAME";
    public static final String ENV_PASSWORD = "SUPERVISOR_PASSWORD";
    public static final Path DEFAULT_SPOOL_DIR = Path.of("/var/lib/supervisor-kafka/spool");

    /** The command-line flags, as given (null when absent). */
    public record Flags(String bootstrapServers, Path configFile, String serverId, boolean serverIdFromIdentification,
                        String supervisorUrl, String snapshotInterval, String xmlrpcTimeout, Path spoolDir,
                        String spoolMaxBytes, String spoolFullPolicy, String fsyncInterval, boolean gunicorn,
                        String gunicornApps, String gunicornInterval, String statsdListen,
                        String statsdFlushInterval, String dockerUrl, String dockerInterval, boolean dockerPlugin,
                        boolean noEventListener) {
        /** Inside supervisord, as its eventlistener. */
        public Flags(String bootstrapServers, Path configFile, String serverId, boolean serverIdFromIdentification,
                     String supervisorUrl, String snapshotInterval, String xmlrpcTimeout, Path spoolDir,
                     String spoolMaxBytes, String spoolFullPolicy, String fsyncInterval, boolean gunicorn,
                     String gunicornApps, String gunicornInterval, String statsdListen, String statsdFlushInterval,
                     String dockerUrl, String dockerInterval, boolean dockerPlugin) {
            this(bootstrapServers, configFile, serverId, serverIdFromIdentification, supervisorUrl, snapshotInterval,
                    xmlrpcTimeout, spoolDir, spoolMaxBytes, spoolFullPolicy, fsyncInterval, gunicorn, gunicornApps,
                    gunicornInterval, statsdListen, statsdFlushInterval, dockerUrl, dockerInterval, dockerPlugin,
                    false);
        }

        /** Without the docker source's flags. */
        public Flags(String bootstrapServers, Path configFile, String serverId, boolean serverIdFromIdentification,
                     String supervisorUrl, String snapshotInterval, String xmlrpcTimeout, Path spoolDir,
                     String spoolMaxBytes, String spoolFullPolicy, String fsyncInterval, boolean gunicorn,
                     String gunicornApps, String gunicornInterval, String statsdListen, String statsdFlushInterval) {
            this(bootstrapServers, configFile, serverId, serverIdFromIdentification, supervisorUrl, snapshotInterval,
                    xmlrpcTimeout, spoolDir, spoolMaxBytes, spoolFullPolicy, fsyncInterval, gunicorn, gunicornApps,
                    gunicornInterval, statsdListen, statsdFlushInterval, null, null, false);
        }

        /** Without the gunicorn source's flags. */
        public Flags(String bootstrapServers, Path configFile, String serverId, boolean serverIdFromIdentification,
                     String supervisorUrl, String snapshotInterval, String xmlrpcTimeout, Path spoolDir,
                     String spoolMaxBytes, String spoolFullPolicy, String fsyncInterval) {
            this(bootstrapServers, configFile, serverId, serverIdFromIdentification, supervisorUrl, snapshotInterval,
                    xmlrpcTimeout, spoolDir, spoolMaxBytes, spoolFullPolicy, fsyncInterval, false, null, null, null,
                    null);
        }
    }

    private ConfigLoader() {
    }

    /**
     * @param flags    the command line
     * @param env      the environment
     * @param hostName the host name, the default server id
     * @throws IllegalArgumentException with a message for the operator when something is wrong
     */
    public static ListenerConfig load(Flags flags, Map<String, String> env, String hostName) {
        Map<String, String> file = flags.configFile() == null ? Map.of() : readFile(flags.configFile());
        List<String> notices = new ArrayList<>();

        Map<String, String> own = new LinkedHashMap<>();
        Map<String, String> producer = new LinkedHashMap<>();
        file.forEach((key, value) -> (key.startsWith(PREFIX) ? own : producer).put(key, value));
        Set<String> known = new TreeSet<>();
        for (Key key : Key.values()) {
            known.add(key.key());
        }
        for (String key : own.keySet()) {
            if (!known.contains(key)) {
                throw new IllegalArgumentException("unknown key " + key + " in " + flags.configFile()
                        + "; the listener's keys are " + known);
            }
        }

        String serverId = first(flags.serverId(), own.get(Key.SERVER_ID.key()), hostName);
        if (serverId == null || serverId.isBlank()) {
            throw new IllegalArgumentException("no server id: the host name is unknown, give --server-id");
        }
        boolean fromIdentification = flags.serverIdFromIdentification()
                || Boolean.parseBoolean(own.getOrDefault(Key.SERVER_ID_FROM_IDENTIFICATION.key(), "false").trim());

        Duration wake = duration(null, null, Key.WAKE_INTERVAL, own, SupervisorSourceConfig.DEFAULT_WAKE_INTERVAL);
        SupervisorSourceConfig supervisor = supervisorSource(flags, own, env, wake, notices);

        long maxBytes = flags.spoolMaxBytes() != null ? Units.bytes("--spool-max-bytes", flags.spoolMaxBytes())
                : own.containsKey(Key.SPOOL_MAX_BYTES.key())
                ? Units.bytes(Key.SPOOL_MAX_BYTES.key(), own.get(Key.SPOOL_MAX_BYTES.key()))
                : SpoolConfig.DEFAULT_MAX_BYTES;
        long segmentBytes = own.containsKey(Key.SPOOL_SEGMENT_BYTES.key())
                ? Units.bytes(Key.SPOOL_SEGMENT_BYTES.key(), own.get(Key.SPOOL_SEGMENT_BYTES.key()))
                : SpoolConfig.defaultSegmentBytes(maxBytes);
        SpoolFullPolicy policy = SpoolFullPolicy.parse(first(flags.spoolFullPolicy(),
                own.get(Key.SPOOL_FULL_POLICY.key()), SpoolFullPolicy.DROP_OLDEST.optionValue()));
        Duration fsync = duration("--fsync-interval", flags.fsyncInterval(), Key.FSYNC_INTERVAL, own,
                SpoolConfig.DEFAULT_FSYNC_INTERVAL);
        Path spoolDir = spoolDir(flags, own, env, serverId, notices);
        SpoolConfig spool = new SpoolConfig(spoolDir, maxBytes, segmentBytes, policy, fsync);

        Map<String, Object> producerProperties = ProducerSettings.build(producer, flags.bootstrapServers(),
                "supervisor-kafka-listener-" + serverId);
        Duration grace = duration(null, null, Key.SHUTDOWN_GRACE, own, ListenerConfig.DEFAULT_SHUTDOWN_GRACE);
        Duration metrics = duration(null, null, Key.METRICS_INTERVAL, own, ListenerConfig.DEFAULT_METRICS_INTERVAL);
        GunicornConfig gunicorn = gunicorn(flags, own);
        DockerConfig docker = docker(flags, own);
        if (flags.noEventListener() && !docker.enabled() && !gunicorn.snapshots() && !gunicorn.statsdEnabled()
                && !supervisor.snapshotsEnabled()) {
            // Without supervisord's events the listener would only sit there until SIGTERM.
            throw new IllegalArgumentException("--no-eventlistener with no source to run: give --docker-url or"
                    + " --docker-plugin, --gunicorn or --statsd-listen, or --supervisor-url for XML-RPC snapshots");
        }
        if (docker.plugin() && !flags.noEventListener()) {
            notices.add("docker plugin mode inside supervisord: the engine calls managed plugins only, so "
                    + docker.pluginSocket() + " is of use only if a managed plugin proxies the engine's calls to it"
                    + " (the plugin itself runs --no-eventlistener --docker-plugin)");
        }
        return new ListenerConfig(serverId, fromIdentification, spool, producerProperties, supervisor, grace, notices,
                gunicorn, metrics, docker);
    }

    /** Off unless a metrics URL or plugin mode is given; only then is anything of the docker package beyond its config
     * record loaded. */
    private static DockerConfig docker(Flags flags, Map<String, String> own) {
        boolean plugin = flags.dockerPlugin()
                || Boolean.parseBoolean(own.getOrDefault(Key.DOCKER_PLUGIN.key(), "false").trim());
        String url = first(flags.dockerUrl(), own.get(Key.DOCKER_URL.key()));
        if (url != null && url.isBlank()) {
            url = null;
        }
        if (url == null && plugin) {
            url = DockerConfig.PLUGIN_METRICS_URL;
        }
        Duration interval = duration("--docker-interval", flags.dockerInterval(), Key.DOCKER_INTERVAL, own,
                DockerConfig.DEFAULT_INTERVAL);
        Duration timeout = duration(null, null, Key.DOCKER_TIMEOUT, own, DockerConfig.DEFAULT_TIMEOUT);
        List<String> include = globs(Key.DOCKER_INCLUDE, own, DockerConfig.DEFAULT_INCLUDE);
        List<String> exclude = globs(Key.DOCKER_EXCLUDE, own, List.of());
        String socket = own.get(Key.DOCKER_PLUGIN_SOCKET.key());
        if (url == null) {
            return DockerConfig.OFF;
        }
        return new DockerConfig(MetricsEndpoint.parse(url), interval, timeout, include, exclude, plugin,
                socket == null || socket.isBlank() ? DockerConfig.DEFAULT_PLUGIN_SOCKET : Path.of(socket));
    }

    /** A comma-separated list of globs; blank entries are dropped. */
    private static List<String> globs(Key key, Map<String, String> own, List<String> defaultValue) {
        String value = own.get(key.key());
        if (value == null) {
            return defaultValue;
        }
        List<String> globs = new ArrayList<>();
        for (String glob : value.split(",")) {
            if (!glob.isBlank()) {
                globs.add(glob.trim());
            }
        }
        return globs;
    }

    private static GunicornConfig gunicorn(Flags flags, Map<String, String> own) {
        String appList = first(flags.gunicornApps(), own.get(Key.GUNICORN_APPS.key()));
        List<String> apps = new ArrayList<>();
        if (appList != null) {
            for (String app : appList.split(",")) {
                String name = app.trim();
                if (name.isEmpty() || name.contains("]")) {
                    throw new IllegalArgumentException("bad gunicorn app name in [" + appList + "]: give the NAME of"
                            + " 'gunicorn: master [NAME]', comma-separated");
                }
                apps.add(name);
            }
        }
        boolean enabled = flags.gunicorn() || !apps.isEmpty()
                || Boolean.parseBoolean(own.getOrDefault(Key.GUNICORN.key(), "false").trim());
        Duration interval = duration("--gunicorn-interval", flags.gunicornInterval(), Key.GUNICORN_INTERVAL, own,
                GunicornConfig.DEFAULT_INTERVAL);
        Duration window = duration(null, null, Key.GUNICORN_SAMPLE_WINDOW, own, GunicornConfig.DEFAULT_SAMPLE_WINDOW);
        String listen = first(flags.statsdListen(), own.get(Key.STATSD_LISTEN.key()));
        if (listen != null && listen.isBlank()) {
            listen = null;
        }
        if (listen != null) {
            StatsdReceiver.parseAddress(listen);
        }
        Duration flush = duration("--statsd-flush-interval", flags.statsdFlushInterval(), Key.STATSD_FLUSH_INTERVAL,
                own, GunicornConfig.DEFAULT_FLUSH_INTERVAL);
        return new GunicornConfig(enabled, apps, interval, window, listen, flush);
    }

    private static SupervisorSourceConfig supervisorSource(Flags flags, Map<String, String> own,
                                                           Map<String, String> env, Duration wake,
                                                           List<String> notices) {
        Duration interval = duration("--snapshot-interval", flags.snapshotInterval(), Key.SNAPSHOT_INTERVAL, own,
                SupervisorSourceConfig.DEFAULT_SNAPSHOT_INTERVAL);
        Duration timeout = duration("--xmlrpc-timeout", flags.xmlrpcTimeout(), Key.XMLRPC_TIMEOUT, own,
                SupervisorSourceConfig.DEFAULT_RPC_TIMEOUT);
        String url = first(flags.supervisorUrl(), own.get(Key.SUPERVISOR_URL.key()), env.get(ENV_SERVER_URL));
        if (url == null || url.isBlank()) {
            if (!interval.isZero()) {
                notices.add("no supervisor URL (--supervisor-url, " + Key.SUPERVISOR_URL.key() + " or "
                        + ENV_SERVER_URL + "): XML-RPC snapshots are off");
            }
            return new SupervisorSourceConfig(null, null, interval, timeout, wake);
        }
        SupervisorEndpoint.Parsed parsed = SupervisorEndpoint.parse(url);
        String username = first(own.get(Key.SUPERVISOR_USERNAME.key()), env.get(ENV_USERNAME),
                parsed.credentials() == null ? null : parsed.credentials().username());
        String password = first(own.get(Key.SUPERVISOR_PASSWORD.key()), env.get(ENV_PASSWORD),
                parsed.credentials() == null ? null : parsed.credentials().password());
        Credentials credentials = username == null || username.isEmpty() ? null
                : new Credentials(username, password == null ? "" : password);
        return new SupervisorSourceConfig(parsed.endpoint(), credentials, interval, timeout, wake);
    }

    /**
     * {@code --spool-dir}, {@code listener.spool.dir}, then the default: {@code $SUPERVISOR_KAFKA_SPOOL_DIR} or
     * {@code /var/lib/supervisor-kafka/spool}, falling back to {@code ${java.io.tmpdir}/supervisor-kafka-spool-<server>}
     * when the default cannot be created or written (a listener not running as root). An explicit directory is used as
     * given: failing to open it is an error.
     */
    private static Path spoolDir(Flags flags, Map<String, String> own, Map<String, String> env, String serverId,
                                 List<String> notices) {
        if (flags.spoolDir() != null) {
            return flags.spoolDir();
        }
        if (own.containsKey(Key.SPOOL_DIR.key())) {
            return Path.of(own.get(Key.SPOOL_DIR.key()));
        }
        String fromEnv = env.get(ENV_SPOOL_DIR);
        Path preferred = fromEnv == null || fromEnv.isBlank() ? DEFAULT_SPOOL_DIR : Path.of(fromEnv);
        try {
            PrivateFiles.createDirectory(preferred);
            if (Files.isWritable(preferred)) {
                return preferred;
            }
        } catch (IOException | SecurityException e) {
            // fall back below
        }
        Path fallback = Path.of(System.getProperty("java.io.tmpdir"),
                "supervisor-kafka-spool-" + serverId.replaceAll("[^A-Za-z0-9._-]", "_"));
        notices.add("spool directory " + preferred + " is not writable: using " + fallback
                + " (give --spool-dir to choose; a tmpfs loses the spool on reboot)");
        return fallback;
    }

    /**
     * A duration of a flag or key. The listener schedules and times out in whole milliseconds, so a duration that is
     * not zero but shorter than one would be zero there: a scheduling period of 0 fails only once the source starts,
     * after READY; refused here instead.
     */
    private static Duration duration(String flag, String flagValue, Key key, Map<String, String> own,
                                     Duration defaultValue) {
        String what = flagValue != null ? flag : key.key();
        String text = flagValue != null ? flagValue : own.get(key.key());
        if (text == null) {
            return defaultValue;
        }
        Duration duration = Units.duration(what, text);
        if (!duration.isZero() && duration.toMillis() == 0) {
            throw new IllegalArgumentException(what + ": '" + text + "' is shorter than a millisecond, the listener's"
                    + " finest unit; write e.g. 1ms");
        }
        return duration;
    }

    private static Map<String, String> readFile(Path path) {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
            properties.load(reader);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read config file " + path + ": " + e.getMessage());
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (String name : new TreeSet<>(properties.stringPropertyNames())) {
            values.put(name, properties.getProperty(name).trim());
        }
        return values;
    }

    @SafeVarargs
    private static <T> T first(T... candidates) {
        for (T candidate : candidates) {
            if (candidate != null) {
                return candidate;
            }
        }
        return null;
    }

    /** The host name as the kernel knows it, without any DNS lookup; null if unknown. */
    public static String hostName() {
        try {
            String name = Files.readString(Path.of("/proc/sys/kernel/hostname"), StandardCharsets.UTF_8).trim();
            if (!name.isEmpty()) {
                return name;
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: use the environment
        }
        String env = System.getenv("HOSTNAME");
        return env == null || env.isBlank() ? null : env.trim();
    }
}
