package io.supervisorkafka.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The help of every tool: labels that say what to give, and lines broken between words only, at any width. */
class ToolsHelpTest {
    private static final List<String> COMMANDS = List.of("tail", "status", "demo", "broker", "simulate");

    private static String help(String command, int width) {
        CommandLine commandLine = ToolsMain.commandLine().setUsageHelpAutoWidth(false).setUsageHelpWidth(width);
        return command.isEmpty() ? commandLine.getUsageMessage(CommandLine.Help.Ansi.OFF)
                : commandLine.getSubcommands().get(command).getUsageMessage(CommandLine.Help.Ansi.OFF);
    }

    private static List<String> words(String text) {
        return Arrays.stream(text.split("\\s+")).filter(word -> !word.isEmpty()).toList();
    }

    @Test
    void tailNamesWhatEachOptionTakesRatherThanFieldNames() {
        String tail = help("tail", 100);
        assertThat(tail).doesNotContainPattern("<\\w+>")
                .contains("--bootstrap-servers=HOST:PORT[,...]", "--config=FILE", "--max-records=N",
                        "--timeout=DURATION", "TOPIC...");
        assertThat(help("demo", 100)).doesNotContainPattern("<\\w+>").contains("--run-dir=DIR", "--refresh=DURATION");
        assertThat(help("broker", 100)).doesNotContainPattern("<\\w+>").contains("--data-dir=DIR", "--port=PORT");
        assertThat(help("simulate", 100)).doesNotContainPattern("<\\w+>").contains("--hosts=N",
                "--processes-per-host=N", "--snapshot-interval=DURATION", "--crashes-per-second=RATE", "--seed=N",
                "--truth=FILE");
        assertThat(help("status", 100)).doesNotContainPattern("<\\w+>")
                .contains("--bootstrap-servers=HOST:PORT[,...]", "--config=FILE", "--server=GLOB[,...]",
                        "--state=STATE[,...]", "--check=STATUS[,...]", "--timeout=DURATION");
    }

    @Test
    void linesBreakBetweenWordsAndFitTheWidth() {
        for (String command : List.of("", "tail", "status", "demo", "broker", "simulate")) {
            List<String> unbroken = words(help(command, 1000));
            IntStream.rangeClosed(60, 140).forEach(width -> {
                String wrapped = help(command, width);
                assertThat(words(wrapped)).as("the words of '%s --help' at width %d", command, width)
                        .isEqualTo(unbroken);
                assertThat(wrapped.lines()).as("'%s --help' at width %d", command, width)
                        .allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(width));
            });
        }
        assertThat(words(help("tail", 80))).contains("127.0.0.1:9092).", "supervisor.service-checks.");
        assertThat(words(help("status", 80))).contains("supervisor.process-status.", "--check",
                "critical,warning,unknown.");
        assertThat(COMMANDS).allSatisfy(command -> assertThat(help("", 100)).contains(command));
    }

    @Test
    void theOperatorsJarHasStatusAndTailOnly() {
        CommandLine cli = CliMain.commandLine();
        assertThat(cli.getSubcommands().keySet()).containsExactly("status", "tail");
        IntStream.rangeClosed(60, 140).forEach(width -> {
            cli.setUsageHelpAutoWidth(false).setUsageHelpWidth(width);
            assertThat(cli.getUsageMessage(CommandLine.Help.Ansi.OFF).lines()).as("'--help' at width %d", width)
                    .allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(width));
        });
    }
}
