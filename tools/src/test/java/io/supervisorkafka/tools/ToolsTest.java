package io.supervisorkafka.tools;

import static org.assertj.core.api.Assertions.assertThat;

import io.supervisorkafka.schemas.CheckStatus;
import io.supervisorkafka.schemas.ContainerCounts;
import io.supervisorkafka.schemas.ProcessCounts;
import io.supervisorkafka.schemas.ProcessStatus;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

class ToolsTest {

    @Test
    void tailPrintsJsonValuesAsJsonAndTombstonesAsNull() {
        ConsumerRecord<byte[], byte[]> json = new ConsumerRecord<>("t", 0, 7, "k".getBytes(StandardCharsets.UTF_8),
                "{\"a\":1}".getBytes(StandardCharsets.UTF_8));
        assertThat(TailCommand.toJsonLine(json))
                .isEqualTo("{\"topic\":\"t\",\"partition\":0,\"offset\":7,\"timestamp\":-1,\"key\":\"k\",\"value\":{\"a\":1}}");
        ConsumerRecord<byte[], byte[]> tombstone = new ConsumerRecord<>("t", 1, 8, "k".getBytes(StandardCharsets.UTF_8), null);
        assertThat(TailCommand.toJsonLine(tombstone)).endsWith("\"value\":null}");
        ConsumerRecord<byte[], byte[]> text = new ConsumerRecord<>("t", 1, 9, null, "plain".getBytes(StandardCharsets.UTF_8));
        assertThat(TailCommand.toJsonLine(text)).contains("\"key\":null").endsWith("\"value\":\"plain\"}");
    }

    @Test
    void brokerIsOneCombinedNodeWithSingleReplicaInternalTopics() {
        var props = DevBroker.serverProperties(Path.of("/data"), "127.0.0.1", 9092, 9093);
        assertThat(props.getProperty("process.roles")).isEqualTo("broker,controller");
        assertThat(props.getProperty("advertised.listeners")).isEqualTo("PLAINTEXT://127.0.0.1:9092");
        assertThat(props.getProperty("controller.quorum.voters")).isEqualTo("1@127.0.0.1:9093");
        assertThat(props.getProperty("transaction.state.log.replication.factor")).isEqualTo("1");
        assertThat(props.getProperty("log.dirs")).isEqualTo("/data/logs");
    }

    @Test
    void aServerLineShowsItsProcessCountsAndItsContainersWhenKnown() {
        ProcessCounts processes = new ProcessCounts("web-1", 2, 1, 0, 3, Map.of(), 0);
        ContainerCounts containers = new ContainerCounts("web-1", 1, 0, 2, 3, 0);
        assertThat(StatusTable.countsLine("web-1", processes, containers))
                .isEqualTo("web-1: 2 up, 1 down, 0 unknown of 3; containers 1 running, 0 paused, 2 stopped");
        assertThat(StatusTable.countsLine("web-1", processes, null)).isEqualTo("web-1: 2 up, 1 down, 0 unknown of 3");
        assertThat(StatusTable.countsLine("db-1", null, containers))
                .isEqualTo("db-1: containers 1 running, 0 paused, 2 stopped");
    }

    @Test
    void uptimeIsFormattedAsHoursMinutesSeconds() {
        assertThat(StatusView.formatUptime(0)).isEqualTo("0:00:00");
        assertThat(StatusView.formatUptime(3725)).isEqualTo("1:02:05");
        assertThat(StatusView.formatUptime(86_400 + 5)).isEqualTo("1 day, 0:00:05");
        assertThat(StatusView.formatUptime(3 * 86_400 + 4 * 3600 + 5 * 60 + 6)).isEqualTo("3 days, 4:05:06");
    }

    @Test
    void aProcessRowShowsHowItsLastRunEndedAndItsLastLineOfOutput() {
        ProcessStatus killed = status(new ProcessStatus.LastExit("EXITED", false, null, "SIGKILL", 12.0, null, null,
                null, 0), -1);
        ProcessStatus crashed = status(new ProcessStatus.LastExit("BACKOFF", null, 3, null, 0.1,
                "crasher: cannot open /etc/crasher.conf because it is missing entirely", "stderr", null, 0), 3);

        assertThat(StatusView.exit(killed)).isEqualTo("SIGKILL");
        assertThat(StatusTable.lastOutput(killed)).isEmpty();
        assertThat(StatusView.exit(crashed)).isEqualTo("3");
        assertThat(StatusTable.lastOutput(crashed)).isEqualTo("crasher: cannot open /etc/crasher.conf be...")
                .hasSize(44);
        assertThat(StatusView.exit(status(null, null))).isEqualTo("-");
    }

    @Test
    void statusSaysWhyAProcessIsNotRunning_itsSpawnErrorElseItsLastLineOfOutput() {
        ProcessStatus.LastExit crashed = new ProcessStatus.LastExit("BACKOFF", null, 3, null, 0.1,
                "crasher: cannot open /etc/crasher.conf", "stderr", null, 0);
        assertThat(StatusView.info(fatal("Exited too quickly (process log may have details)", crashed)))
                .as("the output says more than supervisord's 'Exited too quickly'")
                .isEqualTo("crasher: cannot open /etc/crasher.conf");
        assertThat(StatusView.info(fatal("Exited too quickly (process log may have details)", null)))
                .isEqualTo("Exited too quickly (process log may have details)");
        assertThat(StatusView.info(fatal("can't find command '/usr/bin/cronx'", crashed)))
                .as("a spawn error: this time it did not even start").isEqualTo("can't find command '/usr/bin/cronx'");
        assertThat(StatusView.info(status(crashed, 3))).isEqualTo("crasher: cannot open /etc/crasher.conf");
        ProcessStatus runningAgain = new ProcessStatus("web-1", "web", "web", "RUNNING", 20, 7L, 0L, 0, 3, null, null,
                CheckStatus.OK, 0, ProcessStatus.SOURCE_EVENT, 0, 0, crashed);
        assertThat(StatusView.info(runningAgain)).as("the row of a running process is its current run").isEmpty();
        assertThat(StatusView.table(java.util.List.of(runningAgain), 1000).get(1))
                .as("no exit status while it runs").contains(" 0:00:01  -  ");
    }

    private static ProcessStatus fatal(String spawnErr, ProcessStatus.LastExit lastExit) {
        return new ProcessStatus("web-1", "web", "web", "FATAL", 200, null, null, 0, 3, spawnErr, null,
                CheckStatus.CRITICAL, 0, ProcessStatus.SOURCE_EVENT, 0, 0, lastExit);
    }

    private static ProcessStatus status(ProcessStatus.LastExit lastExit, Integer exitStatus) {
        return new ProcessStatus("web-1", "web", "web", "EXITED", 100, null, null, 0, exitStatus, null, null,
                CheckStatus.CRITICAL, 0, ProcessStatus.SOURCE_EVENT, 0, 0, lastExit);
    }
}
