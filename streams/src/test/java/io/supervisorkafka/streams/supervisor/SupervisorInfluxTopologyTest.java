package io.supervisorkafka.streams.supervisor;

import static io.supervisorkafka.streams.Fixtures.INSTANCE;
import static io.supervisorkafka.streams.Fixtures.SERVER;
import static io.supervisorkafka.streams.Fixtures.T0;
import static io.supervisorkafka.streams.Fixtures.event;
import static io.supervisorkafka.streams.Fixtures.exitOf;
import static io.supervisorkafka.streams.Fixtures.failedSnapshot;
import static io.supervisorkafka.streams.Fixtures.info;
import static io.supervisorkafka.streams.Fixtures.processEvent;
import static io.supervisorkafka.streams.Fixtures.running;
import static io.supervisorkafka.streams.Fixtures.snapshot;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.supervisorkafka.schemas.SupervisorEvent;
import io.supervisorkafka.schemas.Topics;
import io.supervisorkafka.streams.PipelineConfig;
import io.supervisorkafka.streams.TopologyDrivers;
import io.supervisorkafka.streams.influx.InfluxLine;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Telegraf's supervisor lines on {@code supervisor.influx}, from the whole topology with {@code --influx}. */
class SupervisorInfluxTopologyTest {

    @TempDir
    Path stateDir;

    private TopologyTestDriver driver;
    private SupervisordInputs inputs;
    private TestOutputTopic<String, String> influx;

    @BeforeEach
    void start() {
        driver = TopologyDrivers.start(stateDir, T0, PipelineConfig.defaults().withInflux(true));
        inputs = new SupervisordInputs(driver, T0);
        influx = driver.createOutputTopic(Topics.INFLUX, new StringDeserializer(), new StringDeserializer());
    }

    @AfterEach
    void close() {
        driver.close();
    }

    /** The lines written since the last call, each held to the catalog and keyed by its server tag. */
    private List<InfluxLine> lines() {
        List<KeyValue<String, String>> records = influx.readKeyValuesToList();
        records.forEach(record -> assertThat(InfluxLine.parse(record.value).tags().get("server"))
                .as("key of %s", record.value).isEqualTo(record.key));
        return records.stream().map(record -> InfluxLine.parse(record.value).assertConforms()).toList();
    }

    @Test
    void eachEventWritesItsProcessAtTheTimeItWasObserved() {
        inputs.send(processEvent(0, "web", "web", "STARTING", null, T0));
        inputs.send(processEvent(1, "web", "web", "RUNNING", 4242L, T0 + 1_500));

        assertThat(influx.readValuesToList()).containsExactly(
                "supervisor_processes,group=web,host=web-1,process=web,server=web-1 "
                        + "exitCode=0i,pid=0i,state=10i,uptime=0i " + T0 + "000000",
                "supervisor_processes,group=web,host=web-1,process=web,server=web-1 "
                        + "exitCode=0i,pid=4242i,state=20i,uptime=1i " + (T0 + 1_500) + "000000");
    }

    @Test
    void aSnapshotWritesEveryProcessAsTheSnapshotLeftItAndSupervisordsState() {
        inputs.send(processEvent(0, "web", "web", "RUNNING", 4242L, T0));
        lines();
        long at = T0 + 60_000;
        // The snapshot tells what the events did not: web exited with 3; the line must show the merged status, which
        // the deriver wrote before this processor read it.
        inputs.send(snapshot(at, info("web", "web", "EXITED", 0, T0, at - 1_000, at, 3, "", "Nov 22 00:41 AM"),
                running("worker", 5151, T0 - 3_600_000, at),
                info("cron", "cron", "STOPPED", 0, 0, 0, at, 0, "", "Not started")));

        List<InfluxLine> lines = lines();
        assertThat(lines).extracting(InfluxLine::measurement, line -> line.tags().get("process"), InfluxLine::timestamp)
                .containsExactlyInAnyOrder(
                        tuple("supervisor_processes", "web", at * 1_000_000),
                        tuple("supervisor_processes", "worker", at * 1_000_000),
                        tuple("supervisor_processes", "cron", at * 1_000_000),
                        tuple("supervisor_instance", null, at * 1_000_000));
        InfluxLine web = byProcess(lines, "web");
        assertThat(web.fields()).isEqualTo(Map.of("exitCode", 3L, "pid", 0L, "state", 100L, "uptime", 60L));
        assertThat(byProcess(lines, "worker").fields()).containsEntry("uptime", 3_660L).containsEntry("pid", 5151L);
        assertThat(byProcess(lines, "cron").fields()).as("never started: no start, no uptime")
                .isEqualTo(Map.of("exitCode", 0L, "pid", 0L, "state", 0L));
        assertThat(lines.get(lines.size() - 1).fields()).isEqualTo(Map.of("state", 1L));
    }

    @Test
    void uptimeGoesOnCountingFromTheLastStartAfterTheProcessExitedAsTelegrafsDoes() {
        inputs.send(processEvent(0, "web", "web", "STARTING", null, T0));
        inputs.send(processEvent(1, "web", "web", "RUNNING", 4242L, T0 + 1_000));
        inputs.send(processEvent(2, "web", "web", "EXITED", 4242L, T0 + 90_000));
        lines();
        inputs.send(snapshot(T0 + 150_000, info("web", "web", "EXITED", 0, T0, T0 + 90_000, T0 + 150_000, 1, "", "")));

        assertThat(byProcess(lines(), "web").fields()).containsEntry("uptime", 150L).containsEntry("state", 100L);
    }

    @Test
    void theExitRecordCompletesThePointOfItsExitWithTheExitCode() {
        inputs.send(processEvent(0, "web", "web", "RUNNING", 4242L, T0));
        inputs.send(processEvent(1, "killed", "killed", "RUNNING", 4343L, T0));
        SupervisorEvent exited = processEvent(2, "web", "web", "EXITED", "RUNNING", 4242L, false, T0 + 2_000);
        SupervisorEvent killed = processEvent(3, "killed", "killed", "EXITED", "RUNNING", 4343L, false, T0 + 3_000);
        inputs.send(exited);
        inputs.send(killed);
        assertThat(lines()).extracting(line -> line.integer("exitCode")).containsOnly(0L);

        inputs.send(exitOf(exited, 3, null, 2.0, "ImportError: no module named flask"));
        inputs.send(exitOf(killed, null, "SIGKILL", 3.0, null));

        List<InfluxLine> lines = lines();
        assertThat(lines).extracting(line -> line.tags().get("process"), InfluxLine::timestamp,
                line -> line.integer("exitCode")).containsExactly(
                tuple("web", (T0 + 2_000) * 1_000_000, 3L),
                tuple("killed", (T0 + 3_000) * 1_000_000, -1L));
    }

    @Test
    void supervisordsStateChangeIsAnInstanceLine() {
        inputs.send(event(SERVER, INSTANCE, 7, "SUPERVISOR_STATE_CHANGE_STOPPING", Map.of(), T0));

        assertThat(influx.readValuesToList())
                .containsExactly("supervisor_instance,host=web-1,server=web-1 state=-1i " + T0 + "000000");
    }

    @Test
    void aFailedSnapshotWritesNothingAsAFailedGatherWritesNothing() {
        inputs.send(failedSnapshot(SERVER, T0, "[Errno 111] Connection refused"));

        assertThat(influx.isEmpty()).isTrue();
    }

    @Test
    void hostileNamesComeBackAsTheyWere() {
        String server = "web 1,dc=eu\\\"ü";
        String group = "g,=\" \\x";
        String name = "prozeß 😀,a=b\\,c";
        Map<String, String> fields = new java.util.LinkedHashMap<>();
        fields.put("processname", name);
        fields.put("groupname", group);
        fields.put("from_state", "STARTING");
        fields.put("pid", "77");
        inputs.send(event(server, INSTANCE, 0, "PROCESS_STATE_RUNNING", fields, T0));
        inputs.send(snapshot(server, T0 + 1_000, running("plain", 78, T0, T0 + 1_000)));

        List<KeyValue<String, String>> records = influx.readKeyValuesToList();
        assertThat(records).extracting(record -> record.key).containsOnly(server);
        List<InfluxLine> lines = records.stream().map(record -> InfluxLine.parse(record.value).assertConforms())
                .toList();
        assertThat(lines).extracting(InfluxLine::tags).contains(
                Map.of("group", group, "process", name, "server", server, "host", server),
                Map.of("group", "plain", "process", "plain", "server", server, "host", server),
                Map.of("server", server, "host", server));
    }

    @Test
    void everyProcessIsWrittenWhateverTheWatchRulesAsTelegrafHasNoProcessFilter() {
        driver.close();
        driver = TopologyDrivers.start(stateDir.resolve("watched"), T0, PipelineConfig.defaults().withInflux(true)
                .withWatch(WatchRules.parse(Map.of("watch.rules", "web", "watch.web.proc_names", "web"))));
        inputs = new SupervisordInputs(driver, T0);
        influx = driver.createOutputTopic(Topics.INFLUX, new StringDeserializer(), new StringDeserializer());

        inputs.send(snapshot(T0, running("web", 1, T0, T0), running("cron", 2, T0, T0)));

        assertThat(lines()).extracting(line -> line.tags().get("process")).contains("web", "cron");
    }

    private static InfluxLine byProcess(List<InfluxLine> lines, String process) {
        return lines.stream().filter(line -> process.equals(line.tags().get("process"))).findFirst().orElseThrow();
    }
}
