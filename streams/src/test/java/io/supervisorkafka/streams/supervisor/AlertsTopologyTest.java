package io.supervisorkafka.streams.supervisor;

import static io.supervisorkafka.streams.Fixtures.T0;
import static io.supervisorkafka.streams.Fixtures.exitOf;
import static io.supervisorkafka.streams.Fixtures.info;
import static io.supervisorkafka.streams.Fixtures.processEvent;
import static io.supervisorkafka.streams.Fixtures.running;
import static io.supervisorkafka.streams.Fixtures.snapshot;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.supervisorkafka.schemas.CheckStatus;
import io.supervisorkafka.schemas.MetricPoint;
import io.supervisorkafka.schemas.ProcessCounts;
import io.supervisorkafka.schemas.ProcessStatus;
import io.supervisorkafka.schemas.ServiceCheck;
import io.supervisorkafka.schemas.SupervisorEvent;
import io.supervisorkafka.streams.PipelineConfig;
import io.supervisorkafka.streams.TopologyDrivers;
import io.supervisorkafka.streams.TopologyOutputs;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Why it exited, flapping and the watch rules through the whole topology on TopologyTestDriver. */
class AlertsTopologyTest {

    private static final String WEB = "supervisord.process.status|web-1/web:web";

    @TempDir
    Path stateDir;

    private TopologyTestDriver driver;
    private SupervisordInputs inputs;
    private TopologyOutputs outputs;

    private void start(PipelineConfig config) {
        driver = TopologyDrivers.start(stateDir, T0, config);
        inputs = new SupervisordInputs(driver, T0);
        outputs = new TopologyOutputs(driver);
    }

    @AfterEach
    void close() {
        driver.close();
    }


    private long serial;

    private SupervisorEvent web(String state, String from, Long pid, Boolean expected, long at) {
        return processEvent(serial++, "web", "web", state, from, pid, expected, at);
    }

    private void webRuns(long at, long pid) {
        inputs.send(web("STARTING", "EXITED", null, null, at));
        inputs.send(web("RUNNING", "STARTING", pid, null, at + 1_000));
    }

    @Test
    void theCriticalOfAnExitSaysWhyAndTheStatusKeepsIt() {
        start(PipelineConfig.defaults());
        webRuns(T0, 4100);
        SupervisorEvent exited = web("EXITED", "RUNNING", 4100L, false, T0 + 3_000);
        // The first record of a server is read before its event here: applied with the event.
        inputs.send(exitOf(exited, 3, null, 2.0, "Traceback (most recent call last):\nImportError: no module named flask\n"));
        inputs.send(exited);
        outputs.drain();

        assertThat(outputs.checksOf(WEB)).last().satisfies(check -> {
            assertThat(check.status()).isEqualTo(CheckStatus.CRITICAL);
            assertThat(check.message()).isEqualTo("process web:web on web-1 exited with status 3 after 2 s (not "
                    + "expected): ImportError: no module named flask");
        });
        ProcessStatus status = outputs.latestStatuses().get("web-1/web:web");
        assertThat(status.exitStatus()).isEqualTo(3);
        assertThat(status.lastExit().output()).isEqualTo("ImportError: no module named flask");

        // Now that web-1's listener is known to publish them, the next exit waits for its record...
        webRuns(T0 + 3_050, 4200);
        outputs.drain();
        SupervisorEvent killed = web("EXITED", "RUNNING", 4200L, false, T0 + 20_000);
        inputs.send(killed);
        assertThat(outputs.drain().checksOf(WEB)).isEmpty();
        assertThat(outputs.latestStatuses().get("web-1/web:web").state()).as("the status goes out at once")
                .isEqualTo("EXITED");
        inputs.send(exitOf(killed, null, "SIGKILL", 15.9, null));
        assertThat(outputs.drain().checksOf(WEB)).singleElement().satisfies(check -> {
            assertThat(check.previous()).isEqualTo(CheckStatus.OK);
            assertThat(check.message()).isEqualTo("process web:web on web-1 was killed by SIGKILL after 16 s (not "
                    + "expected)");
        });
        assertThat(outputs.latestStatuses().get("web-1/web:web").exitStatus()).isEqualTo(-1);

        // ...and goes without it when it does not come in time.
        webRuns(T0 + 20_050, 4300);
        outputs.drain();
        inputs.send(web("EXITED", "RUNNING", 4300L, false, T0 + 40_000));
        assertThat(outputs.drain().checksOf(WEB)).isEmpty();
        inputs.wallClockAt(T0 + 40_000 + PipelineConfig.DEFAULT_EXIT_CONTEXT_WAIT.toMillis() + 20);
        assertThat(outputs.drain().checksOf(WEB)).singleElement()
                .satisfies(check -> assertThat(check.message()).endsWith(": exited unexpectedly"));
    }

    @Test
    void aProcessThatKeepsRestartingFlapsThenCalmsDown() {
        start(PipelineConfig.defaults().withPunctuateInterval(Duration.ofSeconds(1))
                .withFlapping(new FlappingPolicy(3, Duration.ofSeconds(30), Duration.ofSeconds(10))));
        for (int i = 0; i < 4; i++) {
            webRuns(T0 + i * 2_000L, 4100 + i);
            SupervisorEvent exited = web("EXITED", "RUNNING", 4100L + i, false, T0 + i * 2_000L + 1_500);
            inputs.send(exited);
            inputs.send(exitOf(exited, 1, null, 0.5, "fatal: database unreachable\n"));
        }
        List<ServiceCheck> flapping = outputs.drain().checksOf("supervisord.process.flapping|web-1/web:web");
        assertThat(flapping).singleElement().satisfies(check -> {
            assertThat(check.status()).isEqualTo(CheckStatus.CRITICAL);
            assertThat(check.message()).startsWith("process web:web on web-1 is flapping: ")
                    .contains("within 30 s (threshold 3)").endsWith(": fatal: database unreachable");
        });
        assertThat(outputs.metricsNamed("supervisord.process.restarts")).extracting(MetricPoint::value)
                .contains(3.0);

        inputs.wallClockAt(T0 + 6_000 + 1_500 + 10_000 + 1_000);
        assertThat(outputs.drain().checksOf("supervisord.process.flapping|web-1/web:web"))
                .extracting(ServiceCheck::status, ServiceCheck::previous)
                .containsExactly(tuple(CheckStatus.OK, CheckStatus.CRITICAL));
    }

    @Test
    void theWatchRulesDecideChecksAndMetricsWhileStatusAndCountsKeepTheTruth() {
        start(PipelineConfig.defaults().withWatch(WatchRules.parse(Map.of("watch.rules", "web",
                "watch.web.servers", "web-1", "watch.web.proc_names_exclude", "cron",
                "watch.web.status_mapping_override", "STOPPED:OK", "watch.web.server_check", "false"))));
        for (String server : List.of("web-1", "web-2")) {
            inputs.send(snapshot(server, T0, running("web", 4100, T0 - 60_000, T0), running("cron", 4200, T0 - 60_000, T0),
                    info("parked", "parked", "STOPPED", 0, T0 - 90_000, T0 - 80_000, T0, 0, "", "Nov 22 12:40 AM")));
        }
        inputs.wallClockAt(T0 + PipelineConfig.DEFAULT_PUNCTUATE_INTERVAL.toMillis());
        outputs.drain();

        assertThat(outputs.latestStatuses()).containsKeys("web-1/cron:cron", "web-2/cron:cron");
        assertThat(outputs.counts).filteredOn(record -> record.key.equals("web-1")).last()
                .satisfies(record -> assertThat(record.value.total()).isEqualTo(3));
        assertThat(outputs.checks).extracting(record -> record.key).containsExactlyInAnyOrder(
                "supervisord.process.status|web-1/web:web", "supervisord.process.status|web-1/parked:parked",
                "supervisord.process.status|web-2/web:web", "supervisord.process.status|web-2/cron:cron",
                "supervisord.process.status|web-2/parked:parked", "supervisord.can_connect|web-2");
        assertThat(outputs.checksOf("supervisord.process.status|web-1/parked:parked")).extracting(ServiceCheck::status)
                .containsExactly(CheckStatus.OK);
        assertThat(outputs.checksOf("supervisord.process.status|web-2/parked:parked")).extracting(ServiceCheck::status)
                .containsExactly(CheckStatus.CRITICAL);
        assertThat(outputs.metrics).map(record -> record.value)
                .filteredOn(point -> "cron".equals(point.tags().get("supervisord_process")))
                .allSatisfy(point -> assertThat(point.tags()).containsEntry("server", "web-2")).isNotEmpty();
        assertThat(outputs.metricsNamed("supervisord.process.count"))
                .filteredOn(point -> point.tags().get("server").equals("web-1"))
                .extracting(point -> point.tags().get("status"), MetricPoint::value)
                .as("the watched processes, STOPPED taken for OK").contains(tuple("up", 2.0), tuple("down", 0.0))
                .doesNotContain(tuple("up", 3.0), tuple("down", 1.0));
        ProcessCounts truth = outputs.counts.stream().filter(record -> record.key.equals("web-1")).reduce((a, b) -> b)
                .orElseThrow().value;
        assertThat(truth.up()).isEqualTo(2);
        assertThat(truth.down()).isEqualTo(1);
    }
}
