package io.supervisorkafka.streams.supervisor;

import static io.supervisorkafka.streams.Fixtures.SERVER;
import static io.supervisorkafka.streams.Fixtures.T0;
import static io.supervisorkafka.streams.Fixtures.exitOf;
import static io.supervisorkafka.streams.Fixtures.observed;
import static io.supervisorkafka.streams.Fixtures.processEvent;
import static org.assertj.core.api.Assertions.assertThat;

import io.supervisorkafka.schemas.ProcessExit;
import io.supervisorkafka.schemas.ProcessStatus;
import io.supervisorkafka.schemas.SupervisorEvent;
import io.supervisorkafka.streams.ProcessorHarness;
import io.supervisorkafka.streams.supervisor.SupervisorInput.ExitExplained;
import java.io.File;
import java.util.List;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link ProcessStatusDeriver} pairing exit events with the listener's exit records, in either order. */
class ProcessStatusDeriverExitTest {

    private static final String KEY = "web-1/web:web";

    @TempDir
    File stateDir;

    private ProcessorHarness<String, SupervisorInput, String, ProcessStatusChange> harness;
    private KeyValueStore<String, ProcessStatus> statuses;

    @BeforeEach
    void start() {
        harness = new ProcessorHarness<>(new ProcessStatusDeriver(), stateDir, T0);
        statuses = harness.withStore(ProcessStatusDeriver.storeBuilder());
        harness.withStore(ProcessStatusDeriver.exitsStoreBuilder());
        harness.withStore(ProcessStatusDeriver.exitServersStoreBuilder());
        harness.start();
        send(processEvent(1, "web", "web", "STARTING", "STOPPED", null, null, T0));
        send(processEvent(2, "web", "web", "RUNNING", "STARTING", 4100L, null, T0 + 1_000));
    }

    @AfterEach
    void close() {
        harness.close();
    }

    private List<Record<String, ProcessStatusChange>> send(SupervisorEvent event) {
        return harness.process(SERVER, observed(event), event.observedAt());
    }

    private List<Record<String, ProcessStatusChange>> send(ProcessExit exit) {
        return harness.process(SERVER, new ExitExplained(SERVER, exit), exit.observedAt());
    }

    private static SupervisorEvent exited(long serial, long at) {
        return processEvent(serial, "web", "web", "EXITED", "RUNNING", 4100L, false, at);
    }

    @Test
    void aRecordAfterItsEventUpdatesTheStatusAndSaysSo() {
        SupervisorEvent event = exited(3, T0 + 3_000);
        assertThat(send(event)).singleElement().satisfies(change -> {
            assertThat(change.value().exit()).isNull();
            assertThat(change.value().awaitedExit()).as("no record seen from this server yet").isNull();
        });
        ProcessExit exit = exitOf(event, 3, null, 2.0, "ImportError: no module named flask\n");

        assertThat(send(exit)).singleElement().satisfies(change -> {
            assertThat(change.key()).isEqualTo(KEY);
            assertThat(change.value().exit()).isEqualTo(exit);
            assertThat(change.value().before().lastExit()).isNull();
            assertThat(change.value().after().exitStatus()).isEqualTo(3);
            assertThat(change.value().after().lastExit().output()).isEqualTo("ImportError: no module named flask");
        });
        assertThat(statuses.get(KEY).lastExit()).isNotNull();
        assertThat(send(exit)).as("a redelivered record changes nothing").isEmpty();
    }

    @Test
    void onceTheServerSentARecordItsNextExitsAwaitTheirs() {
        SupervisorEvent first = exited(3, T0 + 3_000);
        send(first);
        send(exitOf(first, 3, null, 2.0, null));
        send(processEvent(4, "web", "web", "STARTING", "EXITED", null, null, T0 + 3_050));
        send(processEvent(5, "web", "web", "RUNNING", "STARTING", 4100L, null, T0 + 4_050));

        SupervisorEvent second = exited(6, T0 + 9_000);
        assertThat(send(second)).singleElement().satisfies(change ->
                assertThat(change.value().awaitedExit()).isEqualTo(second.eventId()));
        assertThat(send(processEvent(7, "web", "web", "STARTING", "EXITED", null, null, T0 + 9_050)))
                .singleElement().satisfies(change -> assertThat(change.value().awaitedExit()).isNull());
    }

    @Test
    void aRecordBeforeItsEventIsAppliedWithTheEvent() {
        SupervisorEvent event = exited(3, T0 + 3_000);
        ProcessExit exit = exitOf(event, 1, null, 2.0, "fatal: database unreachable\n");

        assertThat(send(exit)).as("nothing to explain yet").isEmpty();
        assertThat(send(event)).singleElement().satisfies(change -> {
            assertThat(change.value().exit()).isEqualTo(exit);
            assertThat(change.value().awaitedExit()).isNull();
            assertThat(change.value().after().state()).isEqualTo("EXITED");
            assertThat(change.value().after().exitStatus()).isEqualTo(1);
            assertThat(change.value().after().lastExit().output()).isEqualTo("fatal: database unreachable");
        });
        assertThat(send(exit)).as("then a redelivery").isEmpty();
    }

    @Test
    void aRecordOfAnExitSupersededSinceIsIgnored() {
        SupervisorEvent first = exited(3, T0 + 3_000);
        send(first);
        send(processEvent(4, "web", "web", "STARTING", "EXITED", null, null, T0 + 3_050));
        send(processEvent(5, "web", "web", "RUNNING", "STARTING", 4100L, null, T0 + 4_050));
        send(exited(6, T0 + 9_000));

        assertThat(send(exitOf(first, 3, null, 2.0, "late\n"))).isEmpty();
        assertThat(statuses.get(KEY).lastExit()).isNull();
    }

    @Test
    void aLateRecordOfTheLatestExitStillUpdatesARestartedProcess() {
        SupervisorEvent event = exited(3, T0 + 3_000);
        send(event);
        send(processEvent(4, "web", "web", "STARTING", "EXITED", null, null, T0 + 3_050));

        assertThat(send(exitOf(event, 3, null, 2.0, "boom\n"))).singleElement().satisfies(change -> {
            assertThat(change.value().after().state()).isEqualTo("STARTING");
            assertThat(change.value().after().exitStatus()).isEqualTo(3);
            assertThat(change.value().after().lastExit().state()).isEqualTo("EXITED");
        });
    }

    @Test
    void theRecordOfTheLastBackoffStillExplainsTheFatalThatFollowsIt() {
        send(processEvent(3, "quick", "quick", "STARTING", "STOPPED", null, null, T0));
        SupervisorEvent backoff = processEvent(4, "quick", "quick", "BACKOFF", "STARTING", null, null, T0 + 100);
        send(backoff);
        SupervisorEvent fatal = processEvent(5, "quick", "quick", "FATAL", "BACKOFF", null, null, T0 + 110);
        send(fatal);

        assertThat(send(exitOf(backoff, 3, null, 0.1, "ImportError: no module named flask\n"))).singleElement()
                .satisfies(change -> {
                    assertThat(change.value().after().state()).isEqualTo("FATAL");
                    assertThat(change.value().after().exitStatus()).isEqualTo(3);
                    assertThat(change.value().after().lastExit().output())
                            .isEqualTo("ImportError: no module named flask");
                });
        assertThat(send(exitOf(fatal, null, null, null, null))).singleElement().satisfies(change -> {
            assertThat(change.value().after().lastExit().state()).isEqualTo("FATAL");
            assertThat(change.value().after().lastExit().exitStatus()).as("what the FATAL's record lacks").isEqualTo(3);
            assertThat(change.value().after().lastExit().output()).isEqualTo("ImportError: no module named flask");
        });
    }
}
