package io.supervisorkafka.listener;

import static io.supervisorkafka.listener.testing.TestEvents.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.supervisorkafka.listener.testing.ListenerProcess;
import io.supervisorkafka.testkit.Supervisord;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The XML-RPC password and a SASL password, both refused or unusable, never reach the listener's log or the records
 * it spools for Kafka, whatever errors they cause. The test greps everything the listener wrote for them.
 */
class SecretsNeverLeakTest {
    static final String XMLRPC_PASSWORD = "xmlrpc-Secret-4711";
    static final String SASL_PASSWORD = "sasl-Secret-0815";

    @TempDir
    Path dir;

    private Supervisord supervisord;
    private ListenerProcess listener;

    @AfterEach
    void stop() throws InterruptedException {
        if (listener != null) {
            listener.close();
        }
        if (supervisord != null) {
            supervisord.close();
        }
    }

    @Test
    void passwordsAppearNowhereTheListenerWrites() throws Exception {
        Files.createDirectories(dir.resolve("supervisord"));
        supervisord = Supervisord.start(dir.resolve("supervisord"), "secrets", "monitor", "the-right-one", """
                [program:sleeper]
                command=/bin/sleep 1000
                startsecs=0
                """);
        Path config = dir.resolve("listener.properties");
        Files.writeString(config, """
                security.protocol=SASL_PLAINTEXT
                sasl.mechanism=PLAIN
                sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="listener" password="%s";
                listener.supervisor.username=monitor
                listener.supervisor.password=%s
                listener.shutdown.grace=200ms
                """.formatted(SASL_PASSWORD, XMLRPC_PASSWORD));
        Path spool = dir.resolve("spool");
        listener = ListenerProcess.start(dir.resolve("stderr.txt"), List.of("--bootstrap-servers", ListenerProcess.unreachableBroker(),
                "--server-id", "secrets-1", "--spool-dir", spool.toString(), "--config", config.toString(),
                "--supervisor-url", supervisord.httpUrl(), "--snapshot-interval", "200ms"));
        await().atMost(Duration.ofSeconds(30)).until(() -> listener.stdout().equals("READY\n"));
        listener.write(event("web-1", 0, "PROCESS_STATE_RUNNING",
                "processname:sleeper groupname:sleeper from_state:STARTING pid:7"));
        await("a few refused snapshots in the spool").atMost(Duration.ofSeconds(30))
                .until(() -> spooled(spool).contains("401") || spooled(spool).contains("nauthorized"));
        listener.closeStdin();
        listener.waitForExit(30);

        String everything = listener.stderr() + listener.stdout() + spooled(spool);
        assertThat(everything).contains("secrets-1"); // the grep reads what the listener wrote
        assertThat(everything).doesNotContain(XMLRPC_PASSWORD).doesNotContain(SASL_PASSWORD);
    }

    private static String spooled(Path spool) throws IOException {
        if (!Files.isDirectory(spool)) {
            return "";
        }
        StringBuilder text = new StringBuilder();
        try (Stream<Path> files = Files.list(spool)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                text.append(new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1));
            }
        }
        return text.toString();
    }
}
