package io.supervisorkafka.schemas.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigFilesTest {
    @TempDir
    Path dir;

    @Test
    void readsProperties() throws Exception {
        Path file = dir.resolve("a.properties");
        Files.writeString(file, "bootstrap.servers=k:9092\n# comment\nlistener.server.id=web-1\n");
        assertThat(ConfigFiles.read(file)).containsEntry("bootstrap.servers", "k:9092")
                .containsEntry("listener.server.id", "web-1");
    }

    @Test
    void aMissingFileIsOneLineWithTheReason() {
        Path missing = dir.resolve("missing.properties");
        assertThatThrownBy(() -> ConfigFiles.read(missing)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("cannot read --config " + missing + ": no such file");
    }

    @Test
    void aDirectoryIsRefusedByName() {
        assertThatThrownBy(() -> ConfigFiles.read(dir)).hasMessage("cannot read --config " + dir + ": it is a directory");
    }

    @Test
    void anUnreadableFileSaysPermissionDenied() throws Exception {
        Path file = dir.resolve("secret.properties");
        Files.writeString(file, "a=b\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("---------"));
        // root reads any file whatever its mode: the reason is only observable for other users.
        if (Files.isReadable(file)) {
            assertThat(ConfigFiles.read(file)).containsEntry("a", "b");
        } else {
            assertThatThrownBy(() -> ConfigFiles.read(file))
                    .hasMessage("cannot read --config " + file + ": permission denied");
        }
    }

    @Test
    void noBrokerAtTheAddressIsOneLine() {
        assertThatThrownBy(() -> BrokerCheck.requireReachable(Map.of("bootstrap.servers", "127.0.0.1:1"),
                Duration.ofSeconds(2)))
                .isInstanceOf(BrokerCheck.BrokerUnreachableException.class)
                .hasMessage("no Kafka broker answered at 127.0.0.1:1 within 2 s");
    }
}
