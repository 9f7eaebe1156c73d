package io.supervisorkafka.streams.supervisor;

import static io.supervisorkafka.streams.Fixtures.SERVER;
import static io.supervisorkafka.streams.Fixtures.T0;
import static io.supervisorkafka.streams.Fixtures.observed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;
import static org.assertj.core.api.Assertions.tuple;

import io.supervisorkafka.schemas.ProcessCounts;
import io.supervisorkafka.schemas.ProcessState;
import io.supervisorkafka.schemas.ProcessStatus;
import io.supervisorkafka.testkit.SchemaValidator;
import io.supervisorkafka.schemas.Topics;
import io.supervisorkafka.streams.ProcessorHarness;
import io.supervisorkafka.streams.supervisor.SupervisorInput.ProcessStateObserved;
import java.io.File;
import java.util.List;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessCountsDeriverTest {

    @TempDir
    File stateDir;

    private ProcessorHarness<String, ProcessStatusChange, String, ProcessCounts> harness;
    private KeyValueStore<String, ProcessStatus> statuses;
    private KeyValueStore<String, ProcessCounts> tallies;

    @BeforeEach
    void start() {
        harness = new ProcessorHarness<>(new ProcessCountsDeriver(), stateDir, T0 + 10);
        statuses = harness.withStore(ProcessStatusDeriver.storeBuilder());
        tallies = harness.withStore(ProcessCountsDeriver.storeBuilder());
        harness.start();
    }

    @AfterEach
    void close() {
        harness.close();
    }

    /** Stores the status as the deriver would, then sends the change, the only one of its input. */
    private List<Record<String, ProcessCounts>> change(ProcessStateObserved event) {
        return change(event, true);
    }

    private List<Record<String, ProcessCounts>> change(ProcessStateObserved event, boolean lastOfInput) {
        String key = ProcessStatus.key(event.server(), event.group(), event.name());
        ProcessStatus before = statuses.get(key);
        ProcessStatus after = ProcessStatusMerge.applyEvent(before, event, event.observedAt());
        statuses.put(key, after);
        return send(key, new ProcessStatusChange(event.server(), before, after, null, null, null, lastOfInput));
    }

    private List<Record<String, ProcessCounts>> remove(String server, String name) {
        String key = ProcessStatus.key(server, name, name);
        ProcessStatus before = statuses.get(key);
        statuses.delete(key);
        return send(key, new ProcessStatusChange(server, before, null, null));
    }

    private List<Record<String, ProcessCounts>> send(String key, ProcessStatusChange change) {
        List<Record<String, ProcessCounts>> counts = harness.process(key, change, T0);
        counts.stream().filter(record -> record.value() != null)
                .forEach(record -> SchemaValidator.assertValid(Topics.PROCESS_COUNTS, record.value()));
        return counts;
    }

    @Test
    void countsEveryStateAndEveryCheckStatusZerosIncluded() {
        change(observed("probe", ProcessState.RUNNING, 1L, T0));
        change(observed("crasher", ProcessState.FATAL, null, T0));
        List<Record<String, ProcessCounts>> counts = change(observed("sleeper", ProcessState.STARTING, null, T0));

        assertThat(counts).singleElement().satisfies(record -> {
            assertThat(record.key()).isEqualTo(SERVER);
            ProcessCounts value = record.value();
            assertThat(value.server()).isEqualTo(SERVER);
            assertThat(value.up()).isEqualTo(1);
            assertThat(value.down()).isEqualTo(1);
            assertThat(value.unknown()).isEqualTo(1);
            assertThat(value.total()).isEqualTo(3);
            assertThat(value.updatedAt()).isEqualTo(T0 + 10);
            assertThat(value.byState()).containsOnly(entry("STOPPED", 0), entry("STARTING", 1),
                    entry("RUNNING", 1), entry("BACKOFF", 0), entry("STOPPING", 0), entry("EXITED", 0),
                    entry("FATAL", 1), entry("UNKNOWN", 0));
        });
    }

    @Test
    void theChangesOfOneInputAreForwardedOnceAsTheCountsItEndsWith() {
        change(observed("probe", ProcessState.RUNNING, 1L, T0));

        assertThat(change(observed("sleeper", ProcessState.RUNNING, 2L, T0), false)).isEmpty();
        assertThat(change(observed("crasher", ProcessState.FATAL, null, T0), false)).isEmpty();
        assertThat(change(new ProcessStateObserved("web-10", "probe", "probe", ProcessState.STARTING, null, null, T0),
                false)).isEmpty();
        assertThat(change(observed("probe", ProcessState.EXITED, null, T0), true))
                .extracting(Record::key, record -> record.value().up(), record -> record.value().down(),
                        record -> record.value().unknown())
                .containsExactlyInAnyOrder(tuple(SERVER, 1, 2, 0), tuple("web-10", 0, 0, 1));
    }

    @Test
    void aServerWhoseCountsAnInputMovedAndMovedBackGetsNothing() {
        change(observed("probe", ProcessState.RUNNING, 1L, T0));

        assertThat(change(observed("probe", ProcessState.EXITED, null, T0 + 1), false)).isEmpty();
        assertThat(change(observed("probe", ProcessState.RUNNING, 2L, T0 + 2), true)).isEmpty();
    }

    @Test
    void theTallyEqualsARecountAfterAnyChanges() {
        ProcessState[] states = ProcessState.values();
        java.util.Random random = new java.util.Random(42);
        for (int i = 0; i < 500; i++) {
            String name = "p" + random.nextInt(20);
            if (random.nextInt(10) == 0 && statuses.get(ProcessStatus.key(SERVER, name, name)) != null) {
                remove(SERVER, name);
            } else {
                change(observed(name, states[random.nextInt(states.length)], null, T0 + i), random.nextBoolean());
            }
        }
        change(observed("probe", ProcessState.RUNNING, 1L, T0 + 1_000));

        List<ProcessStatus> all = new java.util.ArrayList<>();
        try (var entries = statuses.all()) {
            entries.forEachRemaining(entry -> all.add(entry.value));
        }
        ProcessCounts recount = ProcessCountsDeriver.countsOf(SERVER, all.iterator(), T0, ProcessState::check);
        assertThat(tallies.get(SERVER).sameCountsAs(recount)).as("tally %s, recount %s", tallies.get(SERVER),
                recount).isTrue();
    }

    @Test
    void unchangedCountsAreNotForwardedAgain() {
        change(observed("probe", ProcessState.STARTING, null, T0));
        change(observed("probe", ProcessState.RUNNING, 1L, T0 + 1));

        assertThat(change(observed("probe", ProcessState.RUNNING, 2L, T0 + 2))).as("another pid, same counts")
                .isEmpty();
    }

    @Test
    void aServerWithoutProcessesLeftGetsATombstone() {
        change(observed("probe", ProcessState.RUNNING, 1L, T0));
        change(observed("sleeper", ProcessState.RUNNING, 2L, T0));

        assertThat(remove(SERVER, "probe")).singleElement()
                .satisfies(record -> assertThat(record.value().total()).isEqualTo(1));
        assertThat(remove(SERVER, "sleeper")).singleElement().satisfies(record -> {
            assertThat(record.key()).isEqualTo(SERVER);
            assertThat(record.value()).isNull();
        });
    }

    @Test
    void serversWhoseNamesShareAPrefixAreCountedApart() {
        change(observed("probe", ProcessState.RUNNING, 1L, T0));
        List<Record<String, ProcessCounts>> counts = change(new ProcessStateObserved("web-10", "probe", "probe",
                ProcessState.FATAL, null, null, T0));

        assertThat(counts).singleElement().satisfies(record -> {
            assertThat(record.key()).isEqualTo("web-10");
            assertThat(record.value().total()).isEqualTo(1);
            assertThat(record.value().down()).isEqualTo(1);
        });
    }
}
