package io.supervisorkafka.streams.supervisor;

import io.supervisorkafka.schemas.JsonSerde;
import io.supervisorkafka.schemas.ProcessExit;
import io.supervisorkafka.schemas.SupervisorEvent;
import io.supervisorkafka.schemas.SupervisorSnapshot;
import io.supervisorkafka.schemas.Topics;
import java.time.Duration;
import java.time.Instant;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;

/**
 * The supervisord inputs of a {@link TopologyTestDriver}, each record piped as a live app would read it: the wall
 * clock first moves to when the listener observed it (firing the punctuations due), never back.
 */
final class SupervisordInputs {

    private final TopologyTestDriver driver;
    private final TestInputTopic<String, SupervisorEvent> events;
    private final TestInputTopic<String, SupervisorSnapshot> snapshots;
    private final TestInputTopic<String, ProcessExit> exits;
    private long wallClock;

    /** {@code wallClock}: where the driver's wall clock starts. */
    SupervisordInputs(TopologyTestDriver driver, long wallClock) {
        this.driver = driver;
        this.wallClock = wallClock;
        this.events = driver.createInputTopic(Topics.EVENTS, new StringSerializer(),
                JsonSerde.of(SupervisorEvent.class));
        this.snapshots = driver.createInputTopic(Topics.SNAPSHOTS, new StringSerializer(),
                JsonSerde.of(SupervisorSnapshot.class));
        this.exits = driver.createInputTopic(Topics.PROCESS_EXITS, new StringSerializer(),
                JsonSerde.of(ProcessExit.class));
    }

    /** Moves the wall clock forward (firing due punctuations); never back. */
    void wallClockAt(long at) {
        if (at > wallClock) {
            driver.advanceWallClockTime(Duration.ofMillis(at - wallClock));
            wallClock = at;
        }
    }

    void send(SupervisorEvent event) {
        wallClockAt(event.observedAt());
        events.pipeInput(new TestRecord<>(event.server(), event, Instant.ofEpochMilli(event.observedAt())));
    }

    void send(SupervisorSnapshot snapshot) {
        wallClockAt(snapshot.observedAt());
        snapshots.pipeInput(new TestRecord<>(snapshot.server(), snapshot, Instant.ofEpochMilli(snapshot.observedAt())));
    }

    /** An exit record, read when the listener fetched it; its timestamp is its event's, as the listener sets it. */
    void send(ProcessExit exit) {
        wallClockAt(exit.fetchedAt());
        exits.pipeInput(new TestRecord<>(exit.server(), exit, Instant.ofEpochMilli(exit.observedAt())));
    }
}
