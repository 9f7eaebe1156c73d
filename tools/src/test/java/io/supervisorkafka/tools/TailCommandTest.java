package io.supervisorkafka.tools;

import static org.assertj.core.api.Assertions.assertThat;

import io.supervisorkafka.testkit.ChildProcess;
import io.supervisorkafka.testkit.Ports;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** What {@code tail} says when it cannot start: one line, no Java exception, and a non-zero exit. */
class TailCommandTest {
    @TempDir
    Path dir;

    /** Runs tail in process with a short wait for a broker; returns its exit code, its error output in {@code err}. */
    private static int tail(StringWriter err, String... args) {
        CommandLine commandLine = ToolsMain.commandLine();
        CommandLine tail = commandLine.getSubcommands().get("tail");
        ((TailCommand) tail.getCommand()).brokerTimeout = Duration.ofSeconds(2);
        commandLine.setErr(new PrintWriter(err, true));
        String[] command = new String[args.length + 1];
        command[0] = "tail";
        System.arraycopy(args, 0, command, 1, args.length);
        return commandLine.execute(command);
    }

    @Test
    void noBrokerAtTheAddressIsOneLineAndExitCode1() throws Exception {
        String address = "127.0.0.1:" + Ports.freeTcpPort();
        StringWriter err = new StringWriter();
        assertThat(tail(err, "-b", address, "supervisor.events")).isEqualTo(1);
        assertThat(err.toString()).isEqualTo("supervisor-kafka tail: no Kafka broker answered at " + address
                + " within 2 s" + System.lineSeparator());
    }

    @Test
    void anUnreadableConfigFileIsOneLineAndExitCode2() {
        Path missing = dir.resolve("consumer.properties");
        StringWriter err = new StringWriter();
        assertThat(tail(err, "--config", missing.toString(), "supervisor.events")).isEqualTo(2);
        assertThat(err.toString()).isEqualTo("supervisor-kafka tail: cannot read --config " + missing
                + ": no such file" + System.lineSeparator());
    }

    @Test
    void asAUserRunsIt_theOneLineIsAllThatIsPrinted() throws Exception {
        String address = "127.0.0.1:" + Ports.freeTcpPort();
        ChildProcess.Output run = ChildProcess.run(new ProcessBuilder(ChildProcess.java(
                ToolsMain.class.getName(), "tail", "--bootstrap-servers", address, "supervisor.events")),
                Duration.ofMinutes(1));
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.text()).as("stdout and stderr, Kafka's client logs included").isEqualTo(
                "supervisor-kafka tail: no Kafka broker answered at " + address + " within "
                        + TailCommand.BROKER_TIMEOUT.toSeconds() + " s" + System.lineSeparator());
    }
}
