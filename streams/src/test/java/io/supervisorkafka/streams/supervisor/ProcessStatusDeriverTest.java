package io.supervisorkafka.streams.supervisor;

import static io.supervisorkafka.streams.Fixtures.SERVER;
import static io.supervisorkafka.streams.Fixtures.T0;
import static io.supervisorkafka.streams.Fixtures.failedSnapshot;
import static io.supervisorkafka.streams.Fixtures.info;
import static io.supervisorkafka.streams.Fixtures.observed;
import static io.supervisorkafka.streams.Fixtures.running;
import static io.supervisorkafka.streams.Fixtures.snapshot;
import static org.assertj.core.api.Assertions.assertThat;

import io.supervisorkafka.schemas.ProcessState;
import io.supervisorkafka.schemas.ProcessStatus;
import io.supervisorkafka.testkit.SchemaValidator;
import io.supervisorkafka.schemas.SupervisorSnapshot;
import io.supervisorkafka.schemas.Topics;
import io.supervisorkafka.streams.ProcessorHarness;
import io.supervisorkafka.streams.supervisor.SupervisorInput.GroupRemoved;
import io.supervisorkafka.streams.supervisor.SupervisorInput.ProcessStateObserved;
import io.supervisorkafka.streams.supervisor.SupervisorInput.SnapshotTaken;
import io.supervisorkafka.streams.supervisor.SupervisorInput.SupervisorStateObserved;
import java.io.File;
import java.util.List;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessStatusDeriverTest {

    @TempDir
    File stateDir;

    private ProcessorHarness<String, SupervisorInput, String, ProcessStatusChange> harness;
    private KeyValueStore<String, ProcessStatus> store;

    @BeforeEach
    void start() {
        harness = new ProcessorHarness<>(new ProcessStatusDeriver(), stateDir, T0);
        store = harness.withStore(ProcessStatusDeriver.storeBuilder());
        harness.withStore(ProcessStatusDeriver.exitsStoreBuilder());
        harness.withStore(ProcessStatusDeriver.exitServersStoreBuilder());
        harness.start();
    }

    @AfterEach
    void close() {
        harness.close();
    }

    private List<Record<String, ProcessStatusChange>> send(SupervisorInput input) {
        List<Record<String, ProcessStatusChange>> changes = harness.process(input.server(), input, input.observedAt());
        changes.forEach(change -> {
            if (change.value().after() != null) {
                SchemaValidator.assertValid(Topics.PROCESS_STATUS, change.value().after());
                assertThat(change.key()).isEqualTo(change.value().after().key());
            } else {
                assertThat(change.key()).isEqualTo(change.value().before().key());
            }
        });
        return changes;
    }

    private List<Record<String, ProcessStatusChange>> send(ProcessStateObserved event) {
        return send((SupervisorInput) event);
    }

    private List<Record<String, ProcessStatusChange>> send(SupervisorSnapshot snapshot) {
        return send(new SnapshotTaken(snapshot.server(), snapshot));
    }

    @Test
    void anEventForAnUnknownProcessCreatesItAndForwardsTheChange() {
        List<Record<String, ProcessStatusChange>> changes = send(observed("probe", ProcessState.STARTING, null, T0));

        assertThat(changes).singleElement().satisfies(change -> {
            assertThat(change.key()).isEqualTo("web-1/probe:probe");
            assertThat(change.timestamp()).isEqualTo(T0);
            assertThat(change.value().before()).isNull();
            assertThat(change.value().after().state()).isEqualTo("STARTING");
            assertThat(change.value().server()).isEqualTo(SERVER);
        });
        assertThat(store.get("web-1/probe:probe").state()).isEqualTo("STARTING");
    }

    @Test
    void theChangeCarriesThePreviousStatusAndWhetherAnExitWasExpected() {
        send(observed("sleeper", ProcessState.RUNNING, 3944L, T0));
        List<Record<String, ProcessStatusChange>> changes =
                send(observed("sleeper", ProcessState.EXITED, 3944L, T0 + 1));

        assertThat(changes).singleElement().satisfies(change -> {
            assertThat(change.value().before().state()).isEqualTo("RUNNING");
            assertThat(change.value().after().state()).isEqualTo("EXITED");
            assertThat(change.value().exitExpected()).isFalse();
        });
    }

    @Test
    void aSnapshotRemovesTheProcessesItNoLongerListsWithATombstone() {
        send(observed("probe", ProcessState.RUNNING, 3564L, T0));
        send(observed("retired", ProcessState.RUNNING, 3570L, T0));

        List<Record<String, ProcessStatusChange>> changes = send(snapshot(T0 + 30_000,
                running("probe", 3564, T0 - 1_000, T0 + 30_000)));

        assertThat(changes).filteredOn(change -> change.value().removed()).singleElement().satisfies(change -> {
            assertThat(change.key()).isEqualTo("web-1/retired:retired");
            assertThat(change.value().removed()).isTrue();
            assertThat(change.value().before().state()).isEqualTo("RUNNING");
        });
        assertThat(store.get("web-1/retired:retired")).isNull();
        assertThat(store.get("web-1/probe:probe")).isNotNull();
    }

    @Test
    void aProcessCreatedByAnEventAfterTheSnapshotWasTakenIsKept() {
        send(observed("newcomer", ProcessState.STARTING, null, T0 + 5_000));

        List<Record<String, ProcessStatusChange>> changes = send(snapshot(T0 + 4_000));

        assertThat(changes).isEmpty();
        assertThat(store.get("web-1/newcomer:newcomer")).isNotNull();
    }

    @Test
    void aSnapshotOnlyRemovesProcessesOfItsOwnServer() {
        send(observed("probe", ProcessState.RUNNING, 1L, T0));
        send(new ProcessStateObserved("web-10", "probe", "probe", ProcessState.RUNNING, 2L, null, T0));

        send(snapshot(T0 + 1_000));

        assertThat(store.get("web-1/probe:probe")).isNull();
        assertThat(store.get("web-10/probe:probe")).isNotNull();
    }

    @Test
    void aFailedSnapshotChangesNoProcess() {
        send(observed("probe", ProcessState.RUNNING, 3564L, T0));

        List<Record<String, ProcessStatusChange>> changes = send(failedSnapshot(SERVER, T0 + 30_000,
                "Connection refused"));

        assertThat(changes).isEmpty();
        assertThat(store.get("web-1/probe:probe").state()).isEqualTo("RUNNING");
    }

    @Test
    void aSnapshotThatChangesNothingVisibleIsStoredButNotForwarded() {
        send(snapshot(T0, running("probe", 3564, T0 - 60_000, T0)));

        List<Record<String, ProcessStatusChange>> changes = send(snapshot(T0 + 30_000,
                running("probe", 3564, T0 - 60_000, T0 + 30_000)));

        assertThat(changes).isEmpty();
        assertThat(store.get("web-1/probe:probe").observedAt()).as("later merges compare with it")
                .isEqualTo(T0 + 30_000);
    }

    @Test
    void anOlderSnapshotProcessedAfterANewerEventLeavesTheEventsStatus() {
        send(observed("sleeper", ProcessState.EXITED, 3944L, T0 + 2_000));

        List<Record<String, ProcessStatusChange>> changes = send(snapshot(T0,
                running("sleeper", 3944, T0 - 60_000, T0)));

        assertThat(changes).isEmpty();
        assertThat(store.get("web-1/sleeper:sleeper").state()).isEqualTo("EXITED");
    }

    @Test
    void aRemovedGroupTombstonesItsProcessesAtOnce() {
        send(observed("web", "web_00", ProcessState.RUNNING, 10L, T0));
        send(observed("web", "web_01", ProcessState.RUNNING, 11L, T0));
        send(observed("webhooks", "webhooks", ProcessState.RUNNING, 12L, T0));

        List<Record<String, ProcessStatusChange>> changes = send(new GroupRemoved(SERVER, "web", T0 + 1_000));

        assertThat(changes).extracting(Record::key).containsExactly("web-1/web:web_00", "web-1/web:web_01");
        assertThat(changes).allSatisfy(change -> assertThat(change.value().after()).isNull());
        assertThat(store.get("web-1/webhooks:webhooks")).as("another group sharing the prefix").isNotNull();
    }

    @Test
    void supervisordStateChangesDoNotTouchProcesses() {
        send(observed("probe", ProcessState.RUNNING, 3564L, T0));

        assertThat(send(new SupervisorStateObserved(SERVER, false, T0 + 1))).isEmpty();
    }

    @Test
    void aSnapshotCreatesEveryProcessItLists() {
        List<Record<String, ProcessStatusChange>> changes = send(snapshot(T0,
                running("probe", 3564, T0 - 60_000, T0),
                info("crasher", "crasher", "FATAL", 0, T0 - 9_000, T0 - 5_000, T0, 1,
                        "Exited too quickly (process log may have details)", "")));

        assertThat(changes).extracting(Record::key)
                .containsExactlyInAnyOrder("web-1/probe:probe", "web-1/crasher:crasher");
        assertThat(changes).allSatisfy(change -> assertThat(change.value().before()).isNull());
    }
}
