package io.supervisorkafka.e2e;

import io.supervisorkafka.testkit.ChildProcess;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * The release tarball as a user unpacks it anywhere: its {@code bin/supervisor-kafka} runs the demo's whole pipeline
 * (broker, Streams app, supervisord with the listener) from the jars it carries, with no Maven on the PATH.
 */
class ReleaseTarballEndToEndTest {
    private static final List<String> STANDARD_PATH = List.of("/usr/local/sbin", "/usr/local/bin", "/usr/sbin",
            "/usr/bin", "/sbin", "/bin");

    @Test
    void unpackedAnywhereItRunsTheDemoWithoutMaven(@TempDir(cleanup = CleanupMode.ON_SUCCESS) Path dir)
            throws Exception {
        Path tarball = ReleaseArtifacts.tarball();
        Path unpacked = dir.resolve("unpacked");
        Files.createDirectories(unpacked);
        ChildProcess.Output tar = ChildProcess.run(new ProcessBuilder("tar", "-xzf", tarball.toString(), "-C",
                unpacked.toString()), Duration.ofMinutes(2));
        assertThat(tar.exitCode()).as(tar.text()).isZero();
        Path home;
        try (Stream<Path> top = Files.list(unpacked)) {
            home = top.toList().stream().findFirst().orElseThrow();
        }
        assertThat(home.getFileName().toString()).isEqualTo(tarball.getFileName().toString().replace(".tar.gz", ""));
        assertReleaseLayout(home);

        Path path = pathWithoutMaven(dir.resolve("path"));
        ChildProcess.Output which = ChildProcess.run(withPath(new ProcessBuilder("sh", "-c",
                "command -v mvn || command -v mvnw || echo none"), path), Duration.ofSeconds(30));
        assertThat(which.text().trim()).as("mvn on the test's PATH").isEqualTo("none");

        ProcessBuilder demo = withPath(new ProcessBuilder(home.resolve("bin/supervisor-kafka").toString(), "demo",
                "--run-dir", dir.resolve("run").toString()), path);
        String printed = DemoEndToEndTest.runDemoUntilCtrlC(demo, dir.resolve("demo.out"));
        assertThat(printed).as("the launcher never builds in a release").doesNotContain("building");
        assertThat(home.resolve("listener/target")).doesNotExist();
    }

    private static void assertReleaseLayout(Path home) throws IOException {
        assertThat(home.resolve("bin/supervisor-kafka")).isExecutable();
        assertThat(Stream.of("listener", "streams", "tools", "cli")
                .map(m -> home.resolve("lib/supervisor-kafka-" + m + ".jar")))
                .allSatisfy(jar -> assertThat(jar).isRegularFile());
        assertThat(home.resolve("supervisor-conf/demo.conf")).isRegularFile();
        assertThat(home.resolve("supervisor-conf/kafka-listener.conf")).isRegularFile();
        assertThat(home.resolve("README.md")).isRegularFile();
        assertThat(home.resolve("CHANGELOG.md")).isRegularFile();
        assertThat(home.resolve("LICENSE")).isRegularFile();
        assertThat(Files.readString(home.resolve("NOTICE"))).contains("org.apache.kafka:kafka-clients")
                .contains("org.apache.kafka:kafka-streams").doesNotContain("io.supervisorkafka");
        assertThat(home.resolve("licenses")).isNotEmptyDirectory();
        assertThat(home.resolve("pom.xml")).as("no source checkout").doesNotExist();
        assertThat(home.resolve("mvnw")).doesNotExist();
    }

    /** A PATH of one folder with every command of the standard PATH but Maven's. */
    private static Path pathWithoutMaven(Path farm) throws IOException {
        Files.createDirectories(farm);
        for (String dir : STANDARD_PATH) {
            Path folder = Path.of(dir);
            if (!Files.isDirectory(folder)) {
                continue;
            }
            try (Stream<Path> commands = Files.list(folder)) {
                for (Path command : commands.toList()) {
                    String name = command.getFileName().toString();
                    Path link = farm.resolve(name);
                    if (!name.startsWith("mvn") && !Files.exists(link, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                        Files.createSymbolicLink(link, command);
                    }
                }
            }
        }
        return farm;
    }

    private static ProcessBuilder withPath(ProcessBuilder builder, Path path) {
        Map<String, String> env = builder.environment();
        env.put("PATH", path.toString());
        // The java on that PATH, a runtime as a user's machine has; and nothing of the Maven run the test is in.
        env.keySet().removeIf(name -> name.equals("JAVA_HOME") || name.startsWith("MAVEN") || name.equals("M2_HOME"));
        return builder;
    }
}
