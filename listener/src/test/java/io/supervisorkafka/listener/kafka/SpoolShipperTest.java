package io.supervisorkafka.listener.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.supervisorkafka.listener.spool.Spool;
import io.supervisorkafka.listener.spool.SpoolConfig;
import io.supervisorkafka.listener.spool.SpoolEntry;
import io.supervisorkafka.listener.spool.SpoolFullPolicy;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shipper's ordering, checkpointing and retry rules, against MockProducer so each acknowledgement is scripted. */
class SpoolShipperTest {
    private static final SpoolShipper.Settings FAST = new SpoolShipper.Settings(Duration.ofMillis(10), 100,
            Duration.ofMillis(10), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofSeconds(5));

    @TempDir
    Path dir;

    private Spool spool;
    private SpoolShipper shipper;
    private final List<MockProducer<byte[], byte[]>> producers = new CopyOnWriteArrayList<>();

    @BeforeEach
    void openSpool() throws IOException {
        spool = Spool.open(new SpoolConfig(dir, 1024 * 1024, 64 * 1024, SpoolFullPolicy.DROP_OLDEST,
                Duration.ofMillis(50)));
    }

    @AfterEach
    void stop() throws IOException {
        if (shipper != null) {
            shipper.close(Duration.ZERO);
        }
        spool.close();
    }

    private void start(boolean autoComplete, Function<SpoolEntry, OutgoingRecord> mapper) {
        start(autoComplete, mapper, FAST);
    }

    private void start(boolean autoComplete, Function<SpoolEntry, OutgoingRecord> mapper,
                       SpoolShipper.Settings settings) {
        shipper = new SpoolShipper(spool, () -> {
            MockProducer<byte[], byte[]> producer = new MockProducer<>(autoComplete, null, new ByteArraySerializer(),
                    new ByteArraySerializer());
            producers.add(producer);
            return producer;
        }, mapper, settings);
        shipper.start();
    }

    private static SpoolEntry record(int i) {
        return new SpoolEntry.ReadyRecord("topic-" + (i % 2), ("key-" + i).getBytes(StandardCharsets.UTF_8),
                ("value-" + i).getBytes(StandardCharsets.UTF_8), 1000L + i);
    }

    private void append(int from, int to) throws IOException {
        for (int i = from; i < to; i++) {
            spool.append(record(i));
        }
    }

    private static List<String> values(Producer<byte[], byte[]> producer) {
        return ((MockProducer<byte[], byte[]>) producer).history().stream()
                .map(r -> new String(r.value(), StandardCharsets.UTF_8)).toList();
    }

    private static List<String> values(int from, int to) {
        return java.util.stream.IntStream.range(from, to).mapToObj(i -> "value-" + i).toList();
    }

    @Test
    void shipsInSpoolOrderWithKeyTopicAndTimestampAndAdvancesTheCheckpoint() throws IOException {
        append(0, 30);
        start(true, RecordMapper::toRecord);

        await().atMost(Duration.ofSeconds(10)).until(() -> spool.checkpoint().seq() == 30);
        append(30, 40);
        await().atMost(Duration.ofSeconds(10)).until(() -> spool.checkpoint().seq() == 40);

        assertThat(producers).hasSize(1);
        assertThat(values(producers.get(0))).containsExactlyElementsOf(values(0, 40));
        ProducerRecord<byte[], byte[]> third = producers.get(0).history().get(3);
        assertThat(third.topic()).isEqualTo("topic-1");
        assertThat(new String(third.key(), StandardCharsets.UTF_8)).isEqualTo("key-3");
        assertThat(third.timestamp()).isEqualTo(1003L);
        assertThat(shipper.shipped()).isEqualTo(40);
        await().atMost(Duration.ofSeconds(5)).until(shipper::caughtUp);
    }

    @Test
    void aRecordAppendedWhileOthersAwaitTheirAcknowledgementIsSentWithoutWaitingForIt() throws IOException {
        // A commit interval of a minute: the most a shipper that waited for an acknowledgement first would wait.
        start(false, RecordMapper::toRecord, new SpoolShipper.Settings(Duration.ofMinutes(1), FAST.maxInFlight(),
                FAST.minBackoff(), FAST.maxBackoff(), FAST.bulkQuiet(), FAST.bulkHold()));
        append(0, 1);
        await().atMost(Duration.ofSeconds(5)).until(() -> producers.get(0).history().size() == 1);

        append(1, 2);
        await("an exit's record right behind its event, the event not yet acknowledged").atMost(Duration.ofSeconds(5))
                .until(() -> values(producers.get(0)).equals(values(0, 2)));
        assertThat(shipper.shipped()).isZero();
    }

    private static SpoolShipper.Settings bulk(Duration quiet, Duration hold) {
        return new SpoolShipper.Settings(FAST.commitInterval(), FAST.maxInFlight(), FAST.minBackoff(),
                FAST.maxBackoff(), quiet, hold);
    }

    private void appendBulk(int from, int to) throws IOException {
        for (int i = from; i < to; i++) {
            spool.appendBulk(record(i));
        }
    }

    @Test
    void bulkRecordsWaitForTheBurstToEndAndARecordThatIsNotBulkShipsThemAtOnceInOrder() throws IOException {
        // A burst that would last 30 s without a pause, and a hold of a minute: only the prompt record ends it.
        start(true, RecordMapper::toRecord, bulk(Duration.ofSeconds(30), Duration.ofMinutes(1)));
        // Records already there when the shipper looks are sent at once (a backlog): append once it has looked.
        await().atMost(Duration.ofSeconds(10)).until(shipper::caughtUp);
        appendBulk(0, 5);
        await("bulk records held").during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5))
                .until(() -> producers.get(0).history().isEmpty());

        append(5, 6);
        await("the prompt record and the bulk ones before it").atMost(Duration.ofSeconds(5))
                .until(() -> values(producers.get(0)).equals(values(0, 6)));
        await().atMost(Duration.ofSeconds(5)).until(() -> spool.checkpoint().seq() == 6);
    }

    @Test
    void bulkRecordsShipOnceTheBurstPausesOrAtTheLatestAfterTheHold() throws IOException {
        start(true, RecordMapper::toRecord, bulk(Duration.ofMillis(200), Duration.ofMinutes(1)));
        await().atMost(Duration.ofSeconds(10)).until(shipper::caughtUp);
        appendBulk(0, 5);
        await("after a pause of 200 ms").atMost(Duration.ofSeconds(10))
                .until(() -> !producers.isEmpty() && values(producers.get(0)).equals(values(0, 5)));
        await().atMost(Duration.ofSeconds(5)).until(() -> spool.checkpoint().seq() == 5);
        shipper.close(Duration.ZERO);

        start(true, RecordMapper::toRecord, bulk(Duration.ofMinutes(1), Duration.ofMillis(300)));
        await().atMost(Duration.ofSeconds(10)).until(shipper::caughtUp);
        appendBulk(5, 10);
        await("after the hold of 300 ms, though the burst has not paused for a minute")
                .atMost(Duration.ofSeconds(10))
                .until(() -> producers.size() == 2 && values(producers.get(1)).equals(values(5, 10)));
    }

    @Test
    void aSpoolMoreThanHalfFullIsShippedAtOnceWhateverTheBurst() throws IOException {
        spool.close();
        spool = Spool.open(new SpoolConfig(dir, 16 * 1024, 4 * 1024, SpoolFullPolicy.DROP_OLDEST,
                Duration.ofMillis(50)));
        start(true, RecordMapper::toRecord, bulk(Duration.ofMinutes(1), Duration.ofMinutes(1)));
        await().atMost(Duration.ofSeconds(10)).until(shipper::caughtUp);
        int count = 0;
        while (!spool.halfFull()) {
            spool.appendBulk(record(count++));
        }
        int appended = count;
        await("shipped though the burst never paused within the hold").atMost(Duration.ofSeconds(10))
                .until(() -> values(producers.get(0)).equals(values(0, appended)));
        assertThat(spool.stats().droppedRecords()).isZero();
    }

    @Test
    void afterAFailedSendRetriesFromTheCheckpointWithANewProducer() throws IOException {
        append(0, 10);
        start(false, RecordMapper::toRecord);
        await().atMost(Duration.ofSeconds(10)).until(() -> producers.size() == 1
                && producers.get(0).history().size() == 10);
        MockProducer<byte[], byte[]> first = producers.get(0);
        for (int i = 0; i < 4; i++) {
            assertThat(first.completeNext()).isTrue();
        }
        first.errorNext(new TimeoutException("Expiring 6 record(s): 30000 ms has passed since batch creation"));

        await().atMost(Duration.ofSeconds(10)).until(() -> producers.size() == 2
                && producers.get(1).history().size() == 6);
        assertThat(spool.checkpoint().seq()).isEqualTo(4);
        MockProducer<byte[], byte[]> second = producers.get(1);
        assertThat(values(second)).containsExactlyElementsOf(values(4, 10));
        while (second.completeNext()) {
            // acknowledge everything resent
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> spool.checkpoint().seq() == 10);
        assertThat(first.closed()).isTrue();
        assertThat(shipper.failedAttempts()).isEqualTo(1);
    }

    @Test
    void skipsARecordKafkaCanNeverTake() throws IOException {
        append(0, 3);
        start(false, RecordMapper::toRecord);
        await().atMost(Duration.ofSeconds(10)).until(() -> producers.size() == 1
                && producers.get(0).history().size() == 3);
        MockProducer<byte[], byte[]> producer = producers.get(0);
        producer.completeNext();
        producer.errorNext(new RecordTooLargeException("The message is 2000000 bytes when serialized"));
        producer.completeNext();

        await().atMost(Duration.ofSeconds(10)).until(() -> spool.checkpoint().seq() == 3);
        assertThat(shipper.skipped()).isEqualTo(1);
        assertThat(shipper.failedAttempts()).isZero();
        assertThat(producers).hasSize(1);
    }

    @Test
    void skipsARecordThatCannotBeConverted() throws IOException {
        append(0, 5);
        start(true, entry -> {
            OutgoingRecord record = RecordMapper.toRecord(entry);
            if (new String(record.value(), StandardCharsets.UTF_8).equals("value-2")) {
                throw new IllegalArgumentException("cannot convert");
            }
            return record;
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> spool.checkpoint().seq() == 5);
        assertThat(values(producers.get(0))).containsExactly("value-0", "value-1", "value-3", "value-4");
        assertThat(shipper.skipped()).isEqualTo(1);
    }

    @Test
    void closeLeavesUnacknowledgedRecordsInTheSpool() throws IOException {
        append(0, 5);
        start(false, RecordMapper::toRecord);
        await().atMost(Duration.ofSeconds(10)).until(() -> producers.size() == 1
                && producers.get(0).history().size() == 5);
        producers.get(0).completeNext();
        producers.get(0).completeNext();

        shipper.close(Duration.ofMillis(200));

        assertThat(spool.checkpoint().seq()).isEqualTo(2);
        assertThat(spool.stats().unshipped()).isEqualTo(3);
    }

    @Test
    void refusedCredentialsAndMissingAclsAreCountedAndNothingIsLost() throws IOException {
        append(0, 4);
        start(false, RecordMapper::toRecord);
        await().atMost(Duration.ofSeconds(10)).until(() -> producers.size() == 1
                && producers.get(0).history().size() == 4);
        producers.get(0).errorNext(new SaslAuthenticationException("Authentication failed during authentication due"
                + " to invalid credentials with SASL mechanism SCRAM-SHA-512"));
        await().atMost(Duration.ofSeconds(10)).until(() -> producers.size() == 2
                && producers.get(1).history().size() == 4);
        producers.get(1).errorNext(new TopicAuthorizationException(java.util.Set.of("topic-0")));
        await().atMost(Duration.ofSeconds(10)).until(() -> producers.size() == 3
                && producers.get(2).history().size() == 4);
        assertThat(shipper.authenticationFailures()).isEqualTo(1);
        assertThat(shipper.authorizationFailures()).isEqualTo(1);
        assertThat(spool.checkpoint().seq()).isZero();

        MockProducer<byte[], byte[]> third = producers.get(2);
        while (third.completeNext()) {
            // the password was fixed and the ACL granted: everything goes
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> spool.checkpoint().seq() == 4);
        assertThat(values(third)).containsExactlyElementsOf(values(0, 4));
        assertThat(shipper.failedAttempts()).isEqualTo(2);
    }
}
