package io.supervisorkafka.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.supervisorkafka.testkit.Alertmanager;
import io.supervisorkafka.testkit.PrometheusServer;
import io.supervisorkafka.testkit.WebhookReceiver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The harness alone: Prometheus scraping the Alertmanager's own metrics, a rule on them, its alert delivered. */
class PrometheusHarnessTest {
    @TempDir
    Path dir;

    @Test
    void prometheusScrapesAndItsAlertReachesTheWebhook() throws Exception {
        Path rules = dir.resolve("rules.yml");
        Files.writeString(rules, """
                groups:
                  - name: harness
                    rules:
                      - alert: HarnessTargetUp
                        expr: up{job="alertmanager"} == 1
                        labels:
                          severity: info
                        annotations:
                          summary: 'target {{ $labels.instance }} up'
                """);
        try (WebhookReceiver webhook = WebhookReceiver.start();
             Alertmanager alertmanager = Alertmanager.start(dir.resolve("alertmanager"), webhook.url());
             PrometheusServer prometheus = PrometheusServer.start(dir.resolve("prometheus"), "alertmanager",
                     List.of(alertmanager.address()), List.of(rules), alertmanager.address(), Duration.ofSeconds(1))) {
            await("up == 1 for the Alertmanager's metrics").atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                    assertThat(prometheus.query("up{job=\"alertmanager\"}"))
                            .singleElement().satisfies(sample -> assertThat(sample.value()).isEqualTo(1.0)));
            await("HarnessTargetUp at the webhook").atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                    assertThat(webhook.alerts()).anySatisfy(alert -> {
                        assertThat(alert.status()).isEqualTo("firing");
                        assertThat(alert.label("alertname")).isEqualTo("HarnessTargetUp");
                        assertThat(alert.annotations()).containsEntry("summary",
                                "target " + alertmanager.address() + " up");
                    }));
        }
    }
}
