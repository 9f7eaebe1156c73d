package io.supervisorkafka.listener.supervisor.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.supervisorkafka.listener.supervisor.protocol.PoolSerials.Gap;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Gaps in supervisord's poolserial: discarded events, redeliveries, restarts; kept across restarts of the listener. */
class PoolSerialsTest {
    private static final String RUN = "25427-1796067670384";
    private static final String NEXT_RUN = "31000-1796068000000";

    @TempDir
    Path dir;

    private Path file() {
        return dir.resolve(PoolSerials.FILE_NAME);
    }

    /** Observes and persists, as the protocol loop does. */
    private static Gap seen(PoolSerials serials, String instance, String pool, long serial) throws IOException {
        Gap gap = serials.observe(instance, pool, serial);
        serials.persist(instance, pool, serial);
        return gap;
    }

    @Test
    void consecutiveSerialsHaveNoGapAndAJumpCountsTheSerialsBetween() throws IOException {
        try (PoolSerials serials = PoolSerials.inMemory()) {
            assertThat(seen(serials, RUN, "kafka", 0)).isNull();
            assertThat(seen(serials, RUN, "kafka", 1)).isNull();
            assertThat(seen(serials, RUN, "kafka", 5)).isEqualTo(new Gap("kafka", 3, 2, 5));
            assertThat(seen(serials, RUN, "kafka", 6)).isNull();
        }
    }

    @Test
    void theCapturedOverflowOfABufferOfThreeIsSixLostEvents() throws IOException {
        // supervisord 4.2.5, buffer_size=3, the listener SIGSTOPped during 10 events: its log has 6 lines "pool
        // smallbuf event buffer overflowed, discarding event 73" to 78, and the listener then read poolserial 0, 7.
        List<Long> received = new ArrayList<>();
        try (InputStream in = getClass().getResourceAsStream(
                "/supervisord-4.2.5-logs/eventlistener-smallbuf-received.txt")) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (line.contains(" HDR ") && line.contains("poolserial:")) {
                    String token = line.substring(line.indexOf("poolserial:") + "poolserial:".length());
                    received.add(Long.parseLong(token.substring(0, token.indexOf(' '))));
                }
            }
        }
        assertThat(received).startsWith(0L, 7L, 8L, 9L);
        long lost = 0;
        try (PoolSerials serials = PoolSerials.inMemory()) {
            for (long serial : received.subList(0, 4)) {
                Gap gap = seen(serials, RUN, "smallbuf", serial);
                lost += gap == null ? 0 : gap.lost();
            }
        }
        assertThat(lost).isEqualTo(6);
    }

    @Test
    void theEventInFlightWhenTheListenerDiedComesAgainAndIsNoGap() throws IOException {
        try (PoolSerials first = PoolSerials.open(file())) {
            seen(first, RUN, "kafka", 9);
            seen(first, RUN, "kafka", 10); // stored, then the listener is killed before acknowledging it
        }
        try (PoolSerials restarted = PoolSerials.open(file())) {
            assertThat(seen(restarted, RUN, "kafka", 10)).isNull();
            assertThat(seen(restarted, RUN, "kafka", 11)).isNull();
        }
    }

    @Test
    void aGapWhileTheListenerWasDownIsCountedByTheNextOne() throws IOException {
        try (PoolSerials first = PoolSerials.open(file())) {
            seen(first, RUN, "kafka", 41);
        }
        try (PoolSerials restarted = PoolSerials.open(file())) {
            assertThat(seen(restarted, RUN, "kafka", 52)).isEqualTo(new Gap("kafka", 10, 42, 52));
        }
    }

    @Test
    void aNewPoolCountsFromZeroSoOnlyTheSerialsBelowItsFirstOneAreLost() throws IOException {
        try (PoolSerials first = PoolSerials.open(file())) {
            seen(first, RUN, "kafka", 500);
        }
        // supervisorctl reload: the same supervisord, new pools, poolserial from 0 again.
        try (PoolSerials reloaded = PoolSerials.open(file())) {
            assertThat(seen(reloaded, RUN, "kafka", 0)).isNull();
        }
        try (PoolSerials first = PoolSerials.open(file())) {
            seen(first, RUN, "kafka", 500);
        }
        try (PoolSerials reloaded = PoolSerials.open(file())) {
            assertThat(seen(reloaded, RUN, "kafka", 3)).isEqualTo(new Gap("kafka", 3, 0, 3));
        }
        // supervisord restarted: another instance, its pool counts from 0.
        try (PoolSerials restarted = PoolSerials.open(file())) {
            assertThat(seen(restarted, NEXT_RUN, "kafka", 0)).isNull();
        }
        try (PoolSerials restarted = PoolSerials.open(file())) {
            assertThat(seen(restarted, "32000-1796069000000", "kafka", 12)).isEqualTo(new Gap("kafka", 12, 0, 12));
        }
    }

    @Test
    void withoutARecordTheFirstEventIsTheBaseline() throws IOException {
        try (PoolSerials fresh = PoolSerials.open(file())) {
            assertThat(seen(fresh, RUN, "kafka", 5000)).isNull();
            assertThat(seen(fresh, RUN, "kafka", 5001)).isNull();
        }
        Files.write(file(), new byte[] {1, 2, 3});
        try (PoolSerials damaged = PoolSerials.open(file())) {
            assertThat(seen(damaged, RUN, "kafka", 7000)).isNull();
        }
        byte[] bytes = Files.readAllBytes(file());
        bytes[12] ^= 1; // both slots' serials changed under their checksums
        bytes[2048 + 12] ^= 1;
        Files.write(file(), bytes);
        try (PoolSerials corrupt = PoolSerials.open(file())) {
            assertThat(seen(corrupt, RUN, "kafka", 9000)).isNull();
        }
    }

    @Test
    void aWriteCutShortByKill9LeavesTheSlotBefore() throws IOException {
        try (PoolSerials first = PoolSerials.open(file())) {
            seen(first, RUN, "kafka", 41);
            seen(first, RUN, "kafka", 42); // killed while writing this one: the event was not acknowledged
        }
        byte[] bytes = Files.readAllBytes(file());
        int latest = PoolSerials.read(file()).serial() == 42 ? slotOf(bytes, 42) : -1;
        bytes[latest + 20] ^= 1; // its text length, say: the slot no longer checks
        Files.write(file(), bytes);
        assertThat(PoolSerials.read(file())).isEqualTo(new PoolSerials.Last(RUN, "kafka", 41));
        try (PoolSerials restarted = PoolSerials.open(file())) {
            assertThat(seen(restarted, RUN, "kafka", 42)).as("sent again by supervisord").isNull();
        }
    }

    /** The offset of the slot that holds {@code serial}. */
    private static int slotOf(byte[] file, long serial) {
        for (int at = 0; at < file.length; at += 2048) {
            if (java.nio.ByteBuffer.wrap(file).getLong(at + 12) == serial) {
                return at;
            }
        }
        throw new AssertionError("no slot holds " + serial);
    }

    @Test
    void theRecordFollowsTheLatestInstanceAndPool() throws IOException {
        try (PoolSerials serials = PoolSerials.open(file())) {
            seen(serials, RUN, "a-much-longer-pool-name", 3);
            seen(serials, RUN, "kafka", 8);
        }
        assertThat(PoolSerials.read(file())).isEqualTo(new PoolSerials.Last(RUN, "kafka", 8));
        try (PoolSerials serials = PoolSerials.open(file())) {
            // Another pool than the one recorded, of the same run: nothing known about it.
            assertThat(seen(serials, RUN, "other", 30)).isNull();
            assertThat(seen(serials, RUN, "kafka", 10)).isEqualTo(new Gap("kafka", 1, 9, 10));
        }
    }
}
