package io.supervisorkafka.listener.spool;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A spool is its owner's: what another listener (server id, Kafka cluster) left is set aside, never shipped. */
class SpoolOwnerTest {
    private static final SpoolOwner WEB_1 = SpoolOwner.of("web-1", false, "kafka-1:9092,kafka-2:9092");

    @TempDir
    Path root;

    private Path spoolDir() {
        return root.resolve("spool");
    }

    private static SpoolConfig config(Path dir) {
        return new SpoolConfig(dir, 1024 * 1024, 4096, SpoolFullPolicy.DROP_OLDEST, Duration.ofMillis(50));
    }

    /** Appends {@code count} records and ships the first {@code shipped} of them. */
    private void leave(SpoolOwner owner, int count, int shipped) throws IOException {
        try (Spool spool = Spool.open(config(spoolDir()), owner)) {
            for (int i = 0; i < count; i++) {
                spool.append(new SpoolEntry.ReadyRecord("topic", null,
                        ("record " + i).getBytes(StandardCharsets.UTF_8), i));
            }
            if (shipped > 0) {
                try (SpoolReader reader = spool.reader(spool.checkpoint())) {
                    SpoolPosition after = null;
                    for (int i = 0; i < shipped; i++) {
                        after = reader.next().next();
                    }
                    spool.commit(after);
                }
            }
        }
    }

    private static List<String> values(Spool spool) throws IOException {
        List<String> values = new ArrayList<>();
        try (SpoolReader reader = spool.reader(spool.checkpoint())) {
            for (SpoolReader.Entry e = reader.next(); e != null; e = reader.next()) {
                values.add(new String(((SpoolEntry.ReadyRecord) e.decode()).value(), StandardCharsets.UTF_8));
            }
        }
        return values;
    }

    private List<Path> setAsideDirs() throws IOException {
        try (Stream<Path> files = Files.list(root)) {
            return files.filter(p -> p.getFileName().toString().startsWith("spool.set-aside-")).toList();
        }
    }

    @Test
    void theSameOwnerShipsWhatItLeft() throws IOException {
        leave(WEB_1, 5, 2);
        try (Spool spool = Spool.open(config(spoolDir()), SpoolOwner.of("web-1", false, "kafka-2:9092,kafka-1:9092"))) {
            assertThat(values(spool)).containsExactly("record 2", "record 3", "record 4");
            assertThat(spool.setAsideRecords()).isZero();
        }
        assertThat(setAsideDirs()).isEmpty();
    }

    @Test
    void anotherServerIdsRecordsAreSetAsideAsASpoolOfTheirOwn() throws IOException {
        leave(WEB_1, 5, 2);
        SpoolOwner web2 = SpoolOwner.of("web-2", false, "kafka-1:9092");
        try (Spool spool = Spool.open(config(spoolDir()), web2)) {
            assertThat(values(spool)).isEmpty();
            assertThat(spool.setAsideRecords()).isEqualTo(3);
            spool.append(new SpoolEntry.ReadyRecord("topic", null, "web-2's".getBytes(StandardCharsets.UTF_8), 9));
            assertThat(values(spool)).containsExactly("web-2's");
        }
        assertThat(SpoolOwner.read(spoolDir())).isEqualTo(web2);
        // The directory set aside is a spool of web-1 that ships just what web-1 had not shipped.
        Path aside = setAsideDirs().get(0);
        assertThat(SpoolOwner.read(aside)).isEqualTo(WEB_1);
        try (Spool old = Spool.open(config(aside), WEB_1)) {
            assertThat(values(old)).containsExactly("record 2", "record 3", "record 4");
        }
    }

    @Test
    void anotherKafkaClusterIsOneWithNoBootstrapServerInCommon() throws IOException {
        leave(WEB_1, 4, 0);
        // A broker more or less in the list: the same cluster.
        try (Spool spool = Spool.open(config(spoolDir()), SpoolOwner.of("web-1", false, "kafka-2:9092,kafka-3:9092"))) {
            assertThat(values(spool)).hasSize(4);
        }
        try (Spool spool = Spool.open(config(spoolDir()), SpoolOwner.of("web-1", false, "other:9092"))) {
            assertThat(values(spool)).isEmpty();
            assertThat(spool.setAsideRecords()).isEqualTo(4);
        }
        assertThat(setAsideDirs()).hasSize(1);
    }

    @Test
    void whatWasAllShippedNeedsNoSettingAside() throws IOException {
        leave(WEB_1, 3, 3);
        try (Spool spool = Spool.open(config(spoolDir()), SpoolOwner.of("web-2", false, "kafka-1:9092"))) {
            assertThat(spool.setAsideRecords()).isZero();
            assertThat(values(spool)).isEmpty();
        }
        assertThat(setAsideDirs()).isEmpty();
    }

    @Test
    void aSpoolOfAnEarlierListenerWithoutOwnerIsAdopted() throws IOException {
        leave(null, 2, 0);
        assertThat(Files.exists(spoolDir().resolve(SpoolOwner.FILE_NAME))).isFalse();
        try (Spool spool = Spool.open(config(spoolDir()), WEB_1)) {
            assertThat(values(spool)).containsExactly("record 0", "record 1");
        }
        assertThat(SpoolOwner.read(spoolDir())).isEqualTo(WEB_1);
    }

    @Test
    void ownersReadBackAsWritten() throws IOException {
        Files.createDirectories(spoolDir());
        SpoolOwner odd = SpoolOwner.of("host:with=odd#chars\\", true, " B:1 ,a:2,,b:1");
        odd.write(spoolDir());
        assertThat(SpoolOwner.read(spoolDir())).isEqualTo(odd);
        assertThat(odd.bootstrapServers()).containsExactly("a:2", "b:1");
        assertThat(odd.flags()).isEqualTo("--server-id host:with=odd#chars\\ --server-id-from-identification"
                + " --bootstrap-servers a:2,b:1");
        assertThat(SpoolOwner.of("web-1", true, "k:9092").conflictWith(SpoolOwner.of("web-1", false, "k:9092")))
                .contains("server id");
    }
}
