package io.supervisorkafka.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.supervisorkafka.streams.common.PromFamily;
import io.supervisorkafka.streams.prometheus.EndpointCatalog;
import io.supervisorkafka.testkit.ChildProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;

/**
 * The shipped alert rules ({@code supervisor-conf/prometheus/supervisor-kafka.rules.yml}) as Prometheus' own
 * {@code promtool} (Debian package {@code prometheus}) judges them: valid rules, and every alert's unit tests in
 * {@code supervisor-kafka.rules.test.yml} passing. The unit tests themselves are held to cover each alert both firing
 * and not firing, and each alert to have a {@code for}, a severity and a summary that names the server (and the
 * process, for an alert about one; the instance, for an alert about a Streams instance).
 */
class PrometheusRulesTest {
    static final Path DIR = Checkout.root().resolve("supervisor-conf/prometheus");
    static final Path RULES = DIR.resolve("supervisor-kafka.rules.yml");
    static final Path TESTS = DIR.resolve("supervisor-kafka.rules.test.yml");
    static final YAMLMapper YAML = new YAMLMapper();
    /** The names of the project's families: the prefixes of the catalogs' sources. */
    static final Pattern FAMILY_NAME = Pattern.compile("\\b(supervisord|supervisor_kafka|gunicorn|docker)_[a-z0-9_]+");

    @Test
    void promtoolChecksTheRules() throws IOException {
        ChildProcess.Output check = promtool("check", "rules", RULES.toString());
        assertThat(check.exitCode()).as("promtool check rules %s said:%n%s", RULES, check.text()).isZero();
    }

    @Test
    void promtoolUnitTestsOfEveryAlertPass() throws IOException {
        // promtool resolves the test file's rule_files against the test file's directory.
        ChildProcess.Output test = promtool("test", "rules", TESTS.toString());
        assertThat(test.exitCode()).as("promtool test rules %s said:%n%s", TESTS, test.text()).isZero();
    }

    @Test
    void everyAlertHasForSeveritySummaryAndDescription() throws IOException {
        SoftAssertions softly = new SoftAssertions();
        for (JsonNode rule : alerts()) {
            String alert = rule.path("alert").asText();
            softly.assertThat(rule.path("for").asText()).as("%s: for", alert).matches("[1-9][0-9]*[smh]");
            softly.assertThat(rule.path("labels").path("severity").asText()).as("%s: severity", alert)
                    .isIn("critical", "warning");
            // An alert about a Streams instance rather than a server names the instance.
            softly.assertThat(rule.path("annotations").path("summary").asText()).as("%s: summary", alert)
                    .containsAnyOf("{{ $labels.server }}", "{{ $labels.instance }}");
            softly.assertThat(rule.path("annotations").path("description").asText()).as("%s: description", alert)
                    .isNotBlank();
        }
        softly.assertAll();
    }

    /**
     * Each alert has a test case where it fires and one where it does not; where it fires, its summary names the
     * server and, for an alert about a process (a {@code name} label), the process.
     */
    @Test
    void everyAlertIsUnitTestedFiringAndNotFiring() throws IOException {
        Map<String, List<JsonNode>> cases = new TreeMap<>();
        for (JsonNode test : YAML.readTree(TESTS.toFile()).path("tests")) {
            for (JsonNode alertTest : test.path("alert_rule_test")) {
                cases.computeIfAbsent(alertTest.path("alertname").asText(), name -> new ArrayList<>()).add(alertTest);
            }
        }
        SoftAssertions softly = new SoftAssertions();
        for (JsonNode rule : alerts()) {
            String alert = rule.path("alert").asText();
            List<JsonNode> its = cases.getOrDefault(alert, List.of());
            softly.assertThat(its).as("%s: a case where it does not fire (exp_alerts empty)", alert)
                    .anyMatch(alertTest -> alertTest.path("exp_alerts").isEmpty());
            List<JsonNode> fired = its.stream()
                    .flatMap(alertTest -> StreamSupport.stream(alertTest.path("exp_alerts").spliterator(), false))
                    .toList();
            softly.assertThat(fired).as("%s: a case where it fires", alert).isNotEmpty();
            for (JsonNode expected : fired) {
                JsonNode labels = expected.path("exp_labels");
                String summary = expected.path("exp_annotations").path("summary").asText();
                String where = labels.has("server") ? "server" : "instance";
                softly.assertThat(summary).as("%s: summary names the %s", alert, where)
                        .contains(labels.path(where).asText("(no server or instance label)"));
                if (labels.has("name")) {
                    softly.assertThat(summary).as("%s: summary names the process", alert)
                            .contains(labels.path("name").asText());
                }
            }
        }
        softly.assertThat(cases.keySet()).as("unit tests of alerts the rules do not have")
                .isSubsetOf(alerts().stream().map(rule -> rule.path("alert").asText()).toList());
        softly.assertAll();
    }

    /**
     * Every family the rules (expressions and texts) name is one the Streams app's endpoint serves, by the catalogs
     * it takes its names from, or Prometheus' own {@code up}.
     */
    @Test
    void theRulesNameOnlyFamiliesTheEndpointServes() throws IOException {
        Set<String> served = EndpointCatalog.families().stream().map(PromFamily::name).collect(Collectors.toSet());
        Matcher names = FAMILY_NAME.matcher(Files.readString(RULES));
        Set<String> named = new TreeSet<>();
        while (names.find()) {
            named.add(names.group());
        }
        assertThat(named).as("families the rules name").isNotEmpty().isSubsetOf(served);
        for (JsonNode rule : alerts()) {
            if (!rule.path("expr").asText().matches("(?s).*\\b(" + String.join("|", served) + ")\\b.*")) {
                assertThat(rule.path("expr").asText()).as("%s: rests on a served family or on up",
                        rule.path("alert").asText()).startsWith("up{");
            }
        }
    }

    static List<JsonNode> alerts() throws IOException {
        List<JsonNode> alerts = new ArrayList<>();
        for (JsonNode group : YAML.readTree(RULES.toFile()).path("groups")) {
            for (JsonNode rule : group.path("rules")) {
                if (rule.has("alert")) {
                    alerts.add(rule);
                }
            }
        }
        return alerts;
    }

    private static ChildProcess.Output promtool(String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of("promtool"));
        command.addAll(List.of(args));
        return ChildProcess.run(new ProcessBuilder(command).directory(DIR.toFile()), Duration.ofMinutes(2));
    }
}
