package io.supervisorkafka.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationsTest {

    @Test
    void durationsAsOperatorsWriteThem() {
        assertThat(Durations.parse("x", "500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(Durations.parse("x", " 15s ")).isEqualTo(Duration.ofSeconds(15));
        assertThat(Durations.parse("x", "2m")).isEqualTo(Duration.ofMinutes(2));
        assertThat(Durations.parse("x", "1h")).isEqualTo(Duration.ofHours(1));
        assertThat(Durations.parse("x", "1d")).isEqualTo(Duration.ofDays(1));
        assertThat(Durations.parse("x", "PT30S")).isEqualTo(Duration.ofSeconds(30));
        assertThat(Durations.parse("x", "0s")).isZero();
    }

    @Test
    void anythingElseIsRefusedNamingTheOption() {
        assertThatThrownBy(() -> Durations.parse("--stale-after", "15x"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--stale-after").hasMessageContaining("15x");
        assertThatThrownBy(() -> Durations.parse("x", "PT-5S")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Durations.parse("x", "-5s")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Durations.parse("x", "")).isInstanceOf(IllegalArgumentException.class);
    }
}
