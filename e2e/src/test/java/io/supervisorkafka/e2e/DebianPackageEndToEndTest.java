package io.supervisorkafka.e2e;

import io.supervisorkafka.testkit.ChildProcess;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.supervisorkafka.schemas.ProcessStatus;
import io.supervisorkafka.testkit.SingleNodeKafka;
import io.supervisorkafka.testkit.Supervisord;
import io.supervisorkafka.testkit.TopicCollector;
import io.supervisorkafka.schemas.SupervisorEvent;
import io.supervisorkafka.schemas.SupervisorSnapshot;
import io.supervisorkafka.schemas.Topics;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Debian package as an operator uses it, as root on this Debian machine: {@code apt install} of the built
 * package (its dependencies from Debian's packages), one edited line, the real supervisord running the installed
 * {@code conf.d} entry, the Streams app started by the installed unit's command line as its user, an upgrade over
 * itself, remove and purge. Each test leaves the machine as it found it: the package purged, its user deleted when
 * the test created it.
 */
class DebianPackageEndToEndTest {
    private static final Duration PATIENCE = Duration.ofMinutes(2);
    private static final String USER = "supervisor-kafka";
    private static final Path LISTENER_CONFIG = Path.of("/etc/supervisor-kafka/listener.properties");
    private static final Path STREAMS_CONFIG = Path.of("/etc/supervisor-kafka/streams.properties");
    private static final Path SUPERVISORD_ENTRY = Path.of("/etc/supervisor/conf.d/supervisor-kafka.conf");
    private static final Path STREAMS_UNIT = Path.of("/lib/systemd/system/supervisor-kafka-streams.service");
    private static final Path STATE = Path.of("/var/lib/supervisor-kafka");
    private static final Path PROGRAM = Path.of("/usr/share/supervisor-kafka");

    private boolean userExistedBefore;

    @BeforeEach
    void startFromAMachineWithoutThePackage() throws IOException {
        DebianPackage.requireRoot();
        DebianPackage.purgeWhatAnInterruptedRunLeft(ReleaseArtifacts.debianPackage());
        userExistedBefore = userExists();
    }

    @AfterEach
    void restoreTheMachine() throws IOException {
        DebianPackage.purgeIfPresent();
        if (!userExistedBefore && userExists()) {
            DebianPackage.check(List.of("deluser", "--quiet", "--system", USER));
        }
        if (!userExistedBefore && DebianPackage.run(List.of("getent", "group", USER)).exitCode() == 0) {
            DebianPackage.check(List.of("delgroup", "--quiet", "--system", USER));
        }
    }

    @Test
    void lintianReportsNoErrors() throws IOException {
        ChildProcess.Output lintian = DebianPackage.run(List.of("lintian", "--fail-on", "error",
                ReleaseArtifacts.debianPackage().toString()));
        assertThat(lintian.exitCode()).as("lintian:\n" + lintian.text()).isZero();
        assertThat(lintian.text()).doesNotContainPattern("(?m)^E: ");
    }

    @Test
    void anUnconfiguredListenerExitsWithOneLineNamingTheFileToEdit(
            @TempDir(cleanup = CleanupMode.ON_SUCCESS) Path dir) throws Exception {
        DebianPackage.install(ReleaseArtifacts.debianPackage());

        Path stdout = dir.resolve("stdout");
        Path stderr = dir.resolve("stderr");
        Process listener = new ProcessBuilder(supervisordEntryCommand()).redirectInput(new File("/dev/null"))
                .redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
        assertThat(listener.waitFor(1, TimeUnit.MINUTES)).as("the listener exits").isTrue();

        assertThat(listener.exitValue()).isNotZero();
        assertThat(Files.readString(stdout)).as("stdout, supervisord's protocol").isEmpty();
        List<String> lines = Files.readString(stderr).lines().filter(l -> !l.isBlank()).toList();
        assertThat(lines).as("stderr").hasSize(1);
        assertThat(lines.get(0)).contains(LISTENER_CONFIG.toString()).contains("bootstrap.servers");
    }

    @Test
    void installConfigureRunUpgradeRemoveAndPurge(@TempDir(cleanup = CleanupMode.ON_SUCCESS) Path dir)
            throws Exception {
        Path deb = ReleaseArtifacts.debianPackage();
        String installed = DebianPackage.apt("install", deb.toString());
        assertThat(installed).as("what postinst tells the operator")
                .contains(LISTENER_CONFIG.toString()).contains("supervisorctl update")
                .contains("systemctl enable --now supervisor-kafka-streams");
        List<Path> files = DebianPackage.files();
        assertInstalledLayout(files);

        try (KafkaClusterTestKit kafka = SingleNodeKafka.start()) {
            String bootstrap = kafka.bootstrapServers();
            setBootstrapServers(LISTENER_CONFIG, bootstrap);
            String editedListenerConfig = Files.readString(LISTENER_CONFIG);

            try (Supervisord supervisord = Supervisord.start(dir.resolve("supervisord"), "package-test", """
                    [include]
                    files = %s

                    [program:probe]
                    command=sleep 100000
                    startsecs=1

                    """.formatted(SUPERVISORD_ENTRY));
                 TopicCollector inputs = new TopicCollector(bootstrap, List.of(Topics.EVENTS, Topics.SNAPSHOTS))) {
                await("probe's RUNNING event and a snapshot listing it, from the installed listener")
                        .atMost(PATIENCE).untilAsserted(() -> {
                            assertThat(runningEventPids(inputs)).isNotEmpty();
                            assertThat(inputs.values(Topics.SNAPSHOTS, SupervisorSnapshot.class))
                                    .anySatisfy(s -> assertThat(s.processes())
                                            .anySatisfy(p -> assertThat(p.name()).isEqualTo("probe")));
                        });

                runStreamsAsTheUnitDoes(dir, bootstrap);

                long listenerPid = supervisord.pidOf("supervisor-kafka");
                String upgraded = DebianPackage.apt("install", "--reinstall", deb.toString());
                assertThat(upgraded).contains("supervisorctl restart supervisor-kafka");
                assertThat(Files.readString(LISTENER_CONFIG)).as("the edited conffile, kept by the upgrade")
                        .isEqualTo(editedListenerConfig);
                assertThat(supervisord.pidOf("supervisor-kafka")).as("the listener, not restarted by the upgrade")
                        .isEqualTo(listenerPid);
                supervisord.ctl("restart", "probe");
                long restartedProbe = supervisord.pidOf("probe");
                await("the restarted probe's RUNNING event after the upgrade").atMost(PATIENCE)
                        .until(() -> runningEventPids(inputs).contains(restartedProbe));
            }
        }
        assertNoProcessOfThePackage();

        DebianPackage.apt("remove", DebianPackage.NAME);
        assertThat(DebianPackage.status()).isEqualTo("config-files");
        assertThat(PROGRAM).doesNotExist();
        assertThat(LISTENER_CONFIG).as("a conffile, kept by remove").exists();
        assertThat(SUPERVISORD_ENTRY).as("a conffile, kept by remove").exists();

        DebianPackage.apt("purge", DebianPackage.NAME);
        assertThat(DebianPackage.status()).isEqualTo("not-installed");
        List<Path> left = files.stream().filter(f -> Files.exists(f, LinkOption.NOFOLLOW_LINKS)).toList();
        assertThat(left).as("what dpkg -L listed, left after purge: only directories other packages share")
                .allSatisfy(f -> {
                    assertThat(f).isDirectory();
                    assertThat(f.toString()).doesNotContain("supervisor-kafka");
                });
        assertThat(STATE).doesNotExist();
        assertThat(Path.of("/etc/supervisor-kafka")).doesNotExist();
        assertThat(Path.of("/var/log/supervisor/supervisor-kafka-listener.log")).doesNotExist();
        assertNoProcessOfThePackage();
    }

    private static void assertInstalledLayout(List<Path> files) throws IOException {
        assertThat(files).contains(Path.of("/usr/bin/supervisor-kafka"),
                PROGRAM.resolve("lib/supervisor-kafka-listener.jar"), PROGRAM.resolve("lib/supervisor-kafka-streams.jar"),
                PROGRAM.resolve("lib/supervisor-kafka-cli.jar"),
                PROGRAM.resolve("prometheus/supervisor-kafka.rules.yml"),
                STREAMS_UNIT, Path.of("/usr/share/doc/supervisor-kafka/copyright"),
                Path.of("/usr/share/doc/supervisor-kafka/NOTICE"));
        assertThat(files).as("the development tools: in the tarball only")
                .doesNotContain(PROGRAM.resolve("lib/supervisor-kafka-tools.jar"));
        assertThat(Path.of("/usr/bin/supervisor-kafka").toRealPath())
                .isEqualTo(PROGRAM.resolve("bin/supervisor-kafka")).isExecutable();
        assertThat(DebianPackage.conffiles())
                .containsExactlyInAnyOrder(LISTENER_CONFIG, STREAMS_CONFIG, SUPERVISORD_ENTRY);
        assertThat(Files.readAllLines(LISTENER_CONFIG)).as("the one setting to make").containsOnlyOnce(
                "bootstrap.servers=");

        assertOwnerAndMode(LISTENER_CONFIG, "root", "root", "rw-------");
        assertOwnerAndMode(STREAMS_CONFIG, "root", USER, "rw-r-----");
        assertOwnerAndMode(STATE, "root", "root", "rwxr-xr-x");
        assertOwnerAndMode(STATE.resolve("spool"), "root", "root", "rwx------");
        assertOwnerAndMode(STATE.resolve("streams"), USER, USER, "rwxr-x---");
        assertThat(DebianPackage.check(List.of("getent", "passwd", USER))).as("a system user without a login")
                .contains(":/usr/sbin/nologin");
        assertThat(Path.of("/etc/systemd/system/multi-user.target.wants/supervisor-kafka-streams.service"))
                .as("the unit, installed but not enabled").doesNotExist();
    }

    /** Starts the Streams app by the installed unit's ExecStart, as its User, sees it derive the probe's status. */
    private static void runStreamsAsTheUnitDoes(Path dir, String bootstrap) throws Exception {
        Map<String, String> unit = serviceSettings(STREAMS_UNIT);
        assertThat(unit.get("User")).isEqualTo(USER);
        setBootstrapServers(STREAMS_CONFIG, bootstrap);
        List<String> command = new ArrayList<>(List.of("setpriv", "--reuid=" + USER, "--regid=" + USER,
                "--init-groups", "--"));
        command.addAll(Arrays.asList(unit.get("ExecStart").trim().split("\\s+")));
        ProcessBuilder builder = new ProcessBuilder(command).directory(new File("/"));
        // The environment systemd gives a service of that user.
        builder.environment().clear();
        builder.environment().putAll(Map.of("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                "HOME", "/nonexistent", "USER", USER, "LOGNAME", USER, "LANG", "C.UTF-8"));
        try (ChildProcess streams = ChildProcess.start("streams (unit)", builder, dir.resolve("streams.log"))) {
            String userId = uid(USER);
            await("the Streams app running as " + USER).atMost(Duration.ofSeconds(30))
                    .untilAsserted(() -> assertThat(Files.readString(Path.of("/proc", Long.toString(streams.pid()),
                            "status"))).containsPattern("(?m)^Uid:\\s+" + userId + "\\s"));
            try (TopicCollector outputs = new TopicCollector(bootstrap, List.of(Topics.PROCESS_STATUS))) {
                await("the probe RUNNING on " + Topics.PROCESS_STATUS + " (streams log: " + streams.log() + ")")
                        .atMost(PATIENCE)
                        .failFast("the Streams app exited; see " + streams.log(), () -> !streams.isAlive())
                        .untilAsserted(() -> assertThat(outputs.values(Topics.PROCESS_STATUS, ProcessStatus.class))
                                .anySatisfy(s -> {
                                    assertThat(s.name()).isEqualTo("probe");
                                    assertThat(s.state()).isEqualTo("RUNNING");
                                }));
            }
            // The operator's view of it: the installed status command, its cluster from the Streams app's settings.
            ChildProcess.Output status = ChildProcess.run(new ProcessBuilder("/usr/bin/supervisor-kafka", "status",
                    "--config", STREAMS_CONFIG.toString()), PATIENCE);
            assertThat(status.exitCode()).as("every process RUNNING:\n" + status.text()).isZero();
            assertThat(status.text().lines().toList()).as("the table, and nothing else").hasSizeGreaterThan(1)
                    .first().asString().startsWith("SERVER");
            assertThat(status.text()).containsPattern("(?m)^\\S+ +probe:probe +RUNNING +OK +\\d+ ");
            try (Stream<Path> state = Files.list(STATE.resolve("streams"))) {
                assertThat(state.findAny()).as("its state, in the package's state.dir").isPresent();
            }
        }
    }

    private static List<Long> runningEventPids(TopicCollector inputs) {
        return inputs.values(Topics.EVENTS, SupervisorEvent.class).stream()
                .filter(e -> e.eventName().equals("PROCESS_STATE_RUNNING")
                        && "probe".equals(e.fields().get("processname")))
                .map(e -> Long.parseLong(e.fields().get("pid"))).toList();
    }

    /** The edit an operator makes: the empty bootstrap.servers line of a shipped conffile, given a value. */
    private static void setBootstrapServers(Path config, String bootstrap) throws IOException {
        String text = Files.readString(config);
        assertThat(text).containsOnlyOnce("\nbootstrap.servers=\n");
        Files.writeString(config, text.replace("\nbootstrap.servers=\n", "\nbootstrap.servers=" + bootstrap + "\n"));
    }

    /** The command of the installed eventlistener entry (one line, no supervisord expansions). */
    private static List<String> supervisordEntryCommand() throws IOException {
        String command = Files.readAllLines(SUPERVISORD_ENTRY).stream().filter(l -> l.startsWith("command="))
                .findFirst().orElseThrow().substring("command=".length());
        return Arrays.asList(command.trim().split("\\s+"));
    }

    /** The [Service] settings of a unit file, one value per key (its last). */
    private static Map<String, String> serviceSettings(Path unit) throws IOException {
        Map<String, String> settings = new java.util.HashMap<>();
        boolean inService = false;
        for (String line : Files.readAllLines(unit)) {
            String trimmed = line.trim();
            if (trimmed.startsWith("[")) {
                inService = trimmed.equals("[Service]");
            } else if (inService && !trimmed.startsWith("#") && trimmed.contains("=")) {
                settings.put(trimmed.substring(0, trimmed.indexOf('=')), trimmed.substring(trimmed.indexOf('=') + 1));
            }
        }
        return settings;
    }

    private static void assertOwnerAndMode(Path path, String owner, String group, String mode) throws IOException {
        PosixFileAttributes attributes = Files.readAttributes(path, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        assertThat(attributes.owner().getName() + ":" + attributes.group().getName() + " "
                + PosixFilePermissions.toString(attributes.permissions())).as(path.toString())
                .isEqualTo(owner + ":" + group + " " + mode);
    }

    /** No process runs the package's program, nor as its user. */
    private static void assertNoProcessOfThePackage() throws IOException {
        String userId = userExists() ? uid(USER) : null;
        List<String> running = new ArrayList<>();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path proc : procs.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
                try {
                    String cmdline = Files.readString(proc.resolve("cmdline")).replace('\0', ' ');
                    String status = Files.readString(proc.resolve("status"));
                    if (cmdline.contains(PROGRAM.toString()) || cmdline.contains("/usr/bin/supervisor-kafka")
                            || (userId != null && status.matches("(?s).*\\nUid:\\s+" + userId + "\\s.*"))) {
                        running.add(proc.getFileName() + ": " + cmdline);
                    }
                } catch (IOException exited) {
                    // gone between the listing and the read
                }
            }
        }
        assertThat(running).as("processes of the package").isEmpty();
    }

    private static boolean userExists() throws IOException {
        return DebianPackage.run(List.of("getent", "passwd", USER)).exitCode() == 0;
    }

    private static String uid(String user) throws IOException {
        return DebianPackage.check(List.of("id", "-u", user)).trim();
    }
}
