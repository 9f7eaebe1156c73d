package io.supervisorkafka.listener;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Resolves every {@link ListenerOption} the same way: the flag as given on the command line, else the config file's
 * key, else the environment variable (where the option has one), else the default. The typed readers name the option
 * in their errors as the operator gave it: the flag, the key or the variable.
 */
public final class OptionResolver {
    /** Where a value came from. */
    public enum Origin { FLAG, FILE, ENVIRONMENT, DEFAULT }

    /**
     * A resolved value.
     *
     * @param text   the value as given, or null when the option was not given and has no default
     * @param origin where it came from
     * @param source how the operator named it: the flag, the key or the environment variable
     */
    public record Value(String text, Origin origin, String source) {
        /** Whether the operator chose the value (flag or file) rather than the host (environment) or the default. */
        public boolean explicit() {
            return origin == Origin.FLAG || origin == Origin.FILE;
        }
    }

    private final Map<ListenerOption, String> flags;
    private final Map<String, String> file;
    private final Map<String, String> env;

    /**
     * @param flags the flags given, by option (a switch given: {@code "true"})
     * @param file  the config file's properties, every key
     * @param env   the environment
     */
    public OptionResolver(Map<ListenerOption, String> flags, Map<String, String> file, Map<String, String> env) {
        this.flags = Map.copyOf(flags);
        this.file = Map.copyOf(file);
        this.env = Map.copyOf(env);
    }

    /** The option's value: flag, file, environment, default. */
    public Value resolve(ListenerOption option) {
        Objects.requireNonNull(option, "option");
        if (option.flag() != null && flags.containsKey(option)) {
            return new Value(flags.get(option), Origin.FLAG, option.flag());
        }
        if (option.key() != null && file.containsKey(option.key())) {
            return new Value(file.get(option.key()), Origin.FILE, option.key());
        }
        if (option.env() != null && env.get(option.env()) != null) {
            return new Value(env.get(option.env()), Origin.ENVIRONMENT, option.env());
        }
        return new Value(option.defaultValue(), Origin.DEFAULT, option.name());
    }

    /** The value as given, or null. */
    public String string(ListenerOption option) {
        return resolve(option).text();
    }

    /** A switch or a true/false key: on only for {@code true} (any case). */
    public boolean isOn(ListenerOption option) {
        String text = string(option);
        return text != null && Boolean.parseBoolean(text.trim());
    }

    /**
     * A key that must say {@code true} or {@code false} (any case, blanks around ignored); anything else is refused
     * with a line naming the key and the value. For an option with a default.
     */
    public boolean trueOrFalse(ListenerOption option) {
        String value = string(option).trim();
        if (!value.equalsIgnoreCase("true") && !value.equalsIgnoreCase("false")) {
            throw new IllegalArgumentException(option.key() + ": '" + value + "' is neither true nor false");
        }
        return Boolean.parseBoolean(value);
    }

    /**
     * A duration ({@code 500ms}, {@code 30s}, {@code PT30S}). The listener schedules and times out in whole
     * milliseconds, so a duration that is not zero but shorter than one would be zero there: a scheduling period of 0
     * fails only once the source starts, after READY; refused here instead.
     */
    public Duration duration(ListenerOption option) {
        Value value = resolve(option);
        if (value.text() == null) {
            return null;
        }
        Duration duration = Units.duration(value.source(), value.text());
        if (!duration.isZero() && duration.toMillis() == 0) {
            throw new IllegalArgumentException(value.source() + ": '" + value.text() + "' is shorter than a"
                    + " millisecond, the listener's finest unit; write e.g. 1ms");
        }
        return duration;
    }

    /** A size in bytes ({@code 268435456}, {@code 256m}, {@code 256MiB}), or null when not given and no default. */
    public Long bytes(ListenerOption option) {
        Value value = resolve(option);
        return value.text() == null ? null : Units.bytes(value.source(), value.text());
    }

    /** A comma-separated list; blank entries are dropped. Empty when not given and no default. */
    public List<String> list(ListenerOption option) {
        String text = string(option);
        List<String> items = new ArrayList<>();
        if (text != null) {
            for (String item : text.split(",")) {
                if (!item.isBlank()) {
                    items.add(item.trim());
                }
            }
        }
        return items;
    }
}
