package io.supervisorkafka.streams.supervisor;

import static io.supervisorkafka.streams.Fixtures.INSTANCE;
import static io.supervisorkafka.streams.Fixtures.SERVER;
import static io.supervisorkafka.streams.Fixtures.T0;
import static io.supervisorkafka.streams.Fixtures.event;
import static io.supervisorkafka.streams.Fixtures.failedSnapshot;
import static io.supervisorkafka.streams.Fixtures.processEvent;
import static io.supervisorkafka.streams.Fixtures.snapshot;
import static org.assertj.core.api.Assertions.assertThat;

import io.supervisorkafka.schemas.ProcessState;
import io.supervisorkafka.schemas.SupervisorSnapshot;
import io.supervisorkafka.streams.supervisor.SupervisorInput.GroupRemoved;
import io.supervisorkafka.streams.supervisor.SupervisorInput.ProcessStateObserved;
import io.supervisorkafka.streams.supervisor.SupervisorInput.SnapshotTaken;
import io.supervisorkafka.streams.supervisor.SupervisorInput.SupervisorStateObserved;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SupervisorInputTest {

    @Test
    void aProcessStateEventBecomesAnObservation() {
        assertThat(SupervisorInput.fromEvent(SERVER, processEvent(20, "sleeper", "sleeper", "EXITED", 3944L, T0)))
                .contains(new ProcessStateObserved(SERVER, "sleeper", "sleeper", ProcessState.EXITED, 3944L, false,
                        T0, ProcessState.STOPPED, SERVER + "/" + INSTANCE + "/20"));
    }

    @Test
    void startingCarriesNoPid() {
        assertThat(SupervisorInput.fromEvent(SERVER, processEvent(0, "probe", "probe", "STARTING", null, T0)))
                .hasValueSatisfying(input -> assertThat(((ProcessStateObserved) input).pid()).isNull());
    }

    @Test
    void groupRemovalAndSupervisordStateAreKept() {
        assertThat(SupervisorInput.fromEvent(SERVER, event(SERVER, INSTANCE, 1, "PROCESS_GROUP_REMOVED",
                Map.of("groupname", "web"), T0))).contains(new GroupRemoved(SERVER, "web", T0));
        assertThat(SupervisorInput.fromEvent(SERVER, event(SERVER, INSTANCE, 2, "SUPERVISOR_STATE_CHANGE_STOPPING",
                Map.of(), T0))).contains(new SupervisorStateObserved(SERVER, false, T0));
    }

    @Test
    void eventsThatSayNothingAboutStateAreLeftOut() {
        for (String name : List.of("TICK_5", "PROCESS_LOG_STDOUT", "PROCESS_GROUP_ADDED", "REMOTE_COMMUNICATION",
                "SOMETHING_NEW")) {
            assertThat(SupervisorInput.fromEvent(SERVER, event(SERVER, INSTANCE, 1, name,
                    Map.of("groupname", "web"), T0))).as(name).isEmpty();
        }
        assertThat(SupervisorInput.fromEvent(SERVER, event(SERVER, INSTANCE, 1, "PROCESS_STATE_RUNNING",
                Map.of("pid", "1"), T0))).as("no process named").isEmpty();
    }

    @Test
    void theRecordKeyNamesTheServer() {
        assertThat(SupervisorInput.fromEvent("web-1", event("web-one", INSTANCE, 1, "SUPERVISOR_STATE_CHANGE_RUNNING",
                Map.of(), T0))).hasValueSatisfying(input -> assertThat(input.server()).isEqualTo("web-1"));
        assertThat(SupervisorInput.fromEvent(null, event("web-one", INSTANCE, 1, "SUPERVISOR_STATE_CHANGE_RUNNING",
                Map.of(), T0))).hasValueSatisfying(input -> assertThat(input.server()).isEqualTo("web-one"));
    }

    @Test
    void successfulAndFailedSnapshotsAreKeptButAMalformedOneIsNot() {
        assertThat(SupervisorInput.fromSnapshot(SERVER, snapshot(T0))).containsInstanceOf(SnapshotTaken.class);
        assertThat(SupervisorInput.fromSnapshot(SERVER, failedSnapshot(SERVER, T0, "refused")))
                .containsInstanceOf(SnapshotTaken.class);
        SupervisorSnapshot empty = new SupervisorSnapshot(null, null, null, 0, 0, null, null, null);
        assertThat(SupervisorInput.fromSnapshot(SERVER, empty)).isEmpty();
        assertThat(SupervisorInput.fromSnapshot(SERVER, null)).isEmpty();
    }
}
