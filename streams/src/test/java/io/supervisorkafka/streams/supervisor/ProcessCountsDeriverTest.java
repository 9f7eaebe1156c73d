package io.supervisorkafka.streams.supervisor;

import static io.supervisorkafka.streams.Fixtures.SERVER;
import static io.supervisorkafka.streams.Fixtures.T0;
import static io.supervisorkafka.streams.Fixtures.observed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

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

    @BeforeEach
    void start() {
        harness = new ProcessorHarness<>(new ProcessCountsDeriver(), stateDir, T0 + 10);
        statuses = harness.withStore(ProcessStatusDeriver.storeBuilder());
        harness.withStore(ProcessCountsDeriver.storeBuilder());
        harness.start();
    }

    @AfterEach
    void close() {
        harness.close();
    }

    /** Stores the status as the deriver would, then sends the change. */
    private List<Record<String, ProcessCounts>> change(ProcessStateObserved event) {
        String key = ProcessStatus.key(event.server(), event.group(), event.name());
        ProcessStatus before = statuses.get(key);
        ProcessStatus after = ProcessStatusMerge.applyEvent(before, event, event.observedAt());
        statuses.put(key, after);
        return send(key, new ProcessStatusChange(event.server(), before, after, null));
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
