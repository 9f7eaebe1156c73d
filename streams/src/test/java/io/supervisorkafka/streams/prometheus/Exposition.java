package io.supervisorkafka.streams.prometheus;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A reader of the Prometheus text exposition format (version 0.0.4) as Prometheus reads it: HELP and TYPE lines,
 * samples with label values unescaped ({@code \\}, {@code \"}, {@code \n}). The Java client has writers only; the
 * tests read what it wrote back with this, independently of it.
 */
public final class Exposition {

    /** One sample line: its name (a counter's with {@code _total}), its labels and value. */
    public record Sample(String name, Map<String, String> labels, double value) {
    }

    public final Map<String, String> help = new LinkedHashMap<>();
    public final Map<String, String> type = new LinkedHashMap<>();
    public final List<Sample> samples = new ArrayList<>();

    private Exposition() {
    }

    public static Exposition parse(String text) {
        Exposition exposition = new Exposition();
        for (String line : text.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            if (line.startsWith("# HELP ")) {
                String rest = line.substring("# HELP ".length());
                int space = rest.indexOf(' ');
                exposition.help.put(rest.substring(0, space),
                        rest.substring(space + 1).replace("\\n", "\n").replace("\\\\", "\\"));
            } else if (line.startsWith("# TYPE ")) {
                String[] parts = line.substring("# TYPE ".length()).split(" ");
                exposition.type.put(parts[0], parts[1]);
            } else if (line.startsWith("#")) {
                continue;
            } else {
                exposition.samples.add(sample(line));
            }
        }
        return exposition;
    }

    private static Sample sample(String line) {
        int i = 0;
        while (i < line.length() && line.charAt(i) != '{' && line.charAt(i) != ' ') {
            i++;
        }
        String name = line.substring(0, i);
        Map<String, String> labels = new TreeMap<>();
        if (line.charAt(i) == '{') {
            i++;
            while (line.charAt(i) != '}') {
                int equals = line.indexOf('=', i);
                String label = line.substring(i, equals).trim();
                if (line.charAt(equals + 1) != '"') {
                    throw new IllegalArgumentException("unquoted label value in: " + line);
                }
                StringBuilder value = new StringBuilder();
                int j = equals + 2;
                for (; line.charAt(j) != '"'; j++) {
                    char c = line.charAt(j);
                    if (c == '\\') {
                        char next = line.charAt(++j);
                        value.append(next == 'n' ? '\n' : next);
                    } else {
                        value.append(c);
                    }
                }
                labels.put(label, value.toString());
                i = j + 1;
                if (line.charAt(i) == ',') {
                    i++;
                }
            }
            i++;
        }
        String[] rest = line.substring(i).trim().split(" ");
        return new Sample(name, labels, parseValue(rest[0]));
    }

    private static double parseValue(String text) {
        return switch (text) {
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            case "NaN" -> Double.NaN;
            default -> Double.parseDouble(text);
        };
    }

    /** The samples of one name. */
    public List<Sample> samples(String name) {
        return samples.stream().filter(sample -> sample.name().equals(name)).toList();
    }

    /** The value of the sample of {@code name} with exactly these labels ({@code key, value, ...}), if any. */
    public Optional<Double> value(String name, String... labels) {
        Map<String, String> wanted = new TreeMap<>();
        for (int k = 0; k < labels.length; k += 2) {
            wanted.put(labels[k], labels[k + 1]);
        }
        return samples(name).stream().filter(sample -> sample.labels().equals(wanted)).map(Sample::value)
                .findFirst();
    }
}
