package io.supervisorkafka.tools;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code bin/supervisor-kafka status|tail}: the commands an operator runs against a cluster, the main class of
 * {@code supervisor-kafka-cli.jar}. That jar is the tools' without the development broker (Kafka's server jars and
 * Scala), small enough for the Debian package; {@link ToolsMain} has these commands too.
 */
@Command(name = "supervisor-kafka", mixinStandardHelpOptions = true, usageHelpWidth = 100, usageHelpAutoWidth = true,
        subcommands = {StatusCommand.class, TailCommand.class},
        description = "The fleet's status and the topics' records, read from Kafka.")
public final class CliMain {

    public static void main(String[] args) {
        StderrLogging.install();
        System.exit(commandLine().execute(args));
    }

    /** The command line of the operator's commands, with their help wrapped at spaces. */
    static CommandLine commandLine() {
        return WordWrappedHelp.install(new CommandLine(new CliMain()));
    }
}
