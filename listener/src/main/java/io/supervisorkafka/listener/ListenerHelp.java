package io.supervisorkafka.listener;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.UsageMessageSpec;

/**
 * The listener's {@code --help}, drawn from the option definitions ({@link ConfigLoader#OPTIONS}) rather than from
 * picocli's option table, and wrapped at spaces only: picocli's own wrapping breaks inside names such as
 * {@code supervisor.events} or {@code unix:///path}, which must stay whole to be copied.
 */
final class ListenerHelp {
    /** Where descriptions start: below their option, indented. */
    private static final String INDENT = "      ";

    private ListenerHelp() {
    }

    /** Replaces picocli's description, option list and footer sections with ones wrapped at spaces. */
    static void install(CommandLine commandLine) {
        commandLine.getHelpSectionMap().put(UsageMessageSpec.SECTION_KEY_DESCRIPTION,
                help -> paragraphs(help.commandSpec().usageMessage().description(), width(help)));
        commandLine.getHelpSectionMap().put(UsageMessageSpec.SECTION_KEY_OPTION_LIST,
                help -> optionList(help.commandSpec().options(), width(help)));
        commandLine.getHelpSectionMap().put(UsageMessageSpec.SECTION_KEY_FOOTER,
                help -> paragraphs(help.commandSpec().usageMessage().footer(), width(help)));
    }

    private static int width(CommandLine.Help help) {
        return help.commandSpec().usageMessage().width();
    }

    private static String paragraphs(String[] paragraphs, int width) {
        StringBuilder text = new StringBuilder();
        for (String paragraph : paragraphs) {
            wrap(paragraph, "", width).forEach(line -> text.append(line).append('\n'));
        }
        return text.toString();
    }

    /** Every option, by group, then picocli's --help and --version. */
    static String optionList(List<OptionSpec> picocliOptions, int width) {
        StringBuilder text = new StringBuilder();
        for (OptionGroup group : ConfigLoader.OPTIONS) {
            text.append('\n').append(group.title()).append(":\n");
            for (ListenerOption option : group.options()) {
                text.append("  ").append(label(option)).append('\n');
                wrap(plain(explanation(option)), INDENT, width).forEach(line -> text.append(line).append('\n'));
            }
        }
        text.append('\n');
        for (OptionSpec option : picocliOptions) {
            if (option.usageHelp() || option.versionHelp()) {
                text.append("  ").append(String.join(", ", option.names())).append('\n');
                wrap(String.join(" ", option.description()), INDENT, width)
                        .forEach(line -> text.append(line).append('\n'));
            }
        }
        return text.toString();
    }

    private static String label(ListenerOption option) {
        if (option.flag() == null) {
            return option.key() + " (config file)";
        }
        return option.isSwitch() ? option.flag() : option.flag() + "=" + option.paramLabel();
    }

    /** The description, then where else the option can be given and its default. */
    private static String explanation(ListenerOption option) {
        StringBuilder text = new StringBuilder(option.description());
        if (option.flag() != null && option.key() != null) {
            text.append(" Config file: ").append(option.key()).append(option.isSwitch() ? "=true." : ".");
        }
        if (option.env() != null) {
            text.append(" Environment: ").append(option.env()).append('.');
        }
        if (option.documentedDefault() != null) {
            text.append(" Default: ").append(option.documentedDefault()).append('.');
        }
        return text.toString();
    }

    /** Markdown's code marks are for the options reference; the terminal shows the code as it is. */
    private static String plain(String text) {
        return text.replace("`", "");
    }

    /** The text in lines of at most {@code width} characters, broken at spaces only: a longer word stays whole. */
    static List<String> wrap(String text, String indent, int width) {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder(indent);
        for (String word : text.split(" +")) {
            if (word.isEmpty()) {
                continue;
            }
            if (line.length() > indent.length() && line.length() + 1 + word.length() > width) {
                lines.add(line.toString());
                line = new StringBuilder(indent);
            }
            if (line.length() > indent.length()) {
                line.append(' ');
            }
            line.append(word);
        }
        lines.add(line.toString());
        return lines;
    }
}
