package io.supervisorkafka.listener;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class BackgroundThreadsTest {

    @Test
    void reniceSetsTheNiceValueOfThatThreadAlone() throws Exception {
        // Raising a nice value needs no privilege, so this runs as any user; a thread of its own keeps the change
        // away from the test runner's threads.
        AtomicReference<String> threadId = new AtomicReference<>();
        AtomicReference<Boolean> reniced = new AtomicReference<>();
        AtomicReference<Integer> niceSeenByItself = new AtomicReference<>();
        Thread thread = new Thread(() -> {
            threadId.set(BackgroundThreads.currentThreadId());
            reniced.set(BackgroundThreads.renice(threadId.get(), "test", 7));
            niceSeenByItself.set(nice(threadId.get()));
        });
        thread.start();
        thread.join();

        assertThat(threadId.get()).as("the thread's id").matches("[0-9]+")
                .isNotEqualTo(BackgroundThreads.currentThreadId());
        assertThat(reniced.get()).isTrue();
        assertThat(niceSeenByItself.get()).isEqualTo(7);
        assertThat(nice(BackgroundThreads.currentThreadId())).as("the calling thread").isNotEqualTo(7);
    }

    /** Field 19 of /proc/self/task/TID/stat, counted after the command name (which may hold spaces). */
    private static int nice(String threadId) {
        try {
            String stat = Files.readString(Path.of("/proc/self/task", threadId, "stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Integer.parseInt(fields[16]);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
