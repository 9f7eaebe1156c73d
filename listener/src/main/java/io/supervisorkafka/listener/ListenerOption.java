package io.supervisorkafka.listener;

import java.time.Duration;
import java.util.Objects;

/**
 * One setting of the listener as an operator gives it: its config file key, its command-line flag, its environment
 * variable, its default and what it means. Each source declares its own, in an {@link OptionGroup} beside its
 * configuration record; {@link OptionResolver} resolves every one the same way, the command line is built from them,
 * and so are {@code --help} and {@code docs/listener-options.md}.
 *
 * <p>Built in steps, e.g. {@code ListenerOption.key("listener.docker.interval").flag("--docker-interval",
 * "DURATION").defaultValue("15s").description("Time between docker scrapes.")}.
 *
 * @param key          the config file key, or null for a flag-only option
 * @param flag         the command-line flag, or null for a key-only option
 * @param paramLabel   what the flag takes ({@code DURATION}), or null for a switch, which takes nothing
 * @param env          the environment variable consulted after the config file, or null
 * @param defaultValue the value when none is given, written as an operator would give it, or null
 * @param shownDefault how the documentation states the default when {@code defaultValue} alone does not say it (a
 *                     computed one, or off), or null
 * @param description  what the option does, one or more sentences; {@code `code`} in backticks
 */
public record ListenerOption(String key, String flag, String paramLabel, String env, String defaultValue,
                             String shownDefault, String description) {

    public ListenerOption {
        if (key == null && flag == null) {
            throw new IllegalArgumentException("an option needs a config key or a flag");
        }
    }

    /** An option of the config file, with no flag yet. */
    public static ListenerOption key(String key) {
        return new ListenerOption(Objects.requireNonNull(key, "key"), null, null, null, null, null, "");
    }

    /** An option of the command line only. */
    public static ListenerOption flagOnly(String flag, String paramLabel) {
        return new ListenerOption(null, Objects.requireNonNull(flag, "flag"), paramLabel, null, null, null, "");
    }

    /** A switch of the command line only: given means on. */
    public static ListenerOption switchOnly(String flag) {
        return flagOnly(flag, null).defaultValue("false").shownDefault("off");
    }

    /** The same option with a flag that takes a value. */
    public ListenerOption flag(String name, String label) {
        return new ListenerOption(key, Objects.requireNonNull(name, "name"), Objects.requireNonNull(label, "label"),
                env, defaultValue, shownDefault, description);
    }

    /** The same option as a switch, off by default: the flag turns it on, and so does {@code key=true}. */
    public ListenerOption switchFlag(String name) {
        return new ListenerOption(key, Objects.requireNonNull(name, "name"), null, env, "false", "off", description);
    }

    /** The same option read from this environment variable when neither the flag nor the file gives it. */
    public ListenerOption env(String variable) {
        return new ListenerOption(key, flag, paramLabel, Objects.requireNonNull(variable, "variable"), defaultValue,
                shownDefault, description);
    }

    /** The same option with this default, as an operator would write it ({@code 30s}, {@code 256MiB}). */
    public ListenerOption defaultValue(String value) {
        return new ListenerOption(key, flag, paramLabel, env, Objects.requireNonNull(value, "value"), shownDefault,
                description);
    }

    /** The same option with its default stated this way in the documentation. */
    public ListenerOption shownDefault(String text) {
        return new ListenerOption(key, flag, paramLabel, env, defaultValue, Objects.requireNonNull(text, "text"),
                description);
    }

    /** The same option with this description. */
    public ListenerOption description(String text) {
        return new ListenerOption(key, flag, paramLabel, env, defaultValue, shownDefault,
                Objects.requireNonNull(text, "text"));
    }

    /** Whether the flag takes no value. */
    public boolean isSwitch() {
        return flag != null && paramLabel == null;
    }

    /** The default as the documentation states it, or null when there is none. */
    public String documentedDefault() {
        return shownDefault != null ? shownDefault : defaultValue;
    }

    /** The default as a duration, for a configuration record's constant. */
    public Duration defaultDuration() {
        return Units.duration(name(), Objects.requireNonNull(defaultValue, "no default"));
    }

    /** The default as a size in bytes, for a configuration record's constant. */
    public long defaultBytes() {
        return Units.bytes(name(), Objects.requireNonNull(defaultValue, "no default"));
    }

    /** How messages name the option: its flag, else its key. */
    public String name() {
        return flag != null ? flag : key;
    }

    /*
     * equals and hashCode written out: a record's own are bootstrapped through method handles on first use, which
     * costs the listener tens of milliseconds on its way to the first READY (the given flags are a map keyed by
     * option).
     */
    @Override
    public boolean equals(Object other) {
        return other instanceof ListenerOption that && Objects.equals(key, that.key) && Objects.equals(flag, that.flag)
                && Objects.equals(paramLabel, that.paramLabel) && Objects.equals(env, that.env)
                && Objects.equals(defaultValue, that.defaultValue) && Objects.equals(shownDefault, that.shownDefault)
                && Objects.equals(description, that.description);
    }

    @Override
    public int hashCode() {
        return 31 * Objects.hashCode(key) + Objects.hashCode(flag);
    }

    @Override
    public String toString() {
        return name();
    }
}
