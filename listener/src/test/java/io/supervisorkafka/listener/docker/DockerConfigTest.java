package io.supervisorkafka.listener.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.supervisorkafka.listener.ConfigLoader;
import io.supervisorkafka.listener.ListenerConfig;
import io.supervisorkafka.listener.TestFlags;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DockerConfigTest {
    @TempDir
    Path dir;

    private ListenerConfig load(Path file, String url, String interval, boolean plugin) {
        return ConfigLoader.load(TestFlags.parse("--bootstrap-servers", "k:9092", "--config",
                file == null ? null : file.toString(), "--server-id", "host-1", "--snapshot-interval", "0s",
                "--spool-dir", dir.resolve("spool").toString(), "--docker-url", url, "--docker-interval", interval,
                plugin ? "--docker-plugin" : null), Map.of(), "host");
    }

    private Path file(String content) throws Exception {
        return Files.writeString(dir.resolve("listener.properties"), content);
    }

    @Test
    void offByDefault() {
        DockerConfig config = load(null, null, null, false).docker();
        assertThat(config).isEqualTo(DockerConfig.OFF);
        assertThat(config.enabled()).isFalse();
        assertThat(config.plugin()).isFalse();
    }

    @Test
    void flagsWithTheirDefaults() {
        DockerConfig unix = load(null, "unix:///run/docker/metrics.sock", null, false).docker();
        assertThat(unix).isEqualTo(new DockerConfig(new MetricsEndpoint.Unix(Path.of("/run/docker/metrics.sock")),
                Duration.ofSeconds(15), Duration.ofSeconds(5), List.of("engine_daemon_*"), List.of(), false,
                Path.of("/run/docker/plugins/supervisor-kafka.sock")));
        assertThat(unix.endpoint().display()).isEqualTo("unix:///run/docker/metrics.sock");
        assertThat(unix.endpoint().requestPath()).isEqualTo("/metrics");

        DockerConfig http = load(null, "http://127.0.0.1:9323/metrics", "30s", false).docker();
        assertThat(http.endpoint()).isEqualTo(new MetricsEndpoint.Http("127.0.0.1", 9323, "/metrics"));
        assertThat(http.endpoint().display()).isEqualTo("http://127.0.0.1:9323/metrics");
        assertThat(http.interval()).isEqualTo(Duration.ofSeconds(30));
        assertThat(load(null, "http://[::1]:9323", null, false).docker().endpoint().display())
                .as("no path: /metrics").isEqualTo("http://[::1]:9323/metrics");
    }

    @Test
    void fileKeysAndFlagsOverThem() throws Exception {
        Path file = file("""
                listener.docker.url=http://10.0.0.5:9323/metrics
                listener.docker.interval=1m
                listener.docker.timeout=2s
                listener.docker.include=engine_daemon_*, builder_*,
                listener.docker.exclude=engine_daemon_host_info_*
                """);
        DockerConfig fromFile = load(file, null, null, false).docker();
        assertThat(fromFile.endpoint()).isEqualTo(new MetricsEndpoint.Http("10.0.0.5", 9323, "/metrics"));
        assertThat(fromFile.interval()).isEqualTo(Duration.ofMinutes(1));
        assertThat(fromFile.timeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(fromFile.include()).containsExactly("engine_daemon_*", "builder_*");
        assertThat(fromFile.exclude()).containsExactly("engine_daemon_host_info_*");

        DockerConfig flags = load(file, "unix:///var/run/docker/metrics.sock", "5s", false).docker();
        assertThat(flags.endpoint()).isEqualTo(new MetricsEndpoint.Unix(Path.of("/var/run/docker/metrics.sock")));
        assertThat(flags.interval()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void pluginModeDefaultsToTheEnginesSocket() throws Exception {
        DockerConfig flag = load(null, null, null, true).docker();
        assertThat(flag.plugin()).isTrue();
        assertThat(flag.enabled()).isTrue();
        assertThat(flag.endpoint()).isEqualTo(new MetricsEndpoint.Unix(Path.of("/run/docker/metrics.sock")));
        assertThat(flag.pluginSocket()).isEqualTo(Path.of("/run/docker/plugins/supervisor-kafka.sock"));

        DockerConfig key = load(file("""
                listener.docker.plugin=true
                listener.docker.plugin.socket=/run/docker/plugins/other.sock
                """), null, null, false).docker();
        assertThat(key.plugin()).isTrue();
        assertThat(key.pluginSocket()).isEqualTo(Path.of("/run/docker/plugins/other.sock"));
    }

    @Test
    void badSettingsAreClearErrorsAtStart() throws Exception {
        assertThatThrownBy(() -> load(null, "tcp://127.0.0.1:9323", null, false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unsupported docker metrics URL scheme 'tcp'")
                .hasMessageContaining("unix:///PATH/metrics.sock or http://HOST:PORT/metrics");
        assertThatThrownBy(() -> load(null, "https://u:secret@127.0.0.1:9323/metrics", null, false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("plain HTTP")
                .hasMessageNotContaining("secret");
        assertThatThrownBy(() -> load(null, "unix://run/docker/metrics.sock", null, false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("absolute socket path");
        assertThatThrownBy(() -> load(null, "http://:9323/metrics", null, false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("has no host");
        assertThatThrownBy(() -> load(null, "http://u:secret@host:9323/metrics", null, false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("credentials")
                .hasMessageNotContaining("secret");
        assertThatThrownBy(() -> load(null, "unix:///run/docker/metrics.sock", "0s", false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("docker interval must be positive");
        assertThatThrownBy(() -> load(null, "unix:///run/docker/metrics.sock", "soon", false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--docker-interval");
        assertThatThrownBy(() -> load(file("listener.docker.timeout=0s\n"), "unix:///m.sock", null, false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("docker timeout must be positive");
        assertThatThrownBy(() -> load(file("listener.docker.include= , \n"), "unix:///m.sock", null, false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("include patterns are empty");
        assertThatThrownBy(() -> load(file("listener.docker.exclude=engine-daemon_*\n"), "unix:///m.sock", null, false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bad metric family pattern");
        assertThatThrownBy(() -> load(file("listener.docker.urls=unix:///m.sock\n"), null, null, false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unknown key listener.docker.urls");
    }
}
