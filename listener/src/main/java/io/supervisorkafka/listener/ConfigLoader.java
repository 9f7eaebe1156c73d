package io.supervisorkafka.listener;

import io.supervisorkafka.listener.docker.DockerConfig;
import io.supervisorkafka.listener.gunicorn.GunicornConfig;
import io.supervisorkafka.listener.kafka.ProducerSettings;
import io.supervisorkafka.listener.spool.PrivateFiles;
import io.supervisorkafka.listener.spool.SpoolConfig;
import io.supervisorkafka.listener.spool.SpoolDirectoryName;
import io.supervisorkafka.listener.supervisor.xmlrpc.SupervisorSourceConfig;
import io.supervisorkafka.schemas.cli.ConfigFiles;
import java.io.IOException;
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
 * Resolves the listener's configuration from the flags given, the config file, the environment and the defaults (see
 * {@link OptionResolver}), validating all of it before it touches the disk: the spool directory is chosen (and maybe
 * created) last, so that a bad option leaves nothing behind.
 *
 * <p>The config file is a Java properties file. Keys starting with {@value #PREFIX} are the listener's own (see
 * {@link #OPTIONS}); every other key is a Kafka producer property and is passed to the producer unchanged, so TLS
 * ({@code security.protocol}, {@code ssl.*}) and SASL ({@code sasl.*}) work as Kafka documents them.
 */
public final class ConfigLoader {
    public static final String PREFIX = "listener.";
    /** What supervisord sets for each process it runs: its name ({@code [eventlistener:x]}'s process name). */
    static final String SUPERVISOR_PROCESS_NAME = "SUPERVISOR_PROCESS_NAME";
    /** What supervisord sets for each process it runs: where its XML-RPC interface answers. */
    static final String SUPERVISOR_SERVER_URL = "SUPERVISOR_SERVER_URL";

    /** Every option of the listener, by owner, in the order of {@code --help} and the options reference. */
    public static final List<OptionGroup> OPTIONS = List.of(ListenerConfig.OPTIONS, SupervisorSourceConfig.OPTIONS,
            SpoolConfig.OPTIONS, GunicornConfig.OPTIONS, DockerConfig.OPTIONS);

    private ConfigLoader() {
    }

    /**
     * @param flags    the flags given on the command line, by option (a switch given: {@code "true"})
     * @param env      the environment
     * @param hostName the host name, the default server id
     * @throws IllegalArgumentException with a message for the operator when something is wrong
     */
    public static ListenerConfig load(Map<ListenerOption, String> flags, Map<String, String> env, String hostName) {
        String configFile = flags.get(ListenerConfig.CONFIG);
        Map<String, String> file = configFile == null ? Map.of() : readFile(Path.of(configFile));
        Map<String, String> producer = new LinkedHashMap<>();
        Set<String> known = new TreeSet<>();
        OPTIONS.forEach(group -> group.options().forEach(option -> {
            if (option.key() != null && option.key().startsWith(PREFIX)) {
                known.add(option.key());
            }
        }));
        for (Map.Entry<String, String> entry : file.entrySet()) {
            if (!entry.getKey().startsWith(PREFIX)) {
                producer.put(entry.getKey(), entry.getValue());
            } else if (!known.contains(entry.getKey())) {
                throw new IllegalArgumentException("unknown key " + entry.getKey() + " in " + configFile
                        + "; the listener's keys are " + known);
            }
        }
        OptionResolver options = new OptionResolver(flags, file, env);
        List<String> notices = new ArrayList<>();

        String serverId = options.string(ListenerConfig.SERVER_ID);
        if (serverId == null) {
            serverId = hostName;
        }
        if (serverId == null || serverId.isBlank()) {
            throw new IllegalArgumentException("no server id: the host name is unknown, give --server-id");
        }
        boolean fromIdentification = options.isOn(ListenerConfig.SERVER_ID_FROM_IDENTIFICATION);
        SupervisorSourceConfig supervisor = SupervisorSourceConfig.from(options, notices);
        OptionResolver.Value spoolDir = options.resolve(SpoolConfig.DIR);
        SpoolConfig spool = SpoolConfig.from(options, givenOrDefault(spoolDir));
        String bootstrapServers = options.string(ListenerConfig.BOOTSTRAP_SERVERS);
        if (configFile != null && (bootstrapServers == null || bootstrapServers.isBlank())
                && producer.getOrDefault("bootstrap.servers", "").isBlank()) {
            // An installed but unconfigured listener: name the one file the operator has to edit.
            throw new IllegalArgumentException("bootstrap.servers is not set: set it in " + configFile
                    + " (or give --bootstrap-servers)");
        }
        Map<String, Object> producerProperties = ProducerSettings.build(producer,
                bootstrapServers, "supervisor-kafka-listener-" + serverId);
        Duration grace = options.duration(ListenerConfig.SHUTDOWN_GRACE);
        Duration metrics = options.duration(ListenerConfig.METRICS_INTERVAL);
        GunicornConfig gunicorn = GunicornConfig.from(options);
        DockerConfig docker = DockerConfig.from(options);
        boolean withoutEventListener = options.isOn(ListenerConfig.NO_EVENTLISTENER);
        OptionResolver.Value priority = options.resolve(ListenerConfig.PROTOCOL_PRIORITY);
        ProtocolPriority protocolPriority = ProtocolPriority.parse(priority.source(), priority.text());
        if (withoutEventListener) {
            supervisor = supervisor.withoutExits();
        }
        if (withoutEventListener && !docker.enabled() && !gunicorn.enabled() && !supervisor.snapshotsEnabled()) {
            // Without supervisord's events the listener would only sit there until SIGTERM.
            throw new IllegalArgumentException("--no-eventlistener with no source to run: give --docker-url or"
                    + " --docker-plugin, --gunicorn or --statsd-listen, or --supervisor-url for XML-RPC snapshots");
        }
        if (docker.plugin() && !withoutEventListener) {
            notices.add("docker plugin mode inside supervisord: the engine calls managed plugins only, so "
                    + docker.pluginSocket() + " is of use only if a managed plugin proxies the engine's calls to it"
                    + " (the plugin itself runs --no-eventlistener --docker-plugin)");
        }
        String processName = env.get(SUPERVISOR_PROCESS_NAME);
        processName = processName == null || processName.isBlank() ? null : processName.trim();
        // Everything is valid: only now may the disk be touched.
        if (!spoolDir.explicit()) {
            String serverUrl = env.get(SUPERVISOR_SERVER_URL);
            String own = SpoolDirectoryName.of(processName, serverUrl,
                    processName != null && (serverUrl == null || serverUrl.isBlank()) ? supervisordCommandLine() : null);
            spool = spool.withDir(usableSpoolDir(spool.dir(), own, serverId, notices));
        }
        return new ListenerConfig(serverId, fromIdentification, spool, producerProperties, supervisor, grace, notices,
                gunicorn, metrics, docker, withoutEventListener, processName, protocolPriority);
    }

    /** The command line of our parent process (supervisord, when it runs us), or null. */
    private static String supervisordCommandLine() {
        return ProcessHandle.current().parent().flatMap(parent -> parent.info().commandLine()).orElse(null);
    }

    /** The spool directory as given; where the host's or the default one is blank, the default. */
    private static Path givenOrDefault(OptionResolver.Value dir) {
        return dir.explicit() || !dir.text().isBlank() ? Path.of(dir.text()) : SpoolConfig.DEFAULT_DIR;
    }

    /**
     * The listener's directory under the environment's or the default spool root ({@code own}: see
     * {@link SpoolDirectoryName}; the root itself when null), created; or, when it cannot be created or written (a
     * listener not running as root), the same under {@code ${java.io.tmpdir}/supervisor-kafka-spool-<server>}. A
     * directory given by flag or key is not probed: failing to open it is an error.
     */
    private static Path usableSpoolDir(Path root, String own, String serverId, List<String> notices) {
        Path preferred = own == null ? root : root.resolve(own);
        try {
            PrivateFiles.createDirectory(preferred);
            if (Files.isWritable(preferred)) {
                noticeLeftBehind(root, preferred, notices);
                return preferred;
            }
        } catch (IOException | SecurityException e) {
            // fall back below
        }
        Path fallbackRoot = Path.of(System.getProperty("java.io.tmpdir"),
                "supervisor-kafka-spool-" + serverId.replaceAll("[^A-Za-z0-9._-]", "_"));
        Path fallback = own == null ? fallbackRoot : fallbackRoot.resolve(own);
        notices.add("spool directory " + preferred + " is not writable: using " + fallback
                + " (give --spool-dir to choose; a tmpfs loses the spool on reboot)");
        return fallback;
    }

    /** A spool that an earlier listener left in the root itself is not this listener's to ship: say so. */
    private static void noticeLeftBehind(Path root, Path used, List<String> notices) {
        long segments = used.equals(root) ? 0 : SpoolDirectoryName.segmentFilesIn(root);
        if (segments > 0) {
            notices.add("spool root " + root + " holds " + segments + " segment file(s) of an earlier listener,"
                    + " which this one (spool " + used + ") does not ship: to ship them, run the listener once with"
                    + " --spool-dir " + root);
        }
    }

    /** The file's properties, values trimmed, in key order. */
    private static Map<String, String> readFile(Path path) {
        Properties properties = ConfigFiles.read(path);
        Map<String, String> values = new LinkedHashMap<>();
        for (String name : new TreeSet<>(properties.stringPropertyNames())) {
            values.put(name, properties.getProperty(name).trim());
        }
        return values;
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
