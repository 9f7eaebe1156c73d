package io.supervisorkafka.listener.spool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpoolTest {
    private static final long SEGMENT = 4096;

    @TempDir
    Path dir;

    private final List<Spool> opened = new ArrayList<>();
    private final ExecutorService executor = Executors.newSingleThreadExecutor();

    @AfterEach
    void closeAll() throws Exception {
        executor.shutdownNow();
        assertThat(executor.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        for (Spool spool : opened) {
            spool.close();
        }
    }

    private Spool open(long maxBytes, SpoolFullPolicy policy) throws IOException {
        Spool spool = Spool.open(new SpoolConfig(dir.resolve("spool"), maxBytes, SEGMENT, policy,
                Duration.ofMillis(50)));
        opened.add(spool);
        return spool;
    }

    private Spool open() throws IOException {
        return open(1024 * 1024, SpoolFullPolicy.DROP_OLDEST);
    }

    private static SpoolEntry record(int i) {
        return new SpoolEntry.ReadyRecord("topic", ("key-" + i).getBytes(StandardCharsets.UTF_8),
                ("value-" + i + "-" + "x".repeat(80)).getBytes(StandardCharsets.UTF_8), 1000L + i);
    }

    private static int valueIndex(SpoolReader.Entry entry) {
        String value = new String(((SpoolEntry.ReadyRecord) entry.decode()).value(), StandardCharsets.UTF_8);
        return Integer.parseInt(value.substring("value-".length(), value.indexOf('-', "value-".length())));
    }

    private static List<SpoolReader.Entry> readAll(Spool spool, SpoolPosition from) throws IOException {
        List<SpoolReader.Entry> entries = new ArrayList<>();
        try (SpoolReader reader = spool.reader(from)) {
            for (SpoolReader.Entry e = reader.next(); e != null; e = reader.next()) {
                entries.add(e);
            }
        }
        return entries;
    }

    private void appendRange(Spool spool, int from, int to) throws IOException {
        for (int i = from; i < to; i++) {
            assertThat(spool.append(record(i))).isEqualTo(i);
        }
    }

    @Test
    void entriesRoundTrip() {
        SpoolEntry.RawEvent raw = new SpoolEntry.RawEvent(42L, "web-1", "10-20", "ver:3.0 len:2".getBytes(
                StandardCharsets.UTF_8), "😀é".getBytes(StandardCharsets.UTF_8));
        SpoolEntry.RawEvent rawBack = (SpoolEntry.RawEvent) SpoolEntry.decode(raw.encode(0));
        assertThat(rawBack.observedAt()).isEqualTo(42L);
        assertThat(rawBack.serverId()).isEqualTo("web-1");
        assertThat(rawBack.instance()).isEqualTo("10-20");
        assertThat(rawBack.header()).isEqualTo(raw.header());
        assertThat(rawBack.payload()).isEqualTo(raw.payload());
        SpoolEntry.ReadyRecord ready = new SpoolEntry.ReadyRecord("t", null, new byte[] {1, 2}, 7L);
        SpoolEntry.ReadyRecord readyBack = (SpoolEntry.ReadyRecord) SpoolEntry.decode(ready.encode(0));
        assertThat(readyBack.key()).isNull();
        assertThat(readyBack.value()).containsExactly(1, 2);
        assertThatThrownBy(() -> SpoolEntry.decode(new byte[] {9})).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void eventsOfChangingServerIdsAndInstancesKeepTheirOwnInTheirFrames() {
        // The frame keeps the last server id's and instance's bytes for the next event: a change must not reuse them.
        String[][] origins = {{"web-1", "10-20"}, {"web-1", "10-20"}, {"db-ü", "10-20"}, {"web-1", "11-30"}, {"", ""}};
        for (String[] origin : origins) {
            SpoolEntry.RawEvent raw = new SpoolEntry.RawEvent(7L, origin[0], origin[1], new byte[] {'h'},
                    new byte[] {'p'});
            byte[] frame = Spool.frame(raw);
            SpoolEntry.RawEvent back = (SpoolEntry.RawEvent) SpoolEntry.decode(Arrays.copyOfRange(frame,
                    Spool.FRAME_HEADER_BYTES, frame.length));
            assertThat(back.serverId()).isEqualTo(origin[0]);
            assertThat(back.instance()).isEqualTo(origin[1]);
            assertThat(ByteBuffer.wrap(frame).getInt()).as("the frame's length field")
                    .isEqualTo(frame.length - Spool.FRAME_HEADER_BYTES);
            assertThat(ByteBuffer.wrap(frame).getInt(4)).as("the frame's checksum")
                    .isEqualTo(Spool.crc32c(frame, Spool.FRAME_HEADER_BYTES, frame.length - Spool.FRAME_HEADER_BYTES));
        }
    }

    @Test
    void eventsAppendedOneAfterAnotherThroughTheThreadsFrameEachReadBackAsTheyWere() throws IOException {
        // The protocol loop's events share one array per thread: a large event, then a small one, must not leave
        // bytes of the one before; one above the array's bound gets an array of its own.
        Spool spool = open(4 * 1024 * 1024, SpoolFullPolicy.DROP_OLDEST);
        int[] sizes = {10, 3000, 5, Spool.EventFrame.MAX_KEPT_BYTES + 10, 7, 40_000, 1};
        for (int i = 0; i < sizes.length; i++) {
            spool.append(new SpoolEntry.RawEvent(i, "web-" + i, "1-2", ("ver:3.0 serial:" + i).getBytes(
                    StandardCharsets.UTF_8), "p".repeat(sizes[i]).getBytes(StandardCharsets.UTF_8)));
        }
        List<SpoolReader.Entry> entries = readAll(spool, spool.checkpoint());
        assertThat(entries).hasSize(sizes.length);
        for (int i = 0; i < sizes.length; i++) {
            SpoolEntry.RawEvent back = (SpoolEntry.RawEvent) entries.get(i).decode();
            assertThat(back.observedAt()).isEqualTo(i);
            assertThat(back.serverId()).isEqualTo("web-" + i);
            assertThat(new String(back.header(), StandardCharsets.UTF_8)).isEqualTo("ver:3.0 serial:" + i);
            assertThat(new String(back.payload(), StandardCharsets.UTF_8)).isEqualTo("p".repeat(sizes[i]));
        }
    }

    @Test
    void anEventAppendedFromLongerArraysIsItsFirstBytesAsTheEntryWouldBe() throws Exception {
        // The protocol loop appends from its reused arrays, longer than the event they hold now.
        Spool spool = open(8 * 1024 * 1024, SpoolFullPolicy.DROP_OLDEST);
        byte[] header = "ver:3.0 len:2 and what a longer header left".getBytes(StandardCharsets.UTF_8);
        byte[] payload = "ok and what a longer payload left".getBytes(StandardCharsets.UTF_8);
        long bulk = spool.appendEvent(7, "web-1", "1-2", header, 13, payload, 2, true);
        long prompt = spool.appendEvent(8, "web-1", "1-2", header, 13, payload, 2, false);

        List<SpoolReader.Entry> entries = readAll(spool, spool.checkpoint());
        SpoolEntry.RawEvent back = (SpoolEntry.RawEvent) entries.get(0).decode();
        assertThat(new String(back.header(), StandardCharsets.UTF_8)).isEqualTo("ver:3.0 len:2");
        assertThat(new String(back.payload(), StandardCharsets.UTF_8)).isEqualTo("ok");
        assertThat(List.of(back.observedAt(), (Object) back.serverId(), back.instance())).containsExactly(7L, "web-1",
                "1-2");
        SpoolEntry.RawEvent same = new SpoolEntry.RawEvent(7, "web-1", "1-2", back.header(), back.payload());
        byte[] framed = new byte[Spool.eventFrame(7, "web-1", "1-2", header, 13, payload, 2).remaining()];
        Spool.eventFrame(7, "web-1", "1-2", header, 13, payload, 2).get(framed);
        assertThat(framed).isEqualTo(Spool.frame(same));
        assertThat(spool.lastPromptSeq()).isEqualTo(prompt).isGreaterThan(bulk);
    }

    @Test
    void eventsOfTwoThreadsWithTheirOwnServerIdsKeepThem() throws Exception {
        // The protocol loop and the warm-up append events at the same time, with other server ids and instances:
        // the bytes kept from the event before change under each of them.
        Spool spool = open(8 * 1024 * 1024, SpoolFullPolicy.DROP_OLDEST);
        int each = 3000;
        java.util.concurrent.ExecutorService threads = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            List<java.util.concurrent.Future<?>> done = new ArrayList<>();
            for (String server : List.of("a", "warm-up-server-with-a-longer-id")) {
                done.add(threads.submit(() -> {
                    for (int i = 0; i < each; i++) {
                        spool.append(new SpoolEntry.RawEvent(i, server, server + "-instance", new byte[] {'h'},
                                (server + ":" + i).getBytes(StandardCharsets.UTF_8)));
                    }
                    return null;
                }));
            }
            for (java.util.concurrent.Future<?> future : done) {
                future.get(30, java.util.concurrent.TimeUnit.SECONDS);
            }
        } finally {
            threads.shutdownNow();
        }
        List<SpoolReader.Entry> entries = readAll(spool, spool.checkpoint());
        assertThat(entries).hasSize(2 * each).allSatisfy(entry -> {
            SpoolEntry.RawEvent back = (SpoolEntry.RawEvent) entry.decode();
            assertThat(new String(back.payload(), StandardCharsets.UTF_8)).startsWith(back.serverId() + ":");
            assertThat(back.instance()).isEqualTo(back.serverId() + "-instance");
        });
    }

    @Test
    void bulkRecordsAreReadInOrderWithTheRestAndOnlyTheRestMoveTheLastPromptRecord() throws Exception {
        Spool spool = open(64 * 1024, SpoolFullPolicy.DROP_OLDEST);
        assertThat(spool.lastPromptSeq()).isEqualTo(-1);
        spool.appendBulk(record(0));
        spool.appendBulk(record(1));
        assertThat(spool.lastPromptSeq()).as("bulk only").isEqualTo(-1);
        spool.append(record(2));
        spool.appendBulk(record(3));
        assertThat(spool.lastPromptSeq()).isEqualTo(2);
        spool.offer(record(4));
        assertThat(spool.lastPromptSeq()).isEqualTo(4);
        assertThat(readAll(spool, spool.checkpoint())).extracting(SpoolTest::valueIndex).containsExactly(0, 1, 2, 3, 4);

        // A prompt record after seq 5 ends the wait; a bulk one does not need to be waited for.
        Future<Boolean> waiting = executor.submit(() -> {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (spool.lastPromptSeq() < 6 && System.nanoTime() < deadline) {
                spool.awaitPromptRecord(5, Duration.ofSeconds(30));
            }
            return spool.lastPromptSeq() >= 6;
        });
        spool.appendBulk(record(5));
        spool.append(record(6));
        assertThat(waiting.get(10, TimeUnit.SECONDS)).isTrue();

        assertThat(spool.halfFull()).isFalse();
        int i = 7;
        while (!spool.halfFull()) {
            spool.appendBulk(record(i++));
        }
        assertThat(spool.stats().bytes()).isGreaterThan(32 * 1024);
        assertThat(spool.awaitPromptRecord(i, Duration.ofSeconds(30))).as("no wait when half full").isTrue();
        spool.close();
        assertThat(spool.awaitPromptRecord(i, Duration.ofSeconds(30))).as("closed").isFalse();
    }

    @Test
    void readsEverythingInOrderAcrossSegmentsAndFollowsNewAppends() throws IOException {
        Spool spool = open();
        appendRange(spool, 0, 200);
        assertThat(spool.segmentFiles()).hasSizeGreaterThan(3);

        try (SpoolReader reader = spool.reader(spool.checkpoint())) {
            for (int i = 0; i < 200; i++) {
                SpoolReader.Entry entry = reader.next();
                assertThat(entry.seq()).isEqualTo(i);
                assertThat(valueIndex(entry)).isEqualTo(i);
            }
            assertThat(reader.next()).isNull();
            spool.append(record(200));
            assertThat(valueIndex(reader.next())).isEqualTo(200);
            assertThat(reader.next()).isNull();
        }
    }

    /**
     * The shipper reads the segment table without the spool's lock while the loop appends, rolls segments and commits
     * delete them: every record still arrives once, in order, and shipped segments' files go.
     */
    @Test
    void aReaderWithoutTheLockFollowsAppendsRollsAndDeletionsOnOtherThreads() throws Exception {
        Spool spool = open();
        int records = 3_000;
        CompletableFuture<Void> appended = CompletableFuture.runAsync(() -> {
            try {
                appendRange(spool, 0, records);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }, executor);
        try (SpoolReader reader = spool.reader(spool.checkpoint())) {
            int next = 0;
            while (next < records) {
                SpoolReader.Entry entry = reader.next();
                if (entry == null) {
                    spool.awaitRecord(reader.position().seq(), Duration.ofMillis(100));
                    continue;
                }
                assertThat(entry.seq()).isEqualTo(next);
                assertThat(valueIndex(entry)).isEqualTo(next);
                next++;
                if (next % 50 == 0) {
                    spool.commit(entry.next());
                }
            }
            assertThat(reader.next()).isNull();
        }
        appended.get(30, TimeUnit.SECONDS);
        assertThat(spool.checkpoint().seq()).isEqualTo(records);
        try (var files = Files.list(dir.resolve("spool"))) {
            assertThat(files.map(path -> path.getFileName().toString()).filter(name -> name.endsWith(".seg")))
                    .hasSize(1);
        }
    }

    @Test
    void replaysAfterTheCheckpointWhenReopenedAndDeletesShippedSegments() throws IOException {
        Spool spool = open();
        appendRange(spool, 0, 150);
        List<SpoolReader.Entry> all = readAll(spool, spool.checkpoint());
        int segmentsBefore = spool.segmentFiles().size();
        long bytesBefore = spool.stats().bytes();

        spool.commit(all.get(99).next());

        assertThat(spool.checkpoint().seq()).isEqualTo(100);
        assertThat(spool.segmentFiles()).hasSizeLessThan(segmentsBefore);
        assertThat(spool.stats().bytes()).isLessThan(bytesBefore);
        spool.close();

        Spool reopened = open();
        assertThat(reopened.checkpoint().seq()).isEqualTo(100);
        assertThat(readAll(reopened, reopened.checkpoint())).extracting(SpoolTest::valueIndex)
                .containsExactlyElementsOf(range(100, 150));
        assertThat(reopened.append(record(150))).isEqualTo(150);
        assertThat(reopened.stats().unshipped()).isEqualTo(51);
    }

    @Test
    void fullyShippedSpoolKeepsItsSequenceAcrossRestarts() throws IOException {
        Spool spool = open();
        appendRange(spool, 0, 80);
        List<SpoolReader.Entry> all = readAll(spool, spool.checkpoint());
        spool.commit(all.get(79).next());
        spool.close();

        Spool reopened = open();
        assertThat(readAll(reopened, reopened.checkpoint())).isEmpty();
        assertThat(reopened.append(record(80))).isEqualTo(80);
        assertThat(readAll(reopened, reopened.checkpoint())).extracting(SpoolReader.Entry::seq).containsExactly(80L);
    }

    @Test
    void truncatesATornTailRecordOnOpen() throws IOException {
        Spool spool = open();
        appendRange(spool, 0, 10);
        Path last = spool.segmentFiles().get(spool.segmentFiles().size() - 1);
        spool.close();
        long goodSize = Files.size(last);
        // A crash in the middle of the 11th write: a frame header announcing 100 bytes, and only 10 of them.
        try (RandomAccessFile file = new RandomAccessFile(last.toFile(), "rw")) {
            file.seek(goodSize);
            file.writeInt(100);
            file.writeInt(12345);
            file.write(new byte[10]);
        }

        Spool reopened = open();

        assertThat(Files.size(last)).isEqualTo(goodSize);
        assertThat(readAll(reopened, reopened.checkpoint())).extracting(SpoolTest::valueIndex)
                .containsExactlyElementsOf(range(0, 10));
        assertThat(reopened.append(record(10))).isEqualTo(10);
        assertThat(readAll(reopened, reopened.checkpoint())).hasSize(11);
    }

    @Test
    void truncatesATornFrameHeaderOnOpen() throws IOException {
        Spool spool = open();
        appendRange(spool, 0, 3);
        Path last = spool.segmentFiles().get(0);
        spool.close();
        long goodSize = Files.size(last);
        try (RandomAccessFile file = new RandomAccessFile(last.toFile(), "rw")) {
            file.seek(goodSize);
            file.write(new byte[] {0, 0, 1});
        }
        Spool reopened = open();
        assertThat(Files.size(last)).isEqualTo(goodSize);
        assertThat(reopened.stats().nextSeq()).isEqualTo(3);
    }

    @Test
    void truncatesATailRecordWhoseCrcDoesNotMatch() throws IOException {
        Spool spool = open();
        appendRange(spool, 0, 10);
        Path last = spool.segmentFiles().get(spool.segmentFiles().size() - 1);
        spool.close();
        try (RandomAccessFile file = new RandomAccessFile(last.toFile(), "rw")) {
            file.seek(file.length() - 1);
            int b = file.read();
            file.seek(file.length() - 1);
            file.write(b ^ 0x40);
        }

        Spool reopened = open();

        assertThat(readAll(reopened, reopened.checkpoint())).extracting(SpoolTest::valueIndex)
                .containsExactlyElementsOf(range(0, 9));
        assertThat(reopened.stats().nextSeq()).isEqualTo(9);
    }

    @Test
    void skipsTheRestOfASealedSegmentWithACorruptRecord() throws IOException {
        Spool spool = open();
        appendRange(spool, 0, 120);
        List<Path> segments = spool.segmentFiles();
        assertThat(segments).hasSizeGreaterThan(2);
        long secondSegmentBase = Long.parseLong(segments.get(1).getFileName().toString().replace(".seg", ""));
        spool.close();
        try (RandomAccessFile file = new RandomAccessFile(segments.get(0).toFile(), "rw")) {
            // Inside the body of the third record of the first (sealed) segment.
            long thirdRecordBody = Spool.SEGMENT_HEADER_BYTES + 2L * (Spool.FRAME_HEADER_BYTES + recordLength())
                    + Spool.FRAME_HEADER_BYTES + 20;
            file.seek(thirdRecordBody);
            int b = file.read();
            file.seek(thirdRecordBody);
            file.write(b ^ 0x01);
        }

        Spool reopened = open();
        List<SpoolReader.Entry> entries = readAll(reopened, reopened.checkpoint());

        List<Integer> expected = new ArrayList<>(range(0, 2));
        expected.addAll(range((int) secondSegmentBase, 120));
        assertThat(entries).extracting(SpoolTest::valueIndex).containsExactlyElementsOf(expected);
        assertThat(entries).allSatisfy(e -> assertThat(valueIndex(e)).isEqualTo((int) e.seq()));
    }

    private static int recordLength() {
        return record(0).encode(0).length;
    }

    @Test
    void dropsTheOldestSegmentWhenFullAndKeepsAcknowledging() throws IOException {
        long max = 4 * SEGMENT;
        Spool spool = open(max, SpoolFullPolicy.DROP_OLDEST);

        appendRange(spool, 0, 400);

        Spool.Stats stats = spool.stats();
        assertThat(stats.bytes()).isLessThanOrEqualTo(max);
        assertThat(stats.droppedSegments()).isPositive();
        assertThat(stats.droppedRecords()).isPositive();
        List<SpoolReader.Entry> left = readAll(spool, spool.checkpoint());
        assertThat(left.get(left.size() - 1).seq()).isEqualTo(399);
        assertThat(left.get(0).seq()).isEqualTo(spool.checkpoint().seq());
        assertThat(stats.droppedRecords() + left.size()).isEqualTo(400);
        assertThat(left).allSatisfy(e -> assertThat(valueIndex(e)).isEqualTo((int) e.seq()));
    }

    @Test
    void aReaderBehindDroppedRecordsSkipsToTheOldestKept() throws IOException {
        Spool spool = open(4 * SEGMENT, SpoolFullPolicy.DROP_OLDEST);
        appendRange(spool, 0, 10);
        try (SpoolReader reader = spool.reader(spool.checkpoint())) {
            assertThat(reader.next().seq()).isZero();
            appendRange(spool, 10, 400);
            SpoolReader.Entry next = reader.next();
            assertThat(next.seq()).isGreaterThan(10).isEqualTo(spool.checkpoint().seq());
        }
    }

    @Test
    void blockPolicyStopsAppendsUntilTheShipperFreesSpace() throws Exception {
        Spool spool = open(4 * SEGMENT, SpoolFullPolicy.BLOCK);
        int appended = 0;
        while (true) {
            try {
                spool.offer(record(appended));
                appended++;
            } catch (Spool.FullException e) {
                break;
            }
        }
        assertThat(appended).isGreaterThan(50);
        assertThatThrownBy(() -> spool.offer(record(-1))).isInstanceOf(Spool.FullException.class);
        assertThat(spool.stats().refusedRecords()).as("the refused offers, counted").isEqualTo(2);
        int blockedIndex = appended;
        CompletableFuture<Long> blocked = CompletableFuture.supplyAsync(() -> {
            try {
                return spool.append(record(blockedIndex));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }, executor);

        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> !blocked.isDone());
        assertThat(spool.stats().droppedRecords()).isZero();

        List<SpoolReader.Entry> all = readAll(spool, spool.checkpoint());
        spool.commit(all.get(all.size() - 1).next());

        assertThat(blocked.get(5, TimeUnit.SECONDS)).isEqualTo(blockedIndex);
        assertThat(readAll(spool, spool.checkpoint())).extracting(SpoolTest::valueIndex).containsExactly(blockedIndex);
    }

    @Test
    void closingWakesABlockedAppender() throws Exception {
        Spool spool = open(4 * SEGMENT, SpoolFullPolicy.BLOCK);
        int i = 0;
        while (true) {
            try {
                spool.offer(record(i++));
            } catch (Spool.FullException e) {
                break;
            }
        }
        int next = i;
        CompletableFuture<Long> blocked = CompletableFuture.supplyAsync(() -> {
            try {
                return spool.append(record(next));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }, executor);
        await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(2)).until(() -> !blocked.isDone());
        spool.close();
        await().atMost(Duration.ofSeconds(5)).until(blocked::isDone);
        assertThat(blocked).isCompletedExceptionally();
    }

    @Test
    void filesAreOwnerOnly() throws IOException {
        Spool spool = open();
        appendRange(spool, 0, 60);
        spool.commit(readAll(spool, spool.checkpoint()).get(5).next());
        spool.sync();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("spool"))))
                .isEqualTo("rwx------");
        try (var files = Files.list(dir.resolve("spool"))) {
            assertThat(files.toList()).isNotEmpty().allSatisfy(file -> assertThat(
                    PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------"));
        }
    }

    @Test
    void aSecondSpoolOnTheSameDirectoryIsRefused() throws IOException {
        open();
        assertThatThrownBy(this::open).isInstanceOf(IOException.class).hasMessageContaining("in use");
    }

    @Test
    void aDamagedCheckpointReplaysEverything() throws IOException {
        Spool spool = open();
        appendRange(spool, 0, 10);
        spool.commit(readAll(spool, spool.checkpoint()).get(4).next());
        spool.close();
        Files.write(dir.resolve("spool").resolve("checkpoint"), new byte[] {1, 2, 3});

        Spool reopened = open();

        assertThat(readAll(reopened, reopened.checkpoint())).extracting(SpoolTest::valueIndex)
                .containsExactlyElementsOf(range(0, 10));
    }

    @Test
    void refusesARecordThatCanNeverFit() throws IOException {
        Spool spool = open(4 * SEGMENT, SpoolFullPolicy.DROP_OLDEST);
        SpoolEntry huge = new SpoolEntry.ReadyRecord("t", null, new byte[(int) (3 * SEGMENT)], 1L);
        assertThatThrownBy(() -> spool.append(huge)).isInstanceOf(Spool.TooLargeException.class);
        assertThat(spool.append(record(0))).isZero();
    }

    private static List<Integer> range(int from, int to) {
        List<Integer> list = new ArrayList<>();
        for (int i = from; i < to; i++) {
            list.add(i);
        }
        return list;
    }
}
