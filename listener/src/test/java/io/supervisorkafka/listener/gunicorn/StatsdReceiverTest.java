package io.supervisorkafka.listener.gunicorn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.supervisorkafka.testkit.SchemaValidator;
import io.supervisorkafka.schemas.StatsdMetrics;
import io.supervisorkafka.schemas.Topics;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class StatsdReceiverTest {
    private StatsdReceiver receiver;

    @AfterEach
    void stop() {
        if (receiver != null) {
            receiver.close();
        }
    }

    @Test
    void receivesDatagramsOverUdpAndFlushesOneRecordPerApp() throws Exception {
        List<StatsdMetrics> published = new CopyOnWriteArrayList<>();
        receiver = StatsdReceiver.bind("127.0.0.1:0", 200, () -> "web-1", published::add, Clock.systemUTC());
        receiver.start();
        try (DatagramSocket socket = new DatagramSocket()) {
            for (String datagram : List.of(StatsdParserTest.capture(), "api.gunicorn.requests:2|c\nbroken",
                    "x".repeat(70_000))) {
                byte[] bytes = datagram.getBytes(StandardCharsets.UTF_8);
                int length = Math.min(bytes.length, 65_507);
                socket.send(new DatagramPacket(bytes, length, InetAddress.getLoopbackAddress(), receiver.port()));
            }
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> receiver.datagrams() == 3);
        await().atMost(Duration.ofSeconds(10)).until(() -> published.stream().map(StatsdMetrics::app)
                .toList().containsAll(List.of("api", "demo")));
        published.forEach(r -> SchemaValidator.assertValid(Topics.STATSD, r));
        assertThat(receiver.malformed()).isEqualTo(2);
        assertThat(published.stream().mapToLong(r -> r.malformed() == null ? 0 : r.malformed()).sum()).isEqualTo(2);
        assertThat(published.stream().filter(r -> r.app().equals("demo")).flatMap(r -> r.metrics().stream())
                .filter(m -> m.name().equals("gunicorn.requests")).mapToDouble(StatsdMetrics.Metric::value).sum())
                .isEqualTo(6.0);
    }

    @Test
    void badAddressesAreRefusedClearly() {
        assertThatThrownBy(() -> StatsdReceiver.parseAddress("8125")).hasMessageContaining("HOST:PORT");
        assertThatThrownBy(() -> StatsdReceiver.parseAddress("h:99999")).hasMessageContaining("range");
        assertThat(StatsdReceiver.parseAddress("[::1]:8125").getPort()).isEqualTo(8125);
    }
}
