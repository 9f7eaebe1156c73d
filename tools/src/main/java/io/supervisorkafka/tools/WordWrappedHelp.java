package io.supervisorkafka.tools;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Help;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * picocli's help with lines broken at spaces only. picocli wraps with {@link java.text.BreakIterator}, which also
 * breaks after '.', ':' and '/', so that names and addresses came out cut in two ({@code supervisor.|events},
 * {@code 127.0.0.1:|9092}, {@code HOME/.|demo}); here a word longer than its column is the only thing ever cut.
 */
final class WordWrappedHelp extends Help {

    WordWrappedHelp(CommandSpec spec, ColorScheme colorScheme) {
        super(spec, colorScheme);
    }

    @Override
    public Layout createDefaultLayout(List<OptionSpec> options, List<PositionalParamSpec> positionals,
                                      ColorScheme scheme) {
        Layout standard = super.createDefaultLayout(options, positionals, scheme);
        return new Layout(scheme, wrappingAtSpaces(standard.textTable(), scheme), standard.optionRenderer(),
                standard.parameterRenderer());
    }

    @Override
    public TextTable createTextTable(Map<?, ?> map) {
        return wrappingAtSpaces(super.createTextTable(map), colorScheme());
    }

    @Override
    public String commandList(Map<String, Help> subcommands) {
        int nameWidth = subcommands.keySet().stream().mapToInt(String::length).max().orElse(0);
        int indent = 2 + nameWidth + 2;
        StringBuilder list = new StringBuilder();
        subcommands.forEach((name, help) -> {
            // As picocli: the first line of the header, else of the description.
            String[] header = help.commandSpec().usageMessage().header();
            String[] description = help.commandSpec().usageMessage().description();
            String summary = header.length > 0 ? header[0] : description.length > 0 ? description[0] : "";
            List<String> lines = wrap(summary, width() - indent, width() - indent - 2);
            list.append("  ").append(name).append(" ".repeat(indent - 2 - name.length())).append(lines.get(0))
                    .append(System.lineSeparator());
            for (String line : lines.subList(1, lines.size())) {
                list.append(" ".repeat(indent + 2)).append(line).append(System.lineSeparator());
            }
        });
        return list.toString();
    }

    @Override
    public String description(Object... params) {
        return paragraphs(commandSpec().usageMessage().description(), params);
    }

    @Override
    public String footer(Object... params) {
        return paragraphs(commandSpec().usageMessage().footer(), params);
    }

    @Override
    protected String insertSynopsisCommandName(int synopsisHeadingLength, Ansi.Text optionText) {
        String name = commandSpec().qualifiedName();
        // The options line up under the first one, as picocli lays them out.
        int indent = synopsisHeadingLength + name.length() + 1;
        List<String> lines = wrap(name + optionText.plainString(), width() - synopsisHeadingLength,
                width() - indent);
        StringBuilder synopsis = new StringBuilder(lines.get(0)).append(System.lineSeparator());
        for (String line : lines.subList(1, lines.size())) {
            synopsis.append(" ".repeat(indent)).append(line).append(System.lineSeparator());
        }
        return synopsis.toString();
    }

    private int width() {
        return commandSpec().usageMessage().width();
    }

    private String paragraphs(String[] lines, Object... params) {
        StringBuilder text = new StringBuilder();
        for (String line : lines) {
            for (String paragraph : String.format(line, params).split("\\r?\\n|\\r|%n", -1)) {
                for (String wrapped : wrap(paragraph, width(), width())) {
                    text.append(wrapped).append(System.lineSeparator());
                }
            }
        }
        return text.toString();
    }

    /** A table whose wrapping columns break their text at spaces. */
    private static TextTable wrappingAtSpaces(TextTable standard, ColorScheme scheme) {
        TextTable table = new TextTable(scheme, standard.columns()) {
            @Override
            public Cell putValue(int row, int col, Ansi.Text value) {
                Column column = columns()[col];
                if (value == null || column.overflow != Column.Overflow.WRAP) {
                    return super.putValue(row, col, value);
                }
                int first = column.width - column.indent;
                List<String> lines = wrap(value.plainString(), first, first - indentWrappedLines);
                Cell cell = super.putValue(row, col, scheme.text(lines.get(0)));
                for (String line : lines.subList(1, lines.size())) {
                    addEmptyRow();
                    cell = super.putValue(rowCount() - 1, col, scheme.text(" ".repeat(indentWrappedLines) + line));
                }
                return cell;
            }
        };
        table.indentWrappedLines = standard.indentWrappedLines;
        table.setAdjustLineBreaksForWideCJKCharacters(standard.isAdjustLineBreaksForWideCJKCharacters());
        return table;
    }

    /** {@code text} in lines of at most {@code first}, then {@code next} characters, broken at spaces only. */
    static List<String> wrap(String text, int first, int next) {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        int leading = text.length() - text.stripLeading().length();
        line.append(text, 0, leading);
        for (String word : text.substring(leading).split(" +")) {
            int limit = lines.isEmpty() ? first : next;
            if (line.length() > leading && line.length() + 1 + word.length() > limit) {
                lines.add(line.toString());
                line.setLength(0);
                leading = 0;
            }
            if (line.length() > leading) {
                line.append(' ');
            }
            line.append(word);
        }
        lines.add(line.toString());
        return lines;
    }

    /** Installs it for a command and every subcommand. */
    static CommandLine install(CommandLine commandLine) {
        return commandLine.setHelpFactory(WordWrappedHelp::new);
    }
}
