package io.supervisorkafka.tools;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code bin/supervisor-kafka broker|tail|status|demo|simulate}: the development tools, and the operator's ({@link CliMain}). */
@Command(name = "supervisor-kafka", mixinStandardHelpOptions = true, usageHelpWidth = 100, usageHelpAutoWidth = true,
        subcommands = {BrokerCommand.class, TailCommand.class, StatusCommand.class, DemoCommand.class,
                SimulateCommand.class},
        description = "Development tools of supervisor-kafka.")
public final class ToolsMain {

    public static void main(String[] args) {
        StderrLogging.install();
        System.exit(commandLine().execute(args));
    }

    /** The command line of every tool, with its help wrapped at spaces. */
    static CommandLine commandLine() {
        return WordWrappedHelp.install(new CommandLine(new ToolsMain()));
    }
}
