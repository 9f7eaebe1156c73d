package io.supervisorkafka.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class ThreadStatTest {
    // Shaped as the kernel writes a thread at SCHED_FIFO 1 (priority field -2), with a name holding a space and ") ".
    private static final String STAT = "13641 (a) b (c) S 1 13636 13636 0 -1 4194624 1510 0 0 0 52 18 0 0 -2 0 27 0"
            + " 1182 2819145728 21380 18446744073709551615 1 1 0 0 0 0 4 0 16800 0 0 0 -1 1 1 1 0 0 0 0 0 0 0 0 0 0 0\n";
    private static final String SCHEDSTAT = "723061218 25071541 9341\n";

    @Test
    void fieldsAreNumberedAsProcFiveNumbersThemWhateverTheName() {
        ThreadStat thread = ThreadStat.parse("13641", STAT, SCHEDSTAT);
        assertThat(thread.name()).isEqualTo("a) b (c");
        assertThat(thread.fields().get(0)).isEqualTo("S");
        assertThat(List.of(thread.field(14), thread.field(15), thread.field(19), thread.field(40), thread.field(41)))
                .containsExactly(52L, 18L, 0L, 1L, 1L);
        assertThat(thread.timesScheduled()).isEqualTo(9341);
    }

    @Test
    void aKernelWithoutSchedulerStatisticsGivesNoRunCount() {
        assertThat(ThreadStat.parse("13641", STAT, null).timesScheduled()).isEqualTo(-1);
    }

    @Test
    void theThreadsOfThisProcessIncludeTheCallingOne() throws Exception {
        String self = Files.readSymbolicLink(Path.of("/proc/thread-self")).getFileName().toString();
        assertThat(ThreadStat.of(ProcessHandle.current().pid()))
                .filteredOn(thread -> thread.tid().equals(self)).singleElement()
                .satisfies(thread -> assertThat(thread.timesScheduled()).isPositive());
    }
}
