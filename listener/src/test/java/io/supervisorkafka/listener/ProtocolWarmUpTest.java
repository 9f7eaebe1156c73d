package io.supervisorkafka.listener;

import static org.assertj.core.api.Assertions.assertThat;

import io.supervisorkafka.listener.supervisor.protocol.EventListenerProtocol;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class ProtocolWarmUpTest {

    @Test
    void itsSyntheticEventsAreWellFormedEventsOfTheProtocol() throws IOException {
        EventListenerProtocol protocol = new EventListenerProtocol(
                new ByteArrayInputStream(ProtocolWarmUp.events(30)), OutputStream.nullOutputStream());
        int read = 0;
        for (var event = protocol.readEvent(); event != null; event = protocol.readEvent()) {
            assertThat(event.header().problems()).isEmpty();
            assertThat(event.payloadDiscarded()).isFalse();
            read++;
        }
        assertThat(read).isEqualTo(30);
    }

    @Test
    void passesEveryEventThroughThePathAndLeavesNoFileBehind() throws IOException {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        long before = warmUpFiles(tmp);

        assertThat(ProtocolWarmUp.run(ProtocolWarmUp.EVENTS, "host-1", "123-456")).isEqualTo(ProtocolWarmUp.EVENTS);

        assertThat(warmUpFiles(tmp)).isEqualTo(before);
    }

    private static long warmUpFiles(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().startsWith("supervisor-kafka-warmup")).count();
        }
    }
}
