package io.supervisorkafka.streams.supervisor;

import static io.supervisorkafka.streams.Fixtures.INSTANCE;
import static io.supervisorkafka.streams.Fixtures.SERVER;
import static io.supervisorkafka.streams.Fixtures.T0;
import static io.supervisorkafka.streams.Fixtures.event;
import static io.supervisorkafka.streams.Fixtures.processEvent;
import static org.assertj.core.api.Assertions.assertThat;

import io.supervisorkafka.schemas.SupervisorEvent;
import io.supervisorkafka.streams.ProcessorHarness;
import java.io.File;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.processor.api.Record;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EventDeduplicatorTest {

    private static final Duration RETENTION = Duration.ofHours(1);

    @TempDir
    File stateDir;

    private ProcessorHarness<String, SupervisorEvent, String, SupervisorEvent> harness;

    @BeforeEach
    void start() {
        harness = new ProcessorHarness<>(new EventDeduplicator(RETENTION), stateDir, T0);
        harness.withStore(EventDeduplicator.storeBuilder(RETENTION));
        harness.start();
    }

    @AfterEach
    void close() {
        harness.close();
    }

    private List<Record<String, SupervisorEvent>> send(SupervisorEvent event) {
        return harness.process(event.server(), event, event.observedAt());
    }

    @Test
    void aRedeliveryOfTheSameEventIsDropped() {
        SupervisorEvent first = processEvent(5, "probe", "probe", "RUNNING", 3564L, T0);
        // supervisord resent it because the listener's acknowledgement was lost: read again 10 s later.
        SupervisorEvent again = processEvent(5, "probe", "probe", "RUNNING", 3564L, T0 + 10_000);

        assertThat(send(first)).singleElement().extracting(Record::value).isEqualTo(first);
        assertThat(send(again)).isEmpty();
        assertThat(send(first)).as("replayed from the listener's spool").isEmpty();
    }

    @Test
    void aRestartedSupervisordsSerialsAreNewEvents() {
        send(processEvent(0, "probe", "probe", "STARTING", null, T0));
        SupervisorEvent afterRestart = event(SERVER, "7585-1795307401000", 0, "PROCESS_STATE_STARTING",
                Map.of("processname", "probe", "groupname", "probe", "from_state", "STOPPED"), T0 + 60_000);

        assertThat(send(afterRestart)).hasSize(1);
    }

    @Test
    void theSameSerialOnAnotherServerIsAnotherEvent() {
        send(processEvent(3, "probe", "probe", "STARTING", null, T0));
        SupervisorEvent otherServer = event("web-2", INSTANCE, 3, "PROCESS_STATE_STARTING", Map.of(), T0);

        assertThat(send(otherServer)).hasSize(1);
    }

    @Test
    void consecutiveSerialsAllPass() {
        for (long serial = 0; serial < 5; serial++) {
            assertThat(send(processEvent(serial, "probe", "probe", "STARTING", null, T0 + serial))).hasSize(1);
        }
    }

    @Test
    void anEventWithoutInstanceIsNeverDropped() {
        SupervisorEvent anonymous = event(SERVER, null, 1, "TICK_5", Map.of("when", "1795307165"), T0);

        assertThat(send(anonymous)).hasSize(1);
        assertThat(send(anonymous)).hasSize(1);
    }

    @Test
    void aTombstoneOnTheEventsTopicIsIgnored() {
        assertThat(harness.process(SERVER, null, T0)).isEmpty();
    }
}
