package io.supervisorkafka.streams.common;

import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One metric family of the Prometheus endpoint ({@code --http-listen}), declared in a {@link Catalog} beside the
 * metric points and checks of the same source, so that its name, type, help and labels are written once: the
 * endpoint's collector takes them from here, and {@code docs/prometheus.md} is generated from them.
 *
 * @param name   the name as scraped, e.g. {@code supervisord_up}; a counter's ends in {@code _total}
 * @param type   gauge or counter
 * @param help   the HELP line: what a sample means and when there is none
 * @param labels the label names, in the order they are documented
 */
public record PromFamily(String name, Type type, String help, List<String> labels) {

    /** The Prometheus types the endpoint serves. */
    public enum Type {
        /** A value that goes up and down. */
        GAUGE,
        /** A total that only goes up, and back to 0 when what counts it restarts. */
        COUNTER;

        public String text() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** The counter suffix the text format writes after a counter's name. */
    public static final String TOTAL = "_total";

    private static final Pattern NAME = Pattern.compile("[a-z_][a-z0-9_]*");

    public PromFamily {
        Objects.requireNonNull(type, "type");
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("not a Prometheus metric name in lower case: " + name);
        }
        if ((type == Type.COUNTER) != name.endsWith(TOTAL)) {
            throw new IllegalArgumentException(name + ": a counter's name, and only a counter's, ends in " + TOTAL);
        }
        if (help == null || help.isBlank() || help.contains("\n") || help.contains("|")) {
            throw new IllegalArgumentException(name + ": the help is one line, without '|'");
        }
        labels = List.copyOf(labels);
        labels.forEach(label -> {
            if (!NAME.matcher(label).matches() || label.startsWith("__")) {
                throw new IllegalArgumentException(name + ": not a label name: " + label);
            }
        });
    }

    public static PromFamily gauge(String name, String help, String... labels) {
        return new PromFamily(name, Type.GAUGE, help, List.of(labels));
    }

    public static PromFamily counter(String name, String help, String... labels) {
        return new PromFamily(name, Type.COUNTER, help, List.of(labels));
    }

    /**
     * The name the Prometheus client's model takes: a counter's without {@code _total}, which the exposition formats
     * add back (and OpenMetrics needs apart).
     */
    public String modelName() {
        return type == Type.COUNTER ? name.substring(0, name.length() - TOTAL.length()) : name;
    }

    @Override
    public String toString() {
        return name;
    }
}
