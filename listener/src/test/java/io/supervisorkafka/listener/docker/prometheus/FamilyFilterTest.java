package io.supervisorkafka.listener.docker.prometheus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FamilyFilterTest {

    @Test
    void theDefaultKeepsTheEngineFamiliesOnly() {
        assertThat(FamilyFilter.DEFAULT.keeps("engine_daemon_container_states_containers")).isTrue();
        assertThat(FamilyFilter.DEFAULT.keeps("engine_daemon_")).isTrue();
        assertThat(FamilyFilter.DEFAULT.keeps("engine_daemon")).isFalse();
        assertThat(FamilyFilter.DEFAULT.keeps("go_goroutines")).isFalse();
        assertThat(FamilyFilter.DEFAULT.keeps("swarm_engine_daemon_x")).isFalse();
        assertThat(FamilyFilter.DEFAULT.include()).containsExactly("engine_daemon_*");
        assertThat(FamilyFilter.DEFAULT.exclude()).isEmpty();
    }

    @Test
    void noIncludePatternKeepsEverything() {
        assertThat(FamilyFilter.of(List.of(), List.of()).keeps("anything:at_all")).isTrue();
        assertThat(FamilyFilter.of(null, null).keeps("go_info")).isTrue();
        assertThat(FamilyFilter.of(null, List.of("go_*")).keeps("go_info")).isFalse();
        assertThat(FamilyFilter.of(null, List.of("go_*")).keeps("process_cpu_seconds_total")).isTrue();
    }

    @Test
    void excludeWinsOverInclude() {
        FamilyFilter filter = FamilyFilter.of(List.of("engine_daemon_*", "go_goroutines"),
                List.of("*_seconds", "engine_daemon_engine_info"));
        assertThat(filter.keeps("engine_daemon_events_total")).isTrue();
        assertThat(filter.keeps("go_goroutines")).isTrue();
        assertThat(filter.keeps("engine_daemon_container_actions_seconds")).isFalse();
        assertThat(filter.keeps("engine_daemon_engine_info")).isFalse();
        assertThat(filter.keeps("go_threads")).isFalse();
        assertThat(FamilyFilter.of(List.of("*"), List.of("*")).keeps("x")).isFalse();
    }

    @Test
    void starIsAnyRunAndQuestionMarkOneCharacter() {
        FamilyFilter filter = FamilyFilter.of(List.of("process_?pu_*", "a*b*c", "ns:*"), List.of());
        assertThat(filter.keeps("process_cpu_seconds_total")).isTrue();
        assertThat(filter.keeps("process_gpu_")).isTrue();
        assertThat(filter.keeps("process_pu_seconds")).isFalse();
        assertThat(filter.keeps("process_cpus")).isFalse();
        assertThat(filter.keeps("abc")).isTrue();
        assertThat(filter.keeps("a_b_c")).isTrue();
        assertThat(filter.keeps("a_b_c_d")).isFalse();
        assertThat(filter.keeps("ns:requests")).isTrue();
        assertThat(filter.keeps("Ns:requests")).as("case-sensitive, as metric names are").isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " engine_*", "engine.daemon_*", "engine_[a-z]*", "go_{gc,info}", "a/b", "é*"})
    void aPatternWithACharacterNoMetricNameHasIsRefused(String pattern) {
        assertThatThrownBy(() -> FamilyFilter.of(List.of("go_*", pattern), List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("pattern");
        assertThatThrownBy(() -> FamilyFilter.of(List.of(), List.of(pattern)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("pattern");
    }

    @Test
    void theErrorNamesThePatternAndTheCharacter() {
        assertThatThrownBy(() -> FamilyFilter.of(List.of("engine.daemon_*"), List.of()))
                .hasMessage("bad metric family pattern \"engine.daemon_*\": '.' at 6 (a pattern is made of the"
                        + " characters of metric names, [a-zA-Z0-9_:], with * for any run of them and ? for one)");
    }

    @Test
    void filtersWithTheSamePatternsAreEqual() {
        assertThat(FamilyFilter.of(List.of("engine_daemon_*"), null)).isEqualTo(FamilyFilter.DEFAULT)
                .hasSameHashCodeAs(FamilyFilter.DEFAULT);
        assertThat(FamilyFilter.of(List.of("engine_daemon_*"), List.of("x"))).isNotEqualTo(FamilyFilter.DEFAULT);
        assertThat(FamilyFilter.DEFAULT).hasToString("include [engine_daemon_*] exclude []");
        assertThat(FamilyFilter.of(null, List.of("go_*"))).hasToString("include [*] exclude [go_*]");
    }
}
