package io.supervisorkafka.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.supervisorkafka.schemas.CheckStatus;
import io.supervisorkafka.schemas.Json;
import io.supervisorkafka.schemas.JsonSerde;
import io.supervisorkafka.schemas.ProcessState;
import io.supervisorkafka.schemas.ProcessStatus;
import io.supervisorkafka.schemas.Topics;
import io.supervisorkafka.testkit.ChildProcess;
import io.supervisorkafka.testkit.Ports;
import io.supervisorkafka.testkit.SingleNodeKafka;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code status} against a real broker: the real record type on the compacted topic, the command run in process with
 * its output captured. Each test writes the processes of servers of its own and selects them with {@code --server},
 * so that the tests share one broker.
 */
class StatusCommandTest {
    private static final Instant NOW = Instant.parse("2026-11-22T12:00:00Z");
    private static final Duration PATIENCE = Duration.ofMinutes(1);

    private static KafkaClusterTestKit kafka;
    private static KafkaProducer<String, ProcessStatus> producer;

    @BeforeAll
    static void startBroker() throws Exception {
        kafka = SingleNodeKafka.start();
        createStatusTopic(kafka.bootstrapServers());
        producer = producer(kafka.bootstrapServers());
    }

    @AfterAll
    static void stopBroker() throws Exception {
        if (producer != null) {
            producer.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    /** A run of the command: its exit code, stdout and stderr. */
    record Run(int exitCode, String out, String err) {
        List<String> lines() {
            return out.lines().toList();
        }
    }

    /** Runs {@code status ARGS} against the test's broker, its clock at {@link #NOW}. */
    private static Run status(String... args) {
        return run(null, args);
    }

    private static Run run(String bootstrap, String... args) {
        CommandLine commandLine = ToolsMain.commandLine();
        ((StatusCommand) commandLine.getSubcommands().get("status").getCommand()).clock =
                Clock.fixed(NOW, ZoneOffset.UTC);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        List<String> command = new ArrayList<>(List.of("status", "--bootstrap-servers",
                bootstrap != null ? bootstrap : kafka.bootstrapServers()));
        command.addAll(List.of(args));
        int code = commandLine.execute(command.toArray(String[]::new));
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void theTableHasOneLinePerProcessWithTheLatestRecordOfEach() throws Exception {
        produce(running("table-1", "web", "web", 4242, NOW.minusSeconds(3725)));
        produce(exited("table-1", "worker", "worker_0", 3, null, "ImportError: no module named flask"));
        produce(new ProcessStatus("table-1", "cron", "cron", "FATAL", 200, null, null, 0, null,
                "can't find command '/usr/bin/cronx'", null, CheckStatus.CRITICAL,
                NOW.minusSeconds(60).toEpochMilli(), ProcessStatus.SOURCE_EVENT, 0, 0, null));
        produce(state("table-2", "web", "web", ProcessState.STARTING));
        produce(running("table-2", "web", "web", 77, NOW.minus(Duration.ofDays(2)).minusSeconds(3725)));
        produce(exited("table-2", "killer", "killer", -1, "SIGKILL", null));
        produce(running("table-2", "old", "old", 5, NOW.minusSeconds(10)));
        tombstone("table-2/old:old");

        Run run = status("--server", "table-*");

        assertThat(run.out()).isEqualTo("""
                SERVER   PROCESS          STATE    CHECK      PID           UPTIME  EXIT     SINCE                 INFO
                table-1  cron:cron        FATAL    CRITICAL     -                -  -        2026-11-22T11:59:00Z  can't find command '/usr/bin/cronx'
                table-1  web:web          RUNNING  OK        4242          1:02:05  -        2026-11-22T10:57:55Z
                table-1  worker:worker_0  EXITED   CRITICAL     -                -  3        2026-11-22T11:50:00Z  ImportError: no module named flask
                table-2  killer:killer    EXITED   CRITICAL     -                -  SIGKILL  2026-11-22T11:50:00Z
                table-2  web:web          RUNNING  OK          77  2 days, 1:02:05  -        2026-11-20T10:57:55Z
                """);
        assertThat(run.exitCode()).as("a CRITICAL process").isEqualTo(2);
        assertThat(run.err()).isEmpty();
    }

    @Test
    void theFiltersSelectByServerGlobStateAndCheckInAnyCase() throws Exception {
        produce(running("filter-1", "web", "web", 1, NOW.minusSeconds(5)));
        produce(exited("filter-1", "batch", "batch", 0, null, null));
        produce(state("filter-1", "app", "app", ProcessState.STARTING));
        produce(state("filter-2", "app", "app", ProcessState.FATAL));
        produce(state("filter-10", "app", "app", ProcessState.BACKOFF));

        assertThat(processes(status("--server", "filter-?"))).containsExactly("filter-1 app:app",
                "filter-1 batch:batch", "filter-1 web:web", "filter-2 app:app");
        assertThat(processes(status("--server", "filter-1,filter-1?"))).containsExactly("filter-1 app:app",
                "filter-1 batch:batch", "filter-1 web:web", "filter-10 app:app");
        assertThat(processes(status("--server", "filter-2", "--server", "filter-10")))
                .containsExactly("filter-10 app:app", "filter-2 app:app");

        assertThat(processes(status("--server", "filter-*", "--state", "fatal,Backoff")))
                .containsExactly("filter-10 app:app", "filter-2 app:app");
        assertThat(processes(status("--server", "filter-*", "--state", "exited", "--state", "STARTING")))
                .containsExactly("filter-1 app:app", "filter-1 batch:batch");

        Run critical = status("--server", "filter-*", "--check", "critical");
        assertThat(processes(critical)).containsExactly("filter-1 batch:batch", "filter-10 app:app",
                "filter-2 app:app");
        assertThat(critical.exitCode()).isEqualTo(2);
        Run unknown = status("--server", "filter-*", "--check", "UNKNOWN");
        assertThat(processes(unknown)).containsExactly("filter-1 app:app");
        assertThat(unknown.exitCode()).as("an UNKNOWN process, none CRITICAL").isEqualTo(1);
        Run ok = status("--server", "filter-*", "--check", "ok", "--state", "running");
        assertThat(processes(ok)).containsExactly("filter-1 web:web");
        assertThat(ok.exitCode()).isZero();

        Run none = status("--server", "filter-*", "--check", "warning");
        assertThat(none.lines()).as("the header only").hasSize(1);
        assertThat(none.exitCode()).as("nothing shown is not OK").isZero();
    }

    @Test
    void jsonIsOneObjectPerLineWithStableFieldNames() throws Exception {
        produce(running("json-1", "web", "web", 4242, NOW.minusSeconds(61)));
        produce(exited("json-1", "worker", "worker_0", 3, null, "ImportError: no module named flask"));

        Run run = status("--server", "json-*", "--json");

        assertThat(run.exitCode()).isEqualTo(2);
        List<JsonNode> lines = run.lines().stream().map(StatusCommandTest::parse).toList();
        assertThat(lines).hasSize(2);
        JsonNode web = lines.get(0);
        assertThat(fieldNames(web)).containsExactly("server", "group", "name", "state", "stateCode", "check", "pid",
                "startedAt", "uptime", "exitStatus", "signal", "since", "spawnErr", "lastOutput", "updatedAt");
        assertThat(web.get("server").asText()).isEqualTo("json-1");
        assertThat(web.get("name").asText()).isEqualTo("web");
        assertThat(web.get("state").asText()).isEqualTo("RUNNING");
        assertThat(web.get("stateCode").asInt()).isEqualTo(20);
        assertThat(web.get("check").asText()).isEqualTo("OK");
        assertThat(web.get("pid").asLong()).isEqualTo(4242);
        assertThat(web.get("uptime").asLong()).as("counted to now").isEqualTo(61);
        assertThat(web.get("exitStatus").isNull()).isTrue();
        JsonNode worker = lines.get(1);
        assertThat(worker.get("state").asText()).isEqualTo("EXITED");
        assertThat(worker.get("check").asText()).isEqualTo("CRITICAL");
        assertThat(worker.get("pid").isNull()).isTrue();
        assertThat(worker.get("uptime").asLong()).isZero();
        assertThat(worker.get("exitStatus").asInt()).isEqualTo(3);
        assertThat(worker.get("lastOutput").asText()).isEqualTo("ImportError: no module named flask");
        assertThat(worker.get("since").asLong()).isEqualTo(NOW.minusSeconds(600).toEpochMilli());
    }

    @Test
    void theExitCodeIsTheWorstCheckShown() throws Exception {
        produce(running("exit-ok", "web", "web", 1, NOW.minusSeconds(5)));
        produce(state("exit-warn", "app", "app", ProcessState.STARTING));
        produce(new ProcessStatus("exit-warning", "app", "app", "RUNNING", 20, 2L, NOW.toEpochMilli(), 0, null,
                null, null, CheckStatus.WARNING, NOW.toEpochMilli(), ProcessStatus.SOURCE_EVENT, 0, 0, null));
        produce(state("exit-crit", "app", "app", ProcessState.FATAL));
        produce(running("exit-crit", "web", "web", 3, NOW.minusSeconds(5)));

        assertThat(status("--server", "exit-ok").exitCode()).isZero();
        assertThat(status("--server", "exit-warn").exitCode()).as("STARTING: UNKNOWN").isEqualTo(1);
        assertThat(status("--server", "exit-warning").exitCode()).as("WARNING").isEqualTo(1);
        assertThat(status("--server", "exit-*").exitCode()).as("one CRITICAL among them").isEqualTo(2);
        assertThat(status("--server", "exit-crit", "--state", "RUNNING").exitCode())
                .as("of the processes shown only").isZero();
        assertThat(status("--server", "exit-*", "--summary").out()).isEqualTo("CRITICAL: 5 processes: 1 CRITICAL, 1"
                + " WARNING, 1 UNKNOWN, 2 OK; exit-crit app:app FATAL, exit-warn app:app STARTING, exit-warning"
                + " app:app RUNNING" + System.lineSeparator());
        assertThat(status("--server", "exit-ok", "--summary").out()).isEqualTo("OK: 1 process OK"
                + System.lineSeparator());
    }

    @Test
    void cannotReadIsOneLineAndExitCode3() throws Exception {
        String nobody = "127.0.0.1:" + Ports.freeTcpPort();
        Run noBroker = run(nobody, "--timeout", "2s");
        assertThat(noBroker.exitCode()).isEqualTo(3);
        assertThat(noBroker.out()).isEmpty();
        assertThat(noBroker.err()).isEqualTo("supervisor-kafka status: no Kafka broker answered at " + nobody
                + " within 2 s" + System.lineSeparator());

        Run noServer = status("--server", "no-such-server-*");
        assertThat(noServer.exitCode()).as("a --server that matches no process: a mistake, not all OK").isEqualTo(3);
        assertThat(noServer.err()).isEqualTo("supervisor-kafka status: no process of a server matching"
                + " no-such-server-* on supervisor.process-status" + System.lineSeparator());

        Run badState = status("--state", "RUNING");
        assertThat(badState.exitCode()).isEqualTo(3);
        assertThat(badState.err()).isEqualTo("supervisor-kafka status: --state RUNING: not a supervisord state (one of"
                + " STOPPED, STARTING, RUNNING, BACKOFF, STOPPING, EXITED, FATAL, UNKNOWN)" + System.lineSeparator());
        assertThat(status("--check", "BAD").exitCode()).isEqualTo(3);
        assertThat(status("--no-such-option").exitCode()).as("bad usage: UNKNOWN, never CRITICAL").isEqualTo(3);
        assertThat(status("--config", "/nonexistent/consumer.properties").err())
                .isEqualTo("supervisor-kafka status: cannot read --config /nonexistent/consumer.properties: no such"
                        + " file" + System.lineSeparator());
    }

    @Test
    void aClusterWithoutTheTopicOrWithoutAProcessIsExitCode3() throws Exception {
        try (KafkaClusterTestKit fresh = SingleNodeKafka.start()) {
            Run noTopic = run(fresh.bootstrapServers(), "--timeout", "5s");
            assertThat(noTopic.exitCode()).isEqualTo(3);
            assertThat(noTopic.err()).isEqualTo("supervisor-kafka status: topic supervisor.process-status does not"
                    + " exist (the Streams app creates it at its start)" + System.lineSeparator());

            createStatusTopic(fresh.bootstrapServers());
            Run empty = run(fresh.bootstrapServers());
            assertThat(empty.exitCode()).isEqualTo(3);
            assertThat(empty.err()).isEqualTo("supervisor-kafka status: no process on supervisor.process-status yet"
                    + " (its listeners and the Streams app write them)" + System.lineSeparator());
        }
    }

    @Test
    void watchAppendsATablePerChangeWhenNotInATerminal() throws Exception {
        produce(running("watch-1", "web", "web", 10, NOW.minusSeconds(5)));
        CommandLine commandLine = ToolsMain.commandLine();
        StatusCommand command = (StatusCommand) commandLine.getSubcommands().get("status").getCommand();
        command.clock = Clock.fixed(NOW, ZoneOffset.UTC);
        StringWriter out = new StringWriter();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(new StringWriter(), true));
        CompletableFuture<Integer> watching = CompletableFuture.supplyAsync(() -> commandLine.execute("status",
                "--bootstrap-servers", kafka.bootstrapServers(), "--server", "watch-*", "--watch", "--append"));
        try {
            await("the first table").atMost(PATIENCE).untilAsserted(() -> assertThat(out.toString()).contains(
                    "watch-1  web:web  RUNNING  OK      10  0:00:05  -     2026-11-22T11:59:55Z"));
            assertThat(out.toString().lines().findFirst())
                    .contains("2026-11-22T12:00:00Z  OK: 1 process OK");

            produce(exited("watch-1", "web", "web", 1, null, "boom"));
            await("a second table, with the exit").atMost(PATIENCE).untilAsserted(() -> assertThat(out.toString())
                    .contains("2026-11-22T12:00:00Z  CRITICAL: 1 process: 1 CRITICAL; watch-1 web:web EXITED")
                    .contains("watch-1  web:web  EXITED  CRITICAL    -       -  1     2026-11-22T11:50:00Z  boom"));
            assertThat(out.toString()).as("appended, never an escape sequence").doesNotContain("\033")
                    .contains("RUNNING");
        } finally {
            command.stop();
        }
        assertThat(watching.get(1, TimeUnit.MINUTES)).as("the exit code of the last view").isEqualTo(2);
    }

    @Test
    void watchWithJsonPrintsALinePerChangeAndRemovedProcesses() throws Exception {
        produce(running("watchjson-1", "web", "web", 10, NOW.minusSeconds(5)));
        produce(running("watchjson-1", "gone", "gone", 11, NOW.minusSeconds(5)));
        CommandLine commandLine = ToolsMain.commandLine();
        StatusCommand command = (StatusCommand) commandLine.getSubcommands().get("status").getCommand();
        StringWriter out = new StringWriter();
        commandLine.setOut(new PrintWriter(out, true));
        CompletableFuture<Integer> watching = CompletableFuture.supplyAsync(() -> commandLine.execute("status",
                "--bootstrap-servers", kafka.bootstrapServers(), "--server", "watchjson-*", "--watch", "--json"));
        try {
            await("both processes").atMost(PATIENCE).until(() -> out.toString().lines().count() == 2);
            tombstone("watchjson-1/gone:gone");
            await("the removal").atMost(PATIENCE).until(() -> out.toString().lines().count() == 3);
            assertThat(parse(out.toString().lines().toList().get(2)).toString())
                    .isEqualTo("{\"server\":\"watchjson-1\",\"group\":\"gone\",\"name\":\"gone\",\"removed\":true}");
        } finally {
            command.stop();
        }
        assertThat(watching.get(1, TimeUnit.MINUTES)).isZero();
    }

    @Test
    void asAUserRunsItWithoutABroker_theOneLineIsAllThatIsPrinted() throws Exception {
        String address = "127.0.0.1:" + Ports.freeTcpPort();
        ChildProcess.Output run = ChildProcess.run(new ProcessBuilder(ChildProcess.java(CliMain.class.getName(),
                "status", "--bootstrap-servers", address, "--timeout", "2s")), PATIENCE);
        assertThat(run.exitCode()).isEqualTo(3);
        assertThat(run.text()).as("stdout and stderr, Kafka's client logs included").isEqualTo(
                "supervisor-kafka status: no Kafka broker answered at " + address + " within 2 s"
                        + System.lineSeparator());
    }

    /** The SERVER and PROCESS of each line of the table. */
    private static List<String> processes(Run run) {
        assertThat(run.err()).isEmpty();
        return run.lines().stream().skip(1).map(line -> {
            String[] cells = line.split(" +");
            return cells[0] + " " + cells[1];
        }).toList();
    }

    private static JsonNode parse(String line) {
        try {
            return Json.MAPPER.readTree(line);
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + line, e);
        }
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static ProcessStatus running(String server, String group, String name, long pid, Instant startedAt) {
        return new ProcessStatus(server, group, name, "RUNNING", 20, pid, startedAt.toEpochMilli(), 0, null, null,
                null, CheckStatus.OK, startedAt.toEpochMilli(), ProcessStatus.SOURCE_EVENT, 0, 0, null);
    }

    /** Exited ten minutes ago with {@code exitStatus} (-1 and the signal's name for a signal). */
    private static ProcessStatus exited(String server, String group, String name, int exitStatus, String signal,
                                        String output) {
        long since = NOW.minusSeconds(600).toEpochMilli();
        ProcessStatus.LastExit last = new ProcessStatus.LastExit("EXITED", false, signal == null ? exitStatus : null,
                signal, 2.0, output, output == null ? null : "stderr", null, since);
        return new ProcessStatus(server, group, name, "EXITED", 100, null, since - 2000, 0, exitStatus, null, null,
                CheckStatus.CRITICAL, since, ProcessStatus.SOURCE_EVENT, since, since, last);
    }

    private static ProcessStatus state(String server, String group, String name, ProcessState state) {
        long since = NOW.minusSeconds(30).toEpochMilli();
        return new ProcessStatus(server, group, name, state.name(), state.code(), null, null, 0, null, null, null,
                state.check(), since, ProcessStatus.SOURCE_EVENT, since, since, null);
    }

    private static void produce(ProcessStatus status) throws Exception {
        producer.send(new ProducerRecord<>(Topics.PROCESS_STATUS, status.key(), status)).get(1, TimeUnit.MINUTES);
    }

    private static void tombstone(String key) throws Exception {
        producer.send(new ProducerRecord<>(Topics.PROCESS_STATUS, key, null)).get(1, TimeUnit.MINUTES);
    }

    /** The topic as the Streams app creates it: compacted, and here with 3 partitions to read to their ends. */
    private static void createStatusTopic(String bootstrap) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            admin.createTopics(List.of(new NewTopic(Topics.PROCESS_STATUS, Optional.of(3), Optional.empty())
                            .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT))))
                    .all().get(1, TimeUnit.MINUTES);
        }
    }

    private static KafkaProducer<String, ProcessStatus> producer(String bootstrap) {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), JsonSerde.of(ProcessStatus.class));
    }
}
