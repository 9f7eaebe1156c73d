package io.supervisorkafka.streams;

import static io.supervisorkafka.streams.Fixtures.SERVER;
import static io.supervisorkafka.streams.Fixtures.T0;

import io.supervisorkafka.schemas.DockerSnapshot;
import io.supervisorkafka.schemas.GunicornSnapshot;
import io.supervisorkafka.schemas.JsonSerde;
import io.supervisorkafka.schemas.ListenerMetrics;
import io.supervisorkafka.schemas.ProcessExit;
import io.supervisorkafka.schemas.StatsdMetrics;
import io.supervisorkafka.schemas.SupervisorEvent;
import io.supervisorkafka.schemas.SupervisorSnapshot;
import io.supervisorkafka.schemas.Topics;
import io.supervisorkafka.streams.docker.DockerPage;
import io.supervisorkafka.streams.gunicorn.GunicornStatsdCapture;
import io.supervisorkafka.streams.supervisor.FlappingPolicy;
import io.supervisorkafka.streams.supervisor.WatchRules;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;

/**
 * One run of the whole topology that makes every metric and every status of every check of the catalogs appear at
 * least once: each source's inputs (the gunicorn StatsD capture among them), failures, and silence long enough for
 * the can_connect checks to turn UNKNOWN and a flapping process to calm down. For the catalog tests and the examples
 * of the generated documents.
 */
public final class CatalogScenarios {

    /** A server whose rule maps STOPPED to WARNING: the only way to a WARNING process check. */
    static final String PARKING_SERVER = "web-2";
    /**
     * The defaults, but a flapping window short enough for the silence to end it, the rule of web-2, and the influx
     * lines (for their examples).
     */
    static final PipelineConfig CONFIG = PipelineConfig.defaults().withInflux(true)
            .withFlapping(new FlappingPolicy(3, Duration.ofMinutes(1), Duration.ofMinutes(1)))
            .withWatch(WatchRules.parse(Map.of("watch.rules", "parking", "watch.parking.servers", PARKING_SERVER,
                    "watch.parking.status_mapping_override", "STOPPED:WARNING")));

    private CatalogScenarios() {
    }

    /** Everything the run produced, by topic, in order. */
    public static TopologyOutputs run(Path stateDir) {
        try (TopologyTestDriver driver = TopologyDrivers.start(stateDir, T0, CONFIG)) {
            TopologyOutputs outputs = new TopologyOutputs(driver);
            supervisord(driver);
            outputs.drain();
            gunicorn(driver);
            outputs.drain();
            docker(driver);
            outputs.drain();
            listener(driver);
            outputs.drain();
            // Silence: the can_connect checks turn UNKNOWN, the supervisord metrics are sent again.
            driver.advanceWallClockTime(Duration.ofSeconds(120));
            outputs.drain();
            return outputs;
        }
    }

    /**
     * A program that exits 3 two seconds after its start, with its exit record; a snapshot (RUNNING and FATAL
     * processes); a process STARTING; one restarted three times in a row (flapping), its exit checks held for and
     * completed by their records; a stopped process of web-2 (WARNING by its rule); then a failed snapshot.
     */
    private static void supervisord(TopologyTestDriver driver) {
        TestInputTopic<String, SupervisorSnapshot> snapshots = input(driver, Topics.SNAPSHOTS,
                SupervisorSnapshot.class);
        TestInputTopic<String, SupervisorEvent> events = input(driver, Topics.EVENTS, SupervisorEvent.class);
        TestInputTopic<String, ProcessExit> exits = input(driver, Topics.PROCESS_EXITS, ProcessExit.class);
        pipe(events, Fixtures.processEvent(1, "web", "web", "STARTING", "STOPPED", null, null, T0 - 5_000),
                T0 - 5_000);
        pipe(events, Fixtures.processEvent(2, "web", "web", "RUNNING", "STARTING", 4100L, null, T0 - 4_000),
                T0 - 4_000);
        SupervisorEvent webExited = Fixtures.processEvent(3, "web", "web", "EXITED", "RUNNING", 4100L, false,
                T0 - 3_000);
        pipe(exits, Fixtures.exitOf(webExited, 3, null, 2.0, "Traceback (most recent call last):\n"
                + "ImportError: no module named flask\n"), T0 - 3_000);
        pipe(events, webExited, T0 - 3_000);
        pipe(snapshots, Fixtures.snapshot(T0, Fixtures.running("probe", 3564, T0 - 61_000, T0),
                Fixtures.info("crasher", "crasher", "FATAL", 0, T0 - 4_000, T0 - 3_000, T0, 0,
                        "Exited too quickly (process log may have details)", "")), T0);
        pipe(events, Fixtures.processEvent(7, "web", "web", "STARTING", null, T0 + 1_000), T0 + 1_000);
        long at = T0 + 2_000;
        String from = "STOPPED";
        for (long serial = 10; serial < 22; serial += 4) {
            pipe(events, Fixtures.processEvent(serial, "flapper", "flapper", "STARTING", from, null, null, at), at);
            pipe(events, Fixtures.processEvent(serial + 1, "flapper", "flapper", "RUNNING", "STARTING", 4200 + serial,
                    null, at + 1_000), at + 1_000);
            SupervisorEvent exited = Fixtures.processEvent(serial + 2, "flapper", "flapper", "EXITED", "RUNNING",
                    4200 + serial, false, at + 3_000);
            pipe(events, exited, at + 3_000);
            pipe(exits, Fixtures.exitOf(exited, 1, null, 2.0, "flapper: lost connection to the database\n"),
                    at + 3_000);
            from = "EXITED";
            at += 3_050;
        }
        pipe(events, Fixtures.processEvent(22, "flapper", "flapper", "STARTING", from, null, null, at), at);
        pipe(events, Fixtures.event(PARKING_SERVER, Fixtures.INSTANCE, 1,
                "PROCESS_STATE_STOPPED", Map.of("processname", "batch", "groupname", "batch", "from_state",
                        "STOPPING", "pid", "4300"), at), PARKING_SERVER, at);
        pipe(snapshots, Fixtures.failedSnapshot(SERVER, T0 + 30_000, "[Errno 111] Connection refused"), T0 + 30_000);
    }

    /** An app with a master and workers, the StatsD capture and two silent intervals, then the app gone. */
    private static void gunicorn(TopologyTestDriver driver) {
        TestInputTopic<String, GunicornSnapshot> snapshots = input(driver, Topics.GUNICORN, GunicornSnapshot.class);
        TestInputTopic<String, StatsdMetrics> statsd = input(driver, Topics.STATSD, StatsdMetrics.class);
        pipe(snapshots, new GunicornSnapshot(SERVER, T0 + 500, 500, List.of(new GunicornSnapshot.App(
                GunicornStatsdCapture.APP, true, 4100L, "demo", "demo", List.of(
                        new GunicornSnapshot.Worker(4101, GunicornSnapshot.WORKING),
                        new GunicornSnapshot.Worker(4102, GunicornSnapshot.IDLE))))), T0 + 500);
        for (StatsdMetrics interval : List.of(GunicornStatsdCapture.interval(SERVER, T0, T0 + 10_000),
                GunicornStatsdCapture.silentInterval(SERVER, T0 + 10_000, T0 + 20_000),
                GunicornStatsdCapture.silentInterval(SERVER, T0 + 20_000, T0 + 30_000))) {
            pipe(statsd, interval, interval.end());
        }
        pipe(snapshots, new GunicornSnapshot(SERVER, T0 + 15_500, 500, List.of()), T0 + 15_500);
    }

    /** Two scrapes with containers, events, a failed health check and a container started between them; a failure. */
    private static void docker(TopologyTestDriver driver) {
        TestInputTopic<String, DockerSnapshot> scrapes = input(driver, Topics.DOCKER, DockerSnapshot.class);
        DockerPage page = DockerPage.captured().containers(1, 0, 2).events(3);
        pipe(scrapes, page.snapshot(T0), T0);
        pipe(scrapes, page.events(33).healthChecksFailed(1).observe("start", 0.3).snapshot(T0 + 15_000), T0 + 15_000);
        pipe(scrapes, DockerPage.failed(T0 + 30_000, "Get \"http://127.0.0.1:9323/metrics\": dial tcp "
                + "127.0.0.1:9323: connect: connection refused"), T0 + 30_000);
    }

    /** Two metrics records of a listener that saw supervisord discard events before the first, none since. */
    private static void listener(TopologyTestDriver driver) {
        TestInputTopic<String, ListenerMetrics> metrics = input(driver, Topics.LISTENER_METRICS,
                ListenerMetrics.class);
        for (long at : new long[] {T0 + 60_000, T0 + 75_000}) {
            pipe(metrics, new ListenerMetrics(SERVER, Fixtures.INSTANCE, T0 - 3_600_000, at, 1250, 1, 0, 1432, 2,
                    new ListenerMetrics.Spool("drop-oldest", 524_288, 268_435_456, 17, 3, 0),
                    Map.of("snapshots.ok", 120L, "docker.failed", 2L), 852L), at);
        }
    }

    private static <T> TestInputTopic<String, T> input(TopologyTestDriver driver, String topic, Class<T> type) {
        return driver.createInputTopic(topic, new StringSerializer(), JsonSerde.of(type));
    }

    private static <T> void pipe(TestInputTopic<String, T> topic, T value, long timestamp) {
        pipe(topic, value, SERVER, timestamp);
    }

    private static <T> void pipe(TestInputTopic<String, T> topic, T value, String server, long timestamp) {
        topic.pipeInput(new TestRecord<>(server, value, Instant.ofEpochMilli(timestamp)));
    }
}
