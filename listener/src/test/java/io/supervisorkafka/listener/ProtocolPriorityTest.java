package io.supervisorkafka.listener;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class ProtocolPriorityTest {
    @Test
    void theThreeFormsParseAndPrintAsWritten() {
        for (String form : List.of("normal", "nice:-20", "nice:19", "fifo:1", "fifo:99")) {
            assertThat(ProtocolPriority.parse("--protocol-priority", form).optionValue()).isEqualTo(form);
        }
        assertThat(ProtocolPriority.parse("k", " fifo: 3 ")).isEqualTo(new ProtocolPriority(ProtocolPriority.Kind.FIFO, 3));
    }

    @Test
    void anythingElseIsOneLineNamingWhereItCameFrom() {
        for (String bad : List.of("", "fifo", "fifo:0", "fifo:100", "nice:-21", "nice:20", "nice:x", "normal:1",
                "rr:1", "FIFO:1")) {
            assertThatThrownBy(() -> ProtocolPriority.parse("--protocol-priority", bad)).as(bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("--protocol-priority: '" + bad.trim() + "' is not a protocol priority (normal, nice:N"
                            + " with N in -20..19, or fifo:N with N in 1..99)");
        }
    }

    @Test
    void theCommandsSetTheClassOfThatThreadAloneAndNotOfThreadsItStarts() {
        assertThat(ProtocolPriority.NORMAL.commands(42)).isEmpty();
        assertThat(ProtocolPriority.parse("k", "fifo:2").commands(42))
                .containsExactly(List.of("chrt", "--reset-on-fork", "--fifo", "-p", "2", "42"));
        assertThat(ProtocolPriority.parse("k", "nice:-5").commands(42)).containsExactly(
                List.of("chrt", "--reset-on-fork", "--other", "-p", "0", "42"),
                List.of("renice", "-n", "-5", "-p", "42"));
    }
}
