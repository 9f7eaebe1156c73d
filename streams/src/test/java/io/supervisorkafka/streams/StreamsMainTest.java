package io.supervisorkafka.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.supervisorkafka.streams.prometheus.HttpListen;
import io.supervisorkafka.streams.supervisor.FlappingPolicy;
import io.supervisorkafka.streams.supervisor.WatchRules;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class StreamsMainTest {

    @TempDir
    Path dir;

    private static StreamsMain parse(String... args) {
        StreamsMain main = new StreamsMain();
        new CommandLine(main).parseArgs(args);
        return main;
    }

    @Test
    void theDefaultsAreExactlyOnceAndNeverDyingOnBadInput() {
        StreamsMain main = parse("--bootstrap-servers", "localhost:9092");
        Properties properties = main.streamsProperties();

        assertThat(properties).containsEntry(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:9092")
                .containsEntry(StreamsConfig.APPLICATION_ID_CONFIG, "supervisor-kafka-streams")
                .containsEntry(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, "exactly_once_v2")
                .containsEntry(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
                        LogAndContinueExceptionHandler.class.getName())
                .containsEntry(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG,
                        ProductionErrorPolicy.class.getName())
                .containsEntry(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, "supervisor.dead-letters")
                .doesNotContainKey(StreamsConfig.STATE_DIR_CONFIG);
        assertThat(main.pipelineConfig(properties)).isEqualTo(PipelineConfig.defaults());
    }

    @Test
    void theConfigFilePassesThroughAndTheOptionsOverrideIt() throws IOException {
        Path file = dir.resolve("streams.properties");
        Files.writeString(file, String.join("\n",
                "bootstrap.servers=file:9092",
                "application.id=from-file",
                "state.dir=/var/lib/from-file",
                "processing.guarantee=at_least_once",
                "num.stream.threads=2",
                "replication.factor=3"));

        Properties fromFile = parse("--config", file.toString()).streamsProperties();
        assertThat(fromFile).containsEntry("application.id", "from-file")
                .containsEntry("processing.guarantee", "at_least_once")
                .containsEntry("num.stream.threads", "2")
                .containsEntry("state.dir", "/var/lib/from-file");
        assertThat(parse("--config", file.toString()).pipelineConfig(fromFile).replicationFactor())
                .isEqualTo((short) 3);

        StreamsMain main = parse("--config", file.toString(), "--bootstrap-servers", "flag:9092",
                "--application-id", "from-flag", "--state-dir", "/tmp/flag", "--replication-factor", "1",
                "--partitions", "6", "--punctuate-interval", "500ms", "--stale-after", "2m",
                "--dedup-retention", "PT30M");
        Properties overridden = main.streamsProperties();
        assertThat(overridden).containsEntry("bootstrap.servers", "flag:9092")
                .containsEntry("application.id", "from-flag")
                .containsEntry("state.dir", "/tmp/flag")
                .containsEntry("replication.factor", "1");
        assertThat(main.pipelineConfig(overridden)).isEqualTo(new PipelineConfig(Duration.ofMillis(500),
                Duration.ofMinutes(2), Duration.ofMinutes(30), 6, (short) 1));
    }

    @Test
    void withoutBootstrapServersItIsAUsageError() {
        StringWriter err = new StringWriter();
        int exitCode = new CommandLine(new StreamsMain()).setErr(new PrintWriter(err)).execute();

        assertThat(exitCode).isEqualTo(2);
        assertThat(err.toString()).contains("Missing --bootstrap-servers");
    }

    @Test
    void badValuesAreUsageErrors() {
        for (String[] args : new String[][] {
                {"--bootstrap-servers", "x:1", "--punctuate-interval", "soon"},
                {"--bootstrap-servers", "x:1", "--partitions", "0"},
                {"--bootstrap-servers", "x:1", "--stale-after", "0s"},
                {"--bootstrap-servers", "x:1", "--replication-factor", "0"},
                {"--bootstrap-servers", "x:1", "--flapping-threshold", "0"},
                {"--bootstrap-servers", "x:1", "--flapping-window", "0s"},
                {"--bootstrap-servers", "x:1", "--exit-context-wait", "soon"},
                {"--config", dir.resolve("missing.properties").toString()}}) {
            int exitCode = new CommandLine(new StreamsMain()).setErr(new PrintWriter(new StringWriter()))
                    .execute(args);
            assertThat(exitCode).as(String.join(" ", args)).isEqualTo(2);
        }
    }

    @Test
    void thePrometheusEndpointIsOffUnlessGivenByTheOptionOrTheConfigFile() throws IOException {
        Path file = dir.resolve("streams.properties");
        Files.writeString(file, "bootstrap.servers=file:9092\nhttp.listen=0.0.0.0:9400\n");

        StreamsMain none = parse("--bootstrap-servers", "x:1");
        assertThat(none.httpListen(none.streamsProperties())).isEmpty();
        StreamsMain fromFile = parse("--config", file.toString());
        Properties properties = fromFile.streamsProperties();
        assertThat(fromFile.httpListen(properties)).contains(new HttpListen("0.0.0.0", 9400));
        assertThat(StreamsMain.withoutPipelineKeys(properties)).doesNotContainKey("http.listen");
        StreamsMain option = parse("--config", file.toString(), "--http-listen", ":9401");
        assertThat(option.httpListen(option.streamsProperties())).contains(new HttpListen("127.0.0.1", 9401));
    }

    @Test
    void aBadListenAddressIsOneLineAndAUsageErrorBeforeAnyBrokerIsAsked() {
        StringWriter err = new StringWriter();
        // Nothing listens on port 9: the address is refused before the broker check would have failed.
        int exitCode = new CommandLine(new StreamsMain()).setErr(new PrintWriter(err))
                .execute("--bootstrap-servers", "127.0.0.1:9", "--http-listen", "web:port");

        assertThat(exitCode).isEqualTo(2);
        assertThat(err.toString()).isEqualTo("supervisor-kafka-streams: --http-listen (http.listen) must be "
                + "HOST:PORT, :PORT or PORT, not 'web:port'" + System.lineSeparator());
    }

    @Test
    void theWatchRulesComeFromTheConfigFileAndNotToKafkaStreams() throws IOException {
        Path file = dir.resolve("streams.properties");
        Files.writeString(file, String.join("\n",
                "bootstrap.servers=file:9092",
                "watch.rules=batch",
                "watch.batch.servers=batch-*",
                "watch.batch.status_mapping_override=STOPPED:OK",
                "watch.batch.server_check=false"));
        StreamsMain main = parse("--config", file.toString(), "--exit-context-wait", "0ms", "--flapping-threshold",
                "5", "--flapping-window", "10m");

        Properties properties = main.streamsProperties();
        PipelineConfig config = main.pipelineConfig(properties);

        assertThat(config.watch()).isEqualTo(WatchRules.parse(Map.of("watch.rules", "batch",
                "watch.batch.servers", "batch-*", "watch.batch.status_mapping_override", "STOPPED:OK",
                "watch.batch.server_check", "false")));
        assertThat(config.exitContextWait()).isZero();
        assertThat(config.flapping()).isEqualTo(new FlappingPolicy(5, Duration.ofMinutes(10),
                Duration.ofMinutes(10)));
        assertThat(StreamsMain.withoutPipelineKeys(properties)).containsEntry("bootstrap.servers", "file:9092")
                .noneSatisfy((key, value) -> assertThat(key.toString()).startsWith("watch."));
        assertThat(parse("--bootstrap-servers", "x:1").pipelineConfig(new Properties())).satisfies(defaults -> {
            assertThat(defaults.exitContextWait()).isEqualTo(PipelineConfig.DEFAULT_EXIT_CONTEXT_WAIT);
            assertThat(defaults.flapping()).isEqualTo(FlappingPolicy.defaults());
            assertThat(defaults.watch()).isEqualTo(WatchRules.none());
        });
    }

    @Test
    void aWrongWatchRuleIsOneLineNamingTheKey() throws IOException {
        Path file = dir.resolve("streams.properties");
        Files.writeString(file, "bootstrap.servers=x:1\nwatch.rules=web\nwatch.web.proc_regex=(\n");
        StringWriter err = new StringWriter();

        int exitCode = new CommandLine(new StreamsMain()).setErr(new PrintWriter(err))
                .execute("--config", file.toString());

        assertThat(exitCode).isEqualTo(2);
        assertThat(err.toString()).startsWith("supervisor-kafka-streams: watch.web.proc_regex: not a regular "
                + "expression: (").endsWith(System.lineSeparator()).hasLineCount(1);
    }

    @Test
    void theInfluxOutputIsOffUnlessTheOptionOrTheConfigFileTurnsItOn() throws IOException {
        Path file = dir.resolve("streams.properties");
        Files.writeString(file, "bootstrap.servers=file:9092\ninflux.enabled = TRUE \n");

        assertThat(parse("--bootstrap-servers", "x:1").pipelineConfig(new Properties()).influx()).isFalse();
        assertThat(parse("--bootstrap-servers", "x:1", "--influx").pipelineConfig(new Properties()).influx()).isTrue();
        StreamsMain fromFile = parse("--config", file.toString());
        Properties properties = fromFile.streamsProperties();
        assertThat(fromFile.pipelineConfig(properties).influx()).isTrue();
        assertThat(StreamsMain.withoutPipelineKeys(properties)).containsEntry("bootstrap.servers", "file:9092")
                .doesNotContainKey("influx.enabled");
        StreamsMain overridden = parse("--config", file.toString(), "--influx=false");
        assertThat(overridden.pipelineConfig(overridden.streamsProperties()).influx()).isFalse();
        assertThat(new CommandLine(new StreamsMain()).getUsageMessage()).contains("--influx", "supervisor.influx");
    }

    @Test
    void aWrongInfluxSettingIsOneLineNamingTheKey() throws IOException {
        for (String[] setting : new String[][] {
                {"influx.enabled=yes", "influx.enabled: must be true or false, not 'yes'"},
                {"influx.enable=true", "influx.enable: not a setting (the influx output has only influx.enabled)"}}) {
            Path file = dir.resolve("streams.properties");
            Files.writeString(file, "bootstrap.servers=x:1\n" + setting[0] + "\n");
            StringWriter err = new StringWriter();

            int exitCode = new CommandLine(new StreamsMain()).setErr(new PrintWriter(err))
                    .execute("--config", file.toString());

            assertThat(exitCode).as(setting[0]).isEqualTo(2);
            assertThat(err.toString()).isEqualTo("supervisor-kafka-streams: " + setting[1] + System.lineSeparator());
        }
    }

    @Test
    void anUnreadableConfigFileIsOneLineAsTheListenerSaysIt() {
        Path missing = dir.resolve("missing.properties");
        StringWriter err = new StringWriter();
        int exitCode = new CommandLine(new StreamsMain()).setErr(new PrintWriter(err))
                .execute("--config", missing.toString());

        assertThat(exitCode).isEqualTo(2);
        assertThat(err.toString()).isEqualTo("supervisor-kafka-streams: cannot read --config " + missing
                + ": no such file" + System.lineSeparator());
    }

    @Test
    void whenNoBrokerAnswersItSaysSoInOneLineAndExitsWithOne() throws Exception {
        Path out = dir.resolve("stdout");
        Path err = dir.resolve("stderr");
        // A JVM of its own, as the command runs: what the user sees on stderr includes the Kafka client's logging.
        Process streams = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), StreamsMain.class.getName(),
                "--bootstrap-servers", "127.0.0.1:1", "--broker-timeout", "2s")
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        try {
            assertThat(streams.waitFor(2, TimeUnit.MINUTES)).as("the command ended").isTrue();
        } finally {
            streams.destroyForcibly();
        }

        assertThat(streams.exitValue()).isEqualTo(1);
        assertThat(Files.readAllLines(err))
                .containsExactly("supervisor-kafka-streams: no Kafka broker answered at 127.0.0.1:1 within 2 s");
        assertThat(Files.readString(out)).isEmpty();
    }

    @Test
    void helpWrapsBetweenWordsNotInsideNames() {
        CommandLine commandLine = new CommandLine(new StreamsMain());
        String usage = commandLine.getUsageMessage();
        Pattern dottedName = Pattern.compile("[A-Za-z_-]+(\\.[A-Za-z_-]+)+");

        assertThat(usage.lines()).allSatisfy(line -> assertThat(line.length())
                .isLessThanOrEqualTo(commandLine.getCommandSpec().usageMessage().width()));
        for (CommandLine.Model.OptionSpec option : commandLine.getCommandSpec().options()) {
            Matcher names = dottedName.matcher(String.join(" ", option.description()));
            while (names.find()) {
                assertThat(usage).as("%s in the help of %s", names.group(), option.longestName())
                        .contains(names.group());
            }
        }
    }

    @Test
    void helpListsEveryOption() {
        String usage = new CommandLine(new StreamsMain()).getUsageMessage();

        assertThat(usage).contains("--bootstrap-servers", "--config", "--application-id", "--state-dir",
                "--partitions", "--replication-factor", "--punctuate-interval", "--stale-after", "--dedup-retention",
                "--close-timeout", "--broker-timeout", "--warm-up", "Default: 15s", "Default: 90s");
    }

    @Test
    void durationsReadAsPeopleWriteThem() {
        DurationConverter converter = new DurationConverter();

        assertThat(converter.convert("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(converter.convert("15s")).isEqualTo(Duration.ofSeconds(15));
        assertThat(converter.convert("2m")).isEqualTo(Duration.ofMinutes(2));
        assertThat(converter.convert("1h")).isEqualTo(Duration.ofHours(1));
        assertThat(converter.convert("1d")).isEqualTo(Duration.ofDays(1));
        assertThat(converter.convert("PT15S")).isEqualTo(Duration.ofSeconds(15));
        assertThat(converter.convert(" 90S ")).isEqualTo(Duration.ofSeconds(90));
        assertThatThrownBy(() -> converter.convert("15")).isInstanceOf(CommandLine.TypeConversionException.class);
    }
}
