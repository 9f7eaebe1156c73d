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
        // Kafka's clients log a refused login at WARN (the admin client's metadata update) and at ERROR on every
        // retry (NetworkClient); BrokerCheck and KafkaRefusal say it once, in the command's one line. The listener
        // turns NetworkClient off too.
        quietByDefault("org.slf4j.simpleLogger.log.org.apache.kafka", "error");
        quietByDefault("org.slf4j.simpleLogger.log.org.apache.kafka.clients.NetworkClient", "off");
        StderrLogging.install();
        System.exit(commandLine().execute(args));
    }

    private static void quietByDefault(String logger, String level) {
        if (System.getProperty(logger) == null) {
            System.setProperty(logger, level);
        }
    }

    /** The command line of the operator's commands, with their help wrapped at spaces. */
    static CommandLine commandLine() {
        return WordWrappedHelp.install(new CommandLine(new CliMain()));
    }
}
