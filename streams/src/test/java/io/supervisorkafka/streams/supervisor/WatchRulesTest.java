package io.supervisorkafka.streams.supervisor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.supervisorkafka.schemas.CheckStatus;
import io.supervisorkafka.schemas.ProcessState;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WatchRulesTest {

    private static WatchRules rules(String... keysAndValues) {
        Map<String, String> settings = new java.util.HashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            settings.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return WatchRules.parse(settings);
    }

    @Test
    void withoutRulesEveryProcessIsWatchedWithDatadogsMapping() {
        WatchRules none = rules("bootstrap.servers", "kafka:9092", "application.id", "x");

        assertThat(none).isEqualTo(WatchRules.none());
        assertThat(none.watches("any", "web", "web")).isTrue();
        WatchRules.Rule rule = none.forServer("any");
        assertThat(rule.serverCheck()).isTrue();
        for (ProcessState state : ProcessState.values()) {
            assertThat(rule.checkStatus(state)).isEqualTo(state.check());
        }
    }

    @Test
    void theFirstRuleWhoseGlobMatchesTheServerApplies() {
        WatchRules rules = rules("watch.rules", "web, rest",
                "watch.web.servers", "web-*,api-?",
                "watch.web.proc_names_exclude", "cron",
                "watch.rest.proc_names", "nothing-but-this");

        assertThat(rules.forServer("web-12").name()).isEqualTo("web");
        assertThat(rules.forServer("api-1").name()).isEqualTo("web");
        assertThat(rules.forServer("api-12").name()).as("? is one character").isEqualTo("rest");
        assertThat(rules.forServer("db-1").name()).as("a rule without servers applies to all").isEqualTo("rest");
        assertThat(rules.watches("web-1", "cron", "cron")).isFalse();
        assertThat(rules.watches("db-1", "cron", "cron")).isFalse();
        assertThat(rules.watches("db-1", "x", "nothing-but-this")).isTrue();
    }

    @Test
    void aServerNoRuleMatchesIsWatchedWhole() {
        WatchRules rules = rules("watch.rules", "web", "watch.web.servers", "web-*",
                "watch.web.proc_names", "web");

        assertThat(rules.forServer("db-1")).isSameAs(WatchRules.Rule.EVERYTHING);
        assertThat(rules.watches("db-1", "anything", "anything")).isTrue();
        assertThat(rules.watches("web-1", "anything", "anything")).isFalse();
    }

    @Test
    void namesMatchTheNameOrGroupColonNameAndRegexesMatchFromTheStartAsPythonsReMatch() {
        WatchRules.Rule rule = rules("watch.rules", "r", "watch.r.proc_names", "api:worker_00, beat",
                "watch.r.proc_regex", "web|cel.ry").forServer("s");

        assertThat(rule.watches("api", "worker_00")).isTrue();
        assertThat(rule.watches("other", "worker_00")).as("group:name given: the group counts").isFalse();
        assertThat(rule.watches("scheduler", "beat")).isTrue();
        assertThat(rule.watches("web", "web-worker")).as("from the start, not the whole name").isTrue();
        assertThat(rule.watches("queues", "celery_1")).isTrue();
        assertThat(rule.watches("queues", "my-celery")).isFalse();
        assertThat(rule.watches("webapps", "x")).as("matched on group:name too").isTrue();
    }

    @Test
    void excludesRemoveFromWhatIsIncluded() {
        WatchRules.Rule rule = rules("watch.rules", "r", "watch.r.proc_regex", "worker",
                "watch.r.proc_names_exclude", "worker_debug", "watch.r.proc_regex_exclude", "worker_tmp_\\d+$")
                .forServer("s");

        assertThat(rule.watches("w", "worker_1")).isTrue();
        assertThat(rule.watches("w", "worker_debug")).isFalse();
        assertThat(rule.watches("w", "worker_tmp_7")).isFalse();
        assertThat(rule.watches("w", "worker_tmp_7x")).isTrue();
        assertThat(rule.watches("w", "nginx")).isFalse();
    }

    @Test
    void theStatusMappingOverrideAndTheServerCheck() {
        WatchRules.Rule rule = rules("watch.rules", "batch", "watch.batch.status_mapping_override",
                "STOPPED:OK, exited=warning", "watch.batch.server_check", "false").forServer("batch-1");

        assertThat(rule.checkStatus(ProcessState.STOPPED)).isEqualTo(CheckStatus.OK);
        assertThat(rule.checkStatus(ProcessState.EXITED)).isEqualTo(CheckStatus.WARNING);
        assertThat(rule.checkStatus(ProcessState.FATAL)).isEqualTo(CheckStatus.CRITICAL);
        assertThat(rule.overridesStatuses()).isTrue();
        assertThat(rule.serverCheck()).isFalse();
    }

    @Test
    void aMistakeIsOneLineNamingTheKey() {
        assertMistake("watch.rules is missing", "watch.web.servers", "web-*");
        assertMistake("watch.web.servers: rule web is not listed in watch.rules", "watch.rules", "db",
                "watch.web.servers", "web-*");
        assertMistake("watch.web.proc_name: unknown setting 'proc_name'", "watch.rules", "web",
                "watch.web.proc_name", "x");
        assertMistake("watch.web.proc_regex: not a regular expression: (", "watch.rules", "web",
                "watch.web.proc_regex", "(");
        assertMistake("watch.web.status_mapping_override: 'STOPED' is not one of", "watch.rules", "web",
                "watch.web.status_mapping_override", "STOPED:OK");
        assertMistake("watch.web.status_mapping_override: 'STOPPED' is not STATE:STATUS", "watch.rules", "web",
                "watch.web.status_mapping_override", "STOPPED");
        assertMistake("watch.web.server_check: 'maybe' is not true or false", "watch.rules", "web",
                "watch.web.server_check", "maybe");
        assertMistake("watch.rules: rule web is listed twice", "watch.rules", "web,web");
        assertMistake("watch.rules: rule name 'w.b'", "watch.rules", "w.b");
    }

    private static void assertMistake(String message, String... keysAndValues) {
        assertThatThrownBy(() -> rules(keysAndValues)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(message).hasMessageNotContaining("\n");
    }

    @Test
    void rulesAreEqualByWhatTheySay() {
        String[] settings = {"watch.rules", "r", "watch.r.servers", "a*", "watch.r.proc_regex", "x.*"};

        assertThat(rules(settings)).isEqualTo(rules(settings)).hasSameHashCodeAs(rules(settings));
        assertThat(rules(settings)).isNotEqualTo(rules("watch.rules", "r", "watch.r.servers", "a*",
                "watch.r.proc_regex", "y.*"));
    }
}
