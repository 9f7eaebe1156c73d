package io.supervisorkafka.listener.gunicorn;

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

class GunicornConfigTest {
    @TempDir
    Path dir;

    ListenerConfig load(Path file, boolean gunicorn, String apps, String interval, String listen, String flush) {
        return ConfigLoader.load(TestFlags.parse("--bootstrap-servers", "k:9092", "--config",
                file == null ? null : file.toString(), "--server-id", "web-1", "--snapshot-interval", "0s",
                "--spool-dir", dir.resolve("spool").toString(), gunicorn ? "--gunicorn" : null, "--gunicorn-apps", apps,
                "--gunicorn-interval", interval, "--statsd-listen", listen, "--statsd-flush-interval", flush), Map.of(),
                "host");
    }

    @Test
    void offByDefault() {
        GunicornConfig config = load(null, false, null, null, null, null).gunicorn();
        assertThat(config.snapshots()).isFalse();
        assertThat(config.statsdEnabled()).isFalse();
    }

    @Test
    void flagsAndFileKeys() throws Exception {
        GunicornConfig flags = load(null, false, "web, api", "5s", "127.0.0.1:8125", "2s").gunicorn();
        assertThat(flags).isEqualTo(new GunicornConfig(true, List.of("web", "api"), Duration.ofSeconds(5),
                GunicornConfig.DEFAULT_SAMPLE_WINDOW, "127.0.0.1:8125", Duration.ofSeconds(2)));

        Path file = Files.writeString(dir.resolve("listener.properties"), """
                listener.gunicorn=true
                listener.gunicorn.interval=30s
                listener.gunicorn.sample.window=1s
                listener.statsd.listen=:8125
                listener.statsd.flush.interval=10s
                """);
        GunicornConfig fromFile = load(file, false, null, null, null, null).gunicorn();
        assertThat(fromFile).isEqualTo(new GunicornConfig(true, List.of(), Duration.ofSeconds(30),
                Duration.ofSeconds(1), ":8125", Duration.ofSeconds(10)));
        assertThat(load(file, false, null, null, "127.0.0.1:9125", null).gunicorn().statsdListen())
                .isEqualTo("127.0.0.1:9125");
    }

    @Test
    void aUnixSocketPathIsAListenAddress() {
        assertThat(load(null, false, null, null, "/run/supervisor-kafka/statsd.sock", null).gunicorn().statsdListen())
                .isEqualTo("/run/supervisor-kafka/statsd.sock");
        assertThat(load(null, false, null, null, "unix:///run/statsd.sock", null).gunicorn().statsdEnabled()).isTrue();
        assertThatThrownBy(() -> load(null, false, null, null, "/run/" + "x".repeat(120), null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("107 bytes");
        assertThatThrownBy(() -> load(null, false, null, null, "unix://", null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("file path");
    }

    @Test
    void badValuesGetAClearError() {
        assertThatThrownBy(() -> load(null, false, null, null, "8125", null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("HOST:PORT");
        assertThatThrownBy(() -> load(null, false, "web,,api", null, null, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("gunicorn app name");
        assertThatThrownBy(() -> load(null, true, null, "100ms", null, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sample window");
        assertThatThrownBy(() -> load(null, false, null, null, "127.0.0.1:8125", "0s"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("flush interval");
    }
}
