package io.supervisorkafka.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.supervisorkafka.schemas.Topics;
import io.supervisorkafka.testkit.Alertmanager;
import io.supervisorkafka.testkit.Ports;
import io.supervisorkafka.testkit.PrometheusServer;
import io.supervisorkafka.testkit.Supervisord;
import io.supervisorkafka.testkit.WebhookReceiver;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Prometheus endpoint and the shipped alert rules on real components: supervisord running programs with the
 * built listener, a real broker, the built Streams app with {@code --http-listen}, a real Prometheus (Debian
 * {@code prometheus}) scraping it every second with the rules loaded, and a real Alertmanager (Debian
 * {@code prometheus-alertmanager}) delivering to a webhook this test runs.
 *
 * <p>The rules are the shipped file with every {@code for} set to 0s (a copy in the test's directory): the test is
 * about the path from a killed program to a delivered alert, not about waiting a minute.
 */
class PrometheusEndToEndTest {
    static final String SERVER = "e2e-prometheus";
    static final String JOB = "supervisor-kafka-streams";
    static final Duration SCRAPE_INTERVAL = Duration.ofSeconds(1);
    static final Duration PATIENCE = Duration.ofSeconds(90);
    /** From the kill to the query's answer: the event's path to the state store, plus a scrape; generous for CI. */
    static final Duration DOWN_WITHIN = Duration.ofSeconds(30);
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)})? (\\S+)$");
    static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\",?");

    /** Kept when the test fails, with every process's log in it. */
    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path dir;

    @Test
    void aKilledProgramIsDownInPrometheusAndItsAlertReachesTheWebhook() throws Exception {
        int httpPort = Ports.freeTcpPort();
        String endpoint = "127.0.0.1:" + httpPort;
        try (WebhookReceiver webhook = WebhookReceiver.start();
             Alertmanager alertmanager = Alertmanager.start(dir.resolve("alertmanager"), webhook.url());
             EndToEndPipeline pipeline = EndToEndPipeline.start(dir, "e2e-prometheus-streams",
                     List.of(Topics.PROCESS_STATUS), "--punctuate-interval", "1s", "--http-listen", endpoint)) {
            Supervisord supervisord = pipeline.startSupervisord(dir.resolve("supervisord"), SERVER, """
                    [program:steady]
                    command=sleep infinity
                    startsecs=1
                    autorestart=true

                    [program:victim]
                    command=sleep infinity
                    startsecs=1
                    autorestart=false

                    """ + Pipeline.listenerSection(pipeline.bootstrapServers(), SERVER,
                    "PROCESS_STATE,PROCESS_GROUP,SUPERVISOR_STATE_CHANGE", "--snapshot-interval 2s"));

            // Prometheus starts once the endpoint serves every process up: a program caught STARTING would fire the
            // 0s alert, which the test would then have to wait out.
            await("steady, victim and the listener up on http://" + endpoint + "/metrics").atMost(PATIENCE)
                    .pollInterval(Duration.ofMillis(200)).ignoreExceptionsInstanceOf(IOException.class)
                    .untilAsserted(() -> assertThat(scrape(endpoint, "supervisord_up")).extracting(
                            sample -> sample.labels().get("group") + ":" + sample.labels().get("name") + "="
                                    + sample.value())
                            .containsExactlyInAnyOrder("steady:steady=1.0", "victim:victim=1.0", "kafka:kafka=1.0"));

            try (PrometheusServer prometheus = PrometheusServer.start(dir.resolve("prometheus"), JOB,
                    List.of(endpoint), List.of(rulesWithoutFor()), alertmanager.address(), SCRAPE_INTERVAL)) {
                String up = "supervisord_up{server=\"%s\",group=\"victim\",name=\"victim\"}".formatted(SERVER);
                await("Prometheus scraping " + up + " = 1").atMost(PATIENCE)
                        .pollInterval(Duration.ofMillis(200))
                        .until(() -> values(prometheus.query(up)).equals(List.of(1.0)));
                // A process may still show a state it left earlier for a moment (a busy listener reads supervisord's
                // start-up events after a newer snapshot, and stamps them as it reads them). Any alert that caused is
                // over, at Prometheus, at the Alertmanager and at the webhook, before the kill: else the
                // Alertmanager could take the kill's alert for the one it already sent.
                await("no alert about victim pending anywhere").atMost(PATIENCE).pollInterval(Duration.ofMillis(200))
                        .until(() -> prometheus.alerts().stream().noneMatch(alert -> isVictim(alert.labels()))
                                && alertmanager.activeAlerts().stream().noneMatch(PrometheusEndToEndTest::isVictim)
                                && webhook.alerts().stream().filter(alert -> isVictim(alert.labels()))
                                .reduce((first, second) -> second).map(last -> last.status().equals("resolved"))
                                .orElse(true));

                long pid = supervisord.pidOf("victim");
                Instant killedAt = Instant.now();
                long killedNanos = System.nanoTime();
                ProcessHandle.of(pid).orElseThrow().destroyForcibly(); // SIGKILL; autorestart=false: it stays EXITED
                await("Prometheus answering " + up + " == 0 after kill -9 of victim").atMost(DOWN_WITHIN)
                        .pollInterval(Duration.ofMillis(100))
                        .until(() -> values(prometheus.query(up + " == 0")).equals(List.of(0.0)));
                long downMs = (System.nanoTime() - killedNanos) / 1_000_000;

                // The kill's alert: Prometheus found it true after the kill, from a scrape after the kill.
                await("SupervisordProcessDown for victim since the kill, firing at the webhook").atMost(PATIENCE)
                        .pollInterval(Duration.ofMillis(100))
                        .until(() -> sinceKill(webhook, "firing", killedAt).isPresent());
                long alertedMs = (System.nanoTime() - killedNanos) / 1_000_000;
                WebhookReceiver.Alert alert = sinceKill(webhook, "firing", killedAt).orElseThrow();
                // By the process alone: no instance label, which a rebalance would change.
                assertThat(alert.labels()).containsExactlyInAnyOrderEntriesOf(Map.of("alertname",
                        "SupervisordProcessDown", "server", SERVER, "group", "victim", "name", "victim", "severity",
                        "critical"));
                assertThat(alert.annotations()).containsEntry("summary",
                        "Process victim:victim on " + SERVER + " is down");
                assertThat(alert.annotations().get("description")).contains("victim:victim in state EXITED");
                System.err.printf("kill -9 -> supervisord_up == 0 in Prometheus (1 s scrapes): %d ms; -> firing "
                        + "SupervisordProcessDown at the Alertmanager's webhook: %d ms%n", downMs, alertedMs);

                assertThat(supervisord.ctl("start", "victim")).contains("started");
                await("Prometheus answering " + up + " = 1 after supervisorctl start victim").atMost(PATIENCE)
                        .pollInterval(Duration.ofMillis(200))
                        .until(() -> values(prometheus.query(up)).equals(List.of(1.0)));
                await("that alert resolved at the webhook").atMost(PATIENCE).pollInterval(Duration.ofMillis(200))
                        .until(() -> sinceKill(webhook, "resolved", killedAt)
                                .filter(resolved -> resolved.startsAt().equals(alert.startsAt())).isPresent());
            }
        }
    }

    /** The first alert of victim's process down in {@code status} that began after {@code killedAt}. */
    private static Optional<WebhookReceiver.Alert> sinceKill(WebhookReceiver webhook, String status,
                                                             Instant killedAt) {
        return webhook.alerts().stream().filter(alert -> isVictim(alert.labels()))
                .filter(alert -> alert.status().equals(status) && alert.startsAt().isAfter(killedAt)).findFirst();
    }

    private static boolean isVictim(Map<String, String> labels) {
        return "SupervisordProcessDown".equals(labels.get("alertname")) && SERVER.equals(labels.get("server"))
                && "victim".equals(labels.get("name"));
    }

    private static List<Double> values(List<PrometheusServer.Sample> samples) {
        return samples.stream().map(PrometheusServer.Sample::value).toList();
    }

    /** The shipped rules with every {@code for} set to 0s, in the test's directory. */
    private Path rulesWithoutFor() throws IOException {
        YAMLMapper yaml = new YAMLMapper();
        JsonNode rules = yaml.readTree(PrometheusRulesTest.RULES.toFile());
        for (JsonNode group : rules.path("groups")) {
            for (JsonNode rule : group.path("rules")) {
                if (rule.has("for")) {
                    ((ObjectNode) rule).put("for", "0s");
                }
            }
        }
        Path copy = dir.resolve("supervisor-kafka.rules.yml");
        yaml.writeValue(copy.toFile(), rules);
        return copy;
    }

    /** One sample of the endpoint's text exposition: its labels and value. */
    record Sample(Map<String, String> labels, double value) {
    }

    /** The samples of {@code family} the Streams app's endpoint serves now. */
    private static List<Sample> scrape(String endpoint, String family) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create("http://" + endpoint + "/metrics"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("/metrics answered " + response.statusCode());
        }
        List<Sample> samples = new ArrayList<>();
        for (String line : response.body().split("\n")) {
            Matcher sample = SAMPLE.matcher(line);
            if (!line.startsWith("#") && sample.matches() && sample.group(1).equals(family)) {
                Map<String, String> labels = new LinkedHashMap<>();
                Matcher label = LABEL.matcher(sample.group(2) == null ? "" : sample.group(2));
                while (label.find()) {
                    labels.put(label.group(1), label.group(2));
                }
                samples.add(new Sample(labels, Double.parseDouble(sample.group(3))));
            }
        }
        return samples;
    }
}
