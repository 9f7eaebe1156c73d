package io.supervisorkafka.listener.spool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The fsync thread forces after appends and checkpoints, and does not wake while nothing changes. */
class SpoolFsyncTest {
    private static final Duration INTERVAL = Duration.ofMillis(20);

    @TempDir
    Path dir;

    private final ExecutorService executor = Executors.newSingleThreadExecutor();
    private Spool spool;
    private SpoolFsync fsync;

    @AfterEach
    void close() throws Exception {
        if (fsync != null) {
            fsync.close();
        }
        executor.shutdownNow();
        assertThat(executor.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        if (spool != null) {
            spool.close();
        }
    }

    private Spool open() throws IOException {
        spool = Spool.open(new SpoolConfig(dir.resolve("spool"), 1024 * 1024, 4096, SpoolFullPolicy.DROP_OLDEST,
                INTERVAL));
        return spool;
    }

    private static SpoolEntry record(int i) {
        return new SpoolEntry.ReadyRecord("topic", ("key-" + i).getBytes(StandardCharsets.UTF_8),
                ("value-" + i).getBytes(StandardCharsets.UTF_8), 1000L + i);
    }

    /** Waits until the count is above 0 and has not moved for 150 ms (over 7 intervals); returns it. */
    private static int settled(AtomicInteger count) {
        long[] seen = {-1};
        long[] since = {0};
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(10)).until(() -> {
            int now = count.get();
            long at = System.nanoTime();
            if (now != seen[0]) {
                seen[0] = now;
                since[0] = at;
            }
            return now > 0 && at - since[0] > Duration.ofMillis(150).toNanos();
        });
        return (int) seen[0];
    }

    @Test
    void forcesOnceAfterAnAppendOrACheckpointAndSleepsWhileNothingChanges() throws IOException {
        Spool spool = open();
        AtomicInteger forces = new AtomicInteger();
        fsync = new SpoolFsync(spool, INTERVAL, () -> {
            forces.incrementAndGet();
            try {
                spool.sync();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }).start();

        int afterOpen = settled(forces); // opening created the first segment: that is forced
        // A fixed schedule would have forced 15 times in this while.
        await("no force while nothing is appended").during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2))
                .until(() -> forces.get() == afterOpen);

        spool.append(record(0));
        spool.append(record(1));
        await("a force after the appends").atMost(Duration.ofSeconds(2)).until(() -> forces.get() > afterOpen);
        int afterAppends = settled(forces);
        assertThat(afterAppends).as("the appends of one interval share a force").isEqualTo(afterOpen + 1);

        try (SpoolReader reader = spool.reader(spool.checkpoint())) {
            spool.commit(reader.next().next());
        }
        await("a force after the checkpoint").atMost(Duration.ofSeconds(2)).until(() -> forces.get() > afterAppends);
    }

    @Test
    void awaitUnsyncedReturnsAtOnceWhenDirtyAndWaitsForTheNextAppendOtherwise() throws Exception {
        Spool spool = open();
        spool.awaitUnsynced(Duration.ofSeconds(30)); // the new segment awaits a force: no wait
        spool.sync();
        CompletableFuture<Void> waiting = CompletableFuture.runAsync(
                () -> spool.awaitUnsynced(Duration.ofSeconds(30)), executor);
        await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(2)).until(() -> !waiting.isDone());
        spool.append(record(0));
        await("the append wakes the waiter").atMost(Duration.ofSeconds(2)).until(waiting::isDone);
    }

    @Test
    void closeEndsAnIdleThreadAtOnce() throws Exception {
        Spool spool = open();
        spool.sync();
        fsync = new SpoolFsync(spool, INTERVAL, () -> { }).start();
        SpoolFsync idle = fsync;
        fsync = null;
        CompletableFuture<Void> closing = CompletableFuture.runAsync(() -> idle.close(), executor);
        await().atMost(Duration.ofSeconds(2)).until(closing::isDone);
    }
}
