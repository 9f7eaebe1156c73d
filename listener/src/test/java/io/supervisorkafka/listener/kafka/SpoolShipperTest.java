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
            Duration.ofMillis(10), Duration.ofMillis(50));

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
        shipper = new SpoolShipper(spool, () -> {
            MockProducer<byte[], byte[]> producer = new MockProducer<>(autoComplete, null, new ByteArraySerializer(),
                    new ByteArraySerializer());
            producers.add(producer);
            return producer;
        }, mapper, FAST);
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
