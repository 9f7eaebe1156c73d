package io.supervisorkafka.listener;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.supervisorkafka.listener.spool.SpoolConfig;
import io.supervisorkafka.listener.spool.SpoolDirectoryName;
import io.supervisorkafka.listener.spool.SpoolFullPolicy;
import io.supervisorkafka.listener.supervisor.xmlrpc.SupervisorEndpoint;
import io.supervisorkafka.listener.supervisor.xmlrpc.SupervisorSourceConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
    @TempDir
    Path dir;

    private final Map<String, String> env = new HashMap<>();

    @BeforeEach
    void keepTheDefaultSpoolInTheTempDir() {
        // Never let a test create /var/lib/supervisor-kafka.
        env.put(SpoolConfig.DIR.env(), dir.resolve("env-spool").toString());
    }

    private static Map<ListenerOption, String> flags(String bootstrap, Path config) {
        return TestFlags.parse("--bootstrap-servers", bootstrap, "--config", config == null ? null : config.toString());
    }

    private Path file(String content) throws IOException {
        Path file = dir.resolve("listener.properties");
        Files.writeString(file, content);
        return file;
    }

    private ListenerConfig load(Map<ListenerOption, String> flags) {
        return ConfigLoader.load(flags, env, "host-1");
    }

    @Test
    void defaults() {
        ListenerConfig config = load(flags("kafka:9092", null));
        assertThat(config.serverId()).isEqualTo("host-1");
        assertThat(config.serverIdFromIdentification()).isFalse();
        assertThat(config.spool().dir()).isEqualTo(dir.resolve("env-spool"));
        assertThat(config.spool().maxBytes()).isEqualTo(256L * 1024 * 1024);
        assertThat(config.spool().segmentBytes()).isEqualTo(16L * 1024 * 1024);
        assertThat(config.spool().fullPolicy()).isEqualTo(SpoolFullPolicy.DROP_OLDEST);
        assertThat(config.spool().fsyncInterval()).isEqualTo(Duration.ofMillis(200));
        assertThat(config.supervisor().snapshotInterval()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.supervisor().rpcTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.supervisor().snapshotsEnabled()).isFalse();
        assertThat(config.metricsInterval()).isEqualTo(Duration.ofSeconds(15));
        assertThat(config.notices()).anySatisfy(n -> assertThat(n).contains("snapshots are off"));
        assertThat(config.producerProperties()).containsEntry("bootstrap.servers", "kafka:9092")
                .containsEntry("enable.idempotence", "true").containsEntry("acks", "all")
                .containsEntry("linger.ms", "5").containsEntry("client.id", "supervisor-kafka-listener-host-1");
    }

    @Test
    void producerPropertiesPassThroughAndFlagsOverrideTheFile() throws IOException {
        Path config = file("""
                bootstrap.servers=file-broker:9093
                security.protocol=SASL_SSL
                sasl.mechanism=SCRAM-SHA-512
                sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="u" password="p";
                ssl.truststore.location=/etc/kafka/truststore.jks
                linger.ms=20
                acks=1
                enable.idempotence=false
                listener.spool.max.bytes=1m
                listener.spool.full.policy=block
                listener.snapshot.interval=15s
                listener.server.id=from-file
                listener.metrics.interval=0s
                """);
        ListenerConfig fromFile = load(flags(null, config));
        assertThat(fromFile.producerProperties()).containsEntry("bootstrap.servers", "file-broker:9093")
                .containsEntry("security.protocol", "SASL_SSL").containsEntry("sasl.mechanism", "SCRAM-SHA-512")
                .containsEntry("ssl.truststore.location", "/etc/kafka/truststore.jks")
                .containsEntry("linger.ms", "20").containsEntry("acks", "all")
                .containsEntry("enable.idempotence", "true").doesNotContainKey("listener.spool.max.bytes");
        assertThat(fromFile.spool().maxBytes()).isEqualTo(1024 * 1024);
        assertThat(fromFile.spool().fullPolicy()).isEqualTo(SpoolFullPolicy.BLOCK);
        assertThat(fromFile.supervisor().snapshotInterval()).isEqualTo(Duration.ofSeconds(15));
        assertThat(fromFile.serverId()).isEqualTo("from-file");
        assertThat(fromFile.metricsInterval()).isZero();
        assertThat(fromFile.toString()).doesNotContain("password=").doesNotContain("\"p\"");

        ListenerConfig flagged = load(TestFlags.parse("--bootstrap-servers", "flag-broker:9092", "--config",
                config.toString(), "--server-id", "from-flag", "--server-id-from-identification", "--supervisor-url",
                "unix:///run/supervisor.sock", "--snapshot-interval", "1m", "--xmlrpc-timeout", "3s", "--spool-dir",
                dir.resolve("flag-spool").toString(), "--spool-max-bytes", "2MiB", "--spool-full-policy",
                "drop-oldest", "--fsync-interval", "1s"));
        assertThat(flagged.producerProperties()).containsEntry("bootstrap.servers", "flag-broker:9092");
        assertThat(flagged.serverId()).isEqualTo("from-flag");
        assertThat(flagged.serverIdFromIdentification()).isTrue();
        assertThat(flagged.spool().maxBytes()).isEqualTo(2 * 1024 * 1024);
        assertThat(flagged.spool().fullPolicy()).isEqualTo(SpoolFullPolicy.DROP_OLDEST);
        assertThat(flagged.spool().dir()).isEqualTo(dir.resolve("flag-spool"));
        assertThat(flagged.spool().fsyncInterval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(flagged.supervisor().snapshotInterval()).isEqualTo(Duration.ofMinutes(1));
        assertThat(flagged.supervisor().rpcTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(flagged.supervisor().endpoint())
                .isEqualTo(new SupervisorEndpoint.Unix(Path.of("/run/supervisor.sock")));
    }

    @Test
    void supervisorUrlAndCredentialsComeFromFlagFileEnvOrUrl() throws IOException {
        env.put(SupervisorSourceConfig.URL.env(), "http://127.0.0.1:9001");
        env.put(SupervisorSourceConfig.USERNAME.env(), "env-user");
        env.put(SupervisorSourceConfig.PASSWORD.env(), "env-secret");
        ListenerConfig fromEnv = load(flags("k:9092", null));
        assertThat(fromEnv.supervisor().endpoint()).isEqualTo(new SupervisorEndpoint.Http("127.0.0.1", 9001, "/RPC2"));
        assertThat(fromEnv.supervisor().credentials().username()).isEqualTo("env-user");
        assertThat(fromEnv.supervisor().credentials().password()).isEqualTo("env-secret");
        assertThat(fromEnv.toString()).doesNotContain("env-secret");

        Path config = file("""
                listener.supervisor.url=http://sup.example:9002/custom
                listener.supervisor.username=file-user
                listener.supervisor.password=file-secret
                """);
        ListenerConfig fromFile = load(flags("k:9092", config));
        assertThat(fromFile.supervisor().endpoint().display()).isEqualTo("http://sup.example:9002/custom");
        assertThat(fromFile.supervisor().credentials().password()).isEqualTo("file-secret");

        env.clear();
        env.put(SpoolConfig.DIR.env(), dir.resolve("env-spool").toString());
        Map<ListenerOption, String> withUrl = TestFlags.parse("--bootstrap-servers", "k:9092", "--supervisor-url",
                "http://url-user:url%40secret@127.0.0.1:9001");
        ListenerConfig fromUrl = load(withUrl);
        assertThat(fromUrl.supervisor().credentials().username()).isEqualTo("url-user");
        assertThat(fromUrl.supervisor().credentials().password()).isEqualTo("url@secret");
        assertThat(fromUrl.supervisor().endpoint().display()).isEqualTo("http://127.0.0.1:9001/RPC2");
    }

    @Test
    void spoolFallsBackToTheTempDirWhenTheDefaultIsNotWritable() throws IOException {
        Path notADirectory = Files.writeString(dir.resolve("plain-file"), "x");
        env.put(SpoolConfig.DIR.env(), notADirectory.resolve("spool").toString());
        ListenerConfig config = ConfigLoader.load(flags("k:9092", null), env, "web/1");
        assertThat(config.spool().dir())
                .isEqualTo(Path.of(System.getProperty("java.io.tmpdir"), "supervisor-kafka-spool-web_1"));
        assertThat(config.notices()).anySatisfy(n -> assertThat(n).contains("not writable"));
    }

    @Test
    void mistakesAreReportedClearly() throws IOException {
        assertThatThrownBy(() -> load(flags(null, null))).hasMessageContaining("--bootstrap-servers");
        Path typo = file("listener.spool.maxbytes=1m\n");
        assertThatThrownBy(() -> load(flags("k:9092", typo))).hasMessageContaining("listener.spool.maxbytes");
        Path zstd = file("compression.type=zstd\n");
        assertThatThrownBy(() -> load(flags("k:9092", zstd))).hasMessageContaining("lz4");
        assertThatThrownBy(() -> load(TestFlags.parse("--bootstrap-servers", "k:9092", "--snapshot-interval", "30")))
                .hasMessageContaining("--snapshot-interval").hasMessageContaining("30s");
        assertThatThrownBy(() -> load(TestFlags.parse("--bootstrap-servers", "k:9092", "--spool-max-bytes", "lots")))
                .hasMessageContaining("--spool-max-bytes");
        assertThatThrownBy(() -> load(TestFlags.parse("--bootstrap-servers", "k:9092", "--spool-full-policy",
                "wait"))).hasMessageContaining("drop-oldest or block");
        assertThatThrownBy(() -> load(TestFlags.parse("--bootstrap-servers", "k:9092", "--supervisor-url",
                "https://user:hunter22@host"))).hasMessageContaining("https").hasMessageNotContaining("hunter22");
        assertThatThrownBy(() -> load(flags("k:9092", dir.resolve("missing.properties"))))
                .hasMessageContaining("missing.properties")
                .hasMessage("cannot read --config " + dir.resolve("missing.properties") + ": no such file");
    }

    @Test
    void anUnconfiguredInstalledListenerNamesTheFileToEdit() throws IOException {
        Path shipped = file("# bootstrap.servers is the one thing to set\nbootstrap.servers=\n");
        assertThatThrownBy(() -> load(flags(null, shipped)))
                .hasMessage("bootstrap.servers is not set: set it in " + shipped + " (or give --bootstrap-servers)");
        assertThat(load(flags("k:9092", shipped)).producerProperties()).containsEntry("bootstrap.servers", "k:9092");
    }

    @Test
    void aDurationShorterThanAMillisecondIsRefusedAtLoad() throws IOException {
        // Zero in the milliseconds everything is scheduled in: it would fail only when the source starts.
        for (String key : List.of("listener.docker.interval", "listener.docker.timeout", "listener.metrics.interval",
                "listener.gunicorn.interval", "listener.statsd.flush.interval", "listener.snapshot.interval",
                "listener.xmlrpc.timeout", "listener.fsync.interval")) {
            Path config = file("listener.docker.url=http://127.0.0.1:9323/metrics\n" + key + "=PT0.0005S\n");
            assertThatThrownBy(() -> load(flags("k:9092", config))).as(key)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage(key + ": 'PT0.0005S' is shorter than a millisecond, the listener's finest unit;"
                            + " write e.g. 1ms");
        }
        assertThatThrownBy(() -> load(TestFlags.parse("--bootstrap-servers", "k:9092", "--docker-url",
                "http://127.0.0.1:9323/metrics", "--docker-interval", "PT0.0001S")))
                .hasMessageStartingWith("--docker-interval: 'PT0.0001S' is shorter than a millisecond");
        assertThat(load(flags("k:9092", file("listener.metrics.interval=0s\n"))).metricsInterval())
                .as("zero still turns the records off").isZero();
    }

    @Test
    void withoutTheEventListenerASourceIsRequired() throws IOException {
        assertThatThrownBy(() -> load(withoutEventListener(null, false, null)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("--no-eventlistener with no source to run: give --docker-url or --docker-plugin");
        assertThat(load(withoutEventListener("http://127.0.0.1:9323/metrics", false, null)).docker().enabled())
                .isTrue();
        assertThat(load(withoutEventListener(null, true, null)).notices())
                .noneSatisfy(n -> assertThat(n).contains("managed plugins"));
        assertThat(load(withoutEventListener(null, false, "/run/supervisor-kafka/statsd.sock")).gunicorn()
                .statsdEnabled()).isTrue();
    }

    @Test
    void thePluginInsideSupervisordIsWarnedAbout() {
        ListenerConfig config = load(TestFlags.parse("--bootstrap-servers", "k:9092", "--docker-plugin"));
        assertThat(config.notices()).anySatisfy(n -> assertThat(n).startsWith("docker plugin mode inside supervisord:"
                + " the engine calls managed plugins only"));
    }

    private static Map<ListenerOption, String> withoutEventListener(String dockerUrl, boolean dockerPlugin,
                                                                    String statsdListen) {
        return TestFlags.parse("--bootstrap-servers", "k:9092", "--statsd-listen", statsdListen, "--docker-url",
                dockerUrl, dockerPlugin ? "--docker-plugin" : null, "--no-eventlistener");
    }

    @Test
    void aBadOrMissingOptionIsReportedBeforeTheSpoolDirectoryIsCreated() throws IOException {
        // The environment's directory is probed (created) when no flag or key names one: only once all is valid.
        Path notYet = dir.resolve("not-yet");
        env.put(SpoolConfig.DIR.env(), notYet.resolve("spool").toString());
        Path zstd = file("compression.type=zstd\n");
        List<Map<ListenerOption, String>> mistakes = List.of(
                TestFlags.parse(),
                TestFlags.parse("--bootstrap-servers", "k:9092", "--snapshot-interval", "5x"),
                TestFlags.parse("--bootstrap-servers", "k:9092", "--config", zstd.toString()),
                TestFlags.parse("--bootstrap-servers", "k:9092", "--config",
                        dir.resolve("absent.properties").toString()),
                TestFlags.parse("--bootstrap-servers", "k:9092", "--docker-url", "tcp://127.0.0.1:9323"),
                TestFlags.parse("--bootstrap-servers", "k:9092", "--gunicorn-apps", "web,,api"),
                TestFlags.parse("--bootstrap-servers", "k:9092", "--statsd-listen", "8125"),
                TestFlags.parse("--bootstrap-servers", "k:9092", "--no-eventlistener"));
        for (Map<ListenerOption, String> mistake : mistakes) {
            assertThatThrownBy(() -> load(mistake)).as("%s", mistake).isInstanceOf(IllegalArgumentException.class);
            assertThat(notYet).as("after %s", mistake).doesNotExist();
        }
        assertThat(load(flags("k:9092", null)).spool().dir()).isEqualTo(notYet.resolve("spool"));
        assertThat(notYet.resolve("spool")).as("created once the configuration is valid").isDirectory();
    }

    @Test
    void everySettingIsTheFlagElseTheFileElseTheEnvironmentElseTheDefault() throws IOException {
        Path config = file("listener.spool.dir=" + dir.resolve("file-spool") + "\n");
        env.put(SpoolConfig.DIR.env(), dir.resolve("env-spool").toString());
        assertThat(load(TestFlags.parse("--bootstrap-servers", "k:9092", "--config", config.toString(),
                "--spool-dir", dir.resolve("flag-spool").toString())).spool().dir())
                .isEqualTo(dir.resolve("flag-spool"));
        assertThat(load(flags("k:9092", config)).spool().dir()).isEqualTo(dir.resolve("file-spool"));
        assertThat(load(flags("k:9092", null)).spool().dir()).isEqualTo(dir.resolve("env-spool"));
        assertThat(SpoolConfig.DEFAULT_DIR).isEqualTo(Path.of("/var/lib/supervisor-kafka/spool"));

        OptionResolver resolver = new OptionResolver(Map.of(), Map.of(), Map.of());
        assertThat(resolver.resolve(SpoolConfig.DIR)).isEqualTo(new OptionResolver.Value(
                "/var/lib/supervisor-kafka/spool", OptionResolver.Origin.DEFAULT, "--spool-dir"));
    }

    @Test
    void underSupervisordTheDefaultSpoolIsADirectoryOfTheListenersOwnUnderTheRoot() throws IOException {
        Path root = dir.resolve("env-spool");
        env.put("SUPERVISOR_PROCESS_NAME", "kafka");
        env.put("SUPERVISOR_SERVER_URL", "unix:///var/run/supervisor.sock");
        ListenerConfig first = load(flags("k:9092", null));
        assertThat(first.processName()).isEqualTo("kafka");
        assertThat(first.spool().dir().getParent()).isEqualTo(root);
        assertThat(first.spool().dir().getFileName().toString()).startsWith("kafka-var_run_supervisor.sock-");
        assertThat(first.spool().dir()).isDirectory();
        assertThat(load(flags("k:9092", null)).spool().dir()).as("the same across restarts")
                .isEqualTo(first.spool().dir());

        env.put("SUPERVISOR_SERVER_URL", "unix:///srv/other/supervisor.sock");
        assertThat(load(flags("k:9092", null)).spool().dir()).as("another supervisord on the host")
                .isNotEqualTo(first.spool().dir()).hasParent(root);
        // Given by flag (or key), a directory is used as given.
        assertThat(load(TestFlags.parse("--bootstrap-servers", "k:9092", "--spool-dir",
                dir.resolve("given").toString())).spool().dir()).isEqualTo(dir.resolve("given"));
    }

    @Test
    void aSpoolThatAnEarlierListenerLeftInTheRootIsNamedInANotice() throws IOException {
        Path root = Files.createDirectories(dir.resolve("env-spool"));
        Files.write(root.resolve("00000000000000000000.seg"), new byte[8]);
        env.put("SUPERVISOR_PROCESS_NAME", "kafka");
        ListenerConfig config = load(flags("k:9092", null));
        assertThat(config.notices()).anySatisfy(n -> assertThat(n).contains(root.toString())
                .contains("--spool-dir " + root).contains("1 segment file"));
        assertThat(config.spool().dir()).hasParent(root);
    }

    @Test
    void exitRecordsAreOnWithATailOfTwoKibibytesUnlessTold() throws IOException {
        ListenerConfig defaults = load(flags("k:9092", null));
        assertThat(defaults.supervisor().exits()).isTrue();
        assertThat(defaults.supervisor().exitTailBytes()).isEqualTo(2048);
        ListenerConfig off = load(flags("k:9092", file("listener.exits=false\nlistener.exits.tail.bytes=0\n")));
        assertThat(off.supervisor().exits()).isFalse();
        assertThat(off.supervisor().exitTailBytes()).isZero();
        assertThat(load(flags("k:9092", file("listener.exits.tail.bytes=64k\n"))).supervisor().exitTailBytes())
                .isEqualTo(65536);
        assertThatThrownBy(() -> load(flags("k:9092", file("listener.exits=flase\n"))))
                .hasMessageContaining("listener.exits").hasMessageContaining("flase");
        assertThatThrownBy(() -> load(flags("k:9092", file("listener.exits.tail.bytes=1m\n"))))
                .hasMessageContaining("listener.exits.tail.bytes").hasMessageContaining("64KiB");
    }

    @Test
    void theProtocolLoopRunsInTheLowestRealTimeClassUnlessTold() throws IOException {
        assertThat(load(flags("k:9092", null)).protocolPriority())
                .isEqualTo(new ProtocolPriority(ProtocolPriority.Kind.FIFO, 1));
        assertThat(load(flags("k:9092", file("listener.protocol.priority=nice:-10\n"))).protocolPriority())
                .isEqualTo(new ProtocolPriority(ProtocolPriority.Kind.NICE, -10));
        Map<ListenerOption, String> normal = TestFlags.parse("--bootstrap-servers", "k:9092", "--config",
                file("listener.protocol.priority=fifo:5\n").toString(), "--protocol-priority", "normal");
        assertThat(load(normal).protocolPriority()).isEqualTo(ProtocolPriority.NORMAL);
        assertThatThrownBy(() -> load(flags("k:9092", file("listener.protocol.priority=rt\n"))))
                .hasMessage("listener.protocol.priority: 'rt' is not a protocol priority (normal, nice:N with N in"
                        + " -20..19, or fifo:N with N in 1..99)");
    }

    @Test
    void theChildExitWatchIsOnUnlessTold() throws IOException {
        assertThat(load(flags("k:9092", null)).supervisor().exitWatch()).isTrue();
        assertThat(load(flags("k:9092", file("listener.supervisor.wake.exit-watch=false\n"))).supervisor()
                .exitWatch()).isFalse();
        assertThatThrownBy(() -> load(flags("k:9092", file("listener.supervisor.wake.exit-watch=no\n"))))
                .hasMessageContaining("listener.supervisor.wake.exit-watch").hasMessageContaining("'no'");
    }

    @Test
    void spoolDirectoryNamesKeepListenersAndSupervisordsApart() {
        assertThat(SpoolDirectoryName.of(null, null, null)).isNull();
        assertThat(SpoolDirectoryName.of("kafka", "unix:///var/run/supervisor.sock", null))
                .matches("kafka-var_run_supervisor\\.sock-[0-9a-f]{8}");
        assertThat(SpoolDirectoryName.of("kafka", "http://user:secret@127.0.0.1:9001", null))
                .startsWith("kafka-127.0.0.1_9001-").doesNotContain("secret");
        assertThat(SpoolDirectoryName.of("kafka_00", "http://127.0.0.1:9001", null))
                .isNotEqualTo(SpoolDirectoryName.of("kafka_01", "http://127.0.0.1:9001", null));
        // Names the readable part would merge stay apart.
        assertThat(SpoolDirectoryName.of("kafka", "unix:///run/a_b.sock", null))
                .isNotEqualTo(SpoolDirectoryName.of("kafka", "unix:///run/a/b.sock", null));
        // No server URL: supervisord's command line tells two of them apart.
        assertThat(SpoolDirectoryName.of("kafka", null, "/usr/bin/python3 /usr/bin/supervisord -c /etc/a.conf"))
                .isNotEqualTo(SpoolDirectoryName.of("kafka", null, "/usr/bin/python3 /usr/bin/supervisord -c"
                        + " /etc/b.conf"));
        assertThat(SpoolDirectoryName.of("k".repeat(300), "unix:///x.sock", null).length()).isLessThan(100);
    }

    @Test
    void everyOptionHasOneKeyAndOneFlagAtMost() {
        List<String> names = new java.util.ArrayList<>();
        ConfigLoader.OPTIONS.forEach(group -> group.options().forEach(option -> {
            assertThat(option.description()).as("%s", option).isNotBlank();
            if (option.key() != null) {
                names.add(option.key());
            }
            if (option.flag() != null) {
                names.add(option.flag());
            }
        }));
        assertThat(names).doesNotHaveDuplicates();
    }

    @Test
    void unitsParse() {
        assertThat(Units.duration("x", "250ms")).isEqualTo(Duration.ofMillis(250));
        assertThat(Units.duration("x", "2m")).isEqualTo(Duration.ofMinutes(2));
        assertThat(Units.duration("x", "PT1.5S")).isEqualTo(Duration.ofMillis(1500));
        assertThat(Units.duration("x", "0s")).isZero();
        assertThat(Units.bytes("x", "4096")).isEqualTo(4096);
        assertThat(Units.bytes("x", "64k")).isEqualTo(65536);
        assertThat(Units.bytes("x", "256MiB")).isEqualTo(256L * 1024 * 1024);
        assertThat(Units.bytes("x", "1g")).isEqualTo(1024L * 1024 * 1024);
    }
}
