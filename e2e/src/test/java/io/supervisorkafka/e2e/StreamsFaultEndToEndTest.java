package io.supervisorkafka.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.supervisorkafka.schemas.ProcessCounts;
import io.supervisorkafka.schemas.ProcessStatus;
import io.supervisorkafka.schemas.ServiceCheck;
import io.supervisorkafka.schemas.Topics;
import io.supervisorkafka.testkit.ChildProcess;
import io.supervisorkafka.testkit.Ports;
import io.supervisorkafka.testkit.Supervisord;
import io.supervisorkafka.testkit.TopicCollector;
import io.supervisorkafka.tools.DevBroker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Streams side under faults, on real components, while a program flaps and produces a steady stream of state
 * changes: {@code kill -9} of the Streams app and a restart, a broker restart under the running app, and a restart
 * of supervisord (serials start again from 0). Afterwards the derived status and counts must equal
 * {@code supervisorctl status}, and the alerting feed must read as one uninterrupted run: for every check, each
 * record's {@code previous} is the status of the record before it (no transition lost, none doubled).
 */
class StreamsFaultEndToEndTest {
    static final String SERVER = "streams-fault-host";
    static final Duration PATIENCE = Duration.ofMinutes(3);
    static final String PROGRAMS = """
            [program:steady]
            command=sleep infinity
            startsecs=1

            [program:flapper]
            command=sh -c "sleep 1; exit 1"
            startsecs=0
            autorestart=true

            """;

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path dir;

    @Test
    void outputsReadAsOneUninterruptedRunThroughStreamsBrokerAndSupervisordRestarts() throws Exception {
        int port = Ports.freeTcpPort();
        int controllerPort = Ports.freeTcpPort();
        Path streamsConfig = dir.resolve("streams.properties");
        // A killed instance's partitions move to the new one once its session expires: keep that short here.
        Files.writeString(streamsConfig, "session.timeout.ms=6000\nheartbeat.interval.ms=1000\n");
        String[] streamsArgs = {"--config", streamsConfig.toString(), "--punctuate-interval", "1s"};

        DevBroker broker = DevBroker.start(dir.resolve("broker"), "127.0.0.1", port, controllerPort);
        String bootstrap = broker.bootstrapServers();
        ChildProcess streams = Pipeline.startStreams(bootstrap, dir, "streams-fault", streamsArgs);
        TopicCollector collector = new TopicCollector(bootstrap,
                List.of(Topics.PROCESS_STATUS, Topics.PROCESS_COUNTS, Topics.SERVICE_CHECKS));
        String sections = PROGRAMS + Pipeline.listenerSection(bootstrap, SERVER, "PROCESS_STATE,PROCESS_GROUP",
                "--snapshot-interval 2s");
        Supervisord supervisord = Supervisord.start(dir.resolve("supervisord"), "fault", sections);
        try {
            await("steady RUNNING").atMost(PATIENCE).until(() -> state(collector, "steady:steady"), "RUNNING"::equals);
            int flapperChecks = checks(collector, "flapper:flapper").size();

            streams.kill9();
            streams.process().waitFor();
            streams = Pipeline.startStreams(bootstrap, dir, "streams-fault", streamsArgs);
            awaitMoreChecks(collector, flapperChecks, "after the Streams app was killed and restarted");

            broker.close();
            broker = DevBroker.start(dir.resolve("broker"), "127.0.0.1", port, controllerPort);
            flapperChecks = checks(collector, "flapper:flapper").size();
            awaitMoreChecks(collector, flapperChecks, "after the broker restarted under the running app");
            assertThat(streams.isAlive()).as("the Streams app survived the broker restart").isTrue();

            long oldSteadyPid = supervisord.pidOf("steady");
            supervisord.close();
            supervisord = Supervisord.start(dir.resolve("supervisord"), "fault", sections);
            Supervisord restarted = supervisord;
            long newSteadyPid = await("steady spawned by the restarted supervisord").atMost(PATIENCE)
                    .until(() -> restarted.pidOf("steady"), pid -> pid != 0);
            await("steady's new pid from the restarted supervisord (serials from 0 again, not taken as duplicates)")
                    .atMost(PATIENCE).until(() -> latest(collector, "steady:steady"),
                            s -> s != null && "RUNNING".equals(s.state()) && s.pid() != null
                                    && s.pid() == newSteadyPid && s.pid() != oldSteadyPid);

            // Between its exit and its restart the flapper is EXITED, which supervisorctl stop refuses ("not
            // running"): ask again until it is STOPPED.
            await("flapper STOPPED").atMost(PATIENCE).until(() -> {
                restarted.ctl("stop", "flapper");
                return "STOPPED".equals(restarted.status().get("flapper:flapper"));
            });
            Map<String, String> supervisorctl = supervisord.status();
            assertThat(supervisorctl).containsEntry("flapper:flapper", "STOPPED");
            await("status and counts converging to supervisorctl status " + supervisorctl).atMost(PATIENCE)
                    .untilAsserted(() -> {
                        assertThat(derivedStates(collector)).isEqualTo(supervisorctl);
                        ProcessCounts counts = latestCounts(collector);
                        assertThat(counts.total()).isEqualTo(supervisorctl.size());
                        assertThat(counts.byState()).containsEntry("STOPPED", 1).containsEntry("RUNNING", 2);
                    });

            for (String process : supervisorctl.keySet()) {
                List<ServiceCheck> feed = checks(collector, process);
                assertThat(feed).as("checks of " + process).isNotEmpty();
                assertThat(feed.get(0).previous()).as("first check of " + process).isNull();
                for (int i = 1; i < feed.size(); i++) {
                    assertThat(feed.get(i).previous()).as("check %d of %s: %s", i, process, feed.get(i).message())
                            .isEqualTo(feed.get(i - 1).status());
                }
            }
            System.err.printf("streams faults: %d checks for flapper across the restarts, each following the one "
                    + "before%n", checks(collector, "flapper:flapper").size());
        } finally {
            supervisord.close();
            collector.close();
            streams.close();
            broker.close();
        }
    }

    private static void awaitMoreChecks(TopicCollector collector, int before, String when) {
        await("flapper's checks moving on " + when).atMost(PATIENCE)
                .until(() -> checks(collector, "flapper:flapper").size() >= before + 4);
    }

    private static List<ServiceCheck> checks(TopicCollector collector, String process) {
        return collector.values(Topics.SERVICE_CHECKS, ServiceCheck.PROCESS_STATUS + "|" + SERVER + "/" + process,
                ServiceCheck.class);
    }

    private static ProcessStatus latest(TopicCollector collector, String process) {
        return collector.latest(Topics.PROCESS_STATUS, SERVER + "/" + process, ProcessStatus.class).orElse(null);
    }

    private static String state(TopicCollector collector, String process) {
        ProcessStatus status = latest(collector, process);
        return status == null ? null : status.state();
    }

    private static Map<String, String> derivedStates(TopicCollector collector) {
        return collector.latestByKey(Topics.PROCESS_STATUS, ProcessStatus.class).values().stream()
                .collect(Collectors.toMap(s -> s.group() + ":" + s.name(), ProcessStatus::state));
    }

    private static ProcessCounts latestCounts(TopicCollector collector) {
        return collector.latest(Topics.PROCESS_COUNTS, SERVER, ProcessCounts.class).orElseThrow();
    }
}
