package io.supervisorkafka.streams.supervisor;

import io.supervisorkafka.schemas.CheckStatus;
import io.supervisorkafka.schemas.ProcessState;
import io.supervisorkafka.schemas.cli.Glob;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * What to watch on which server, as Datadog's supervisord check is configured ({@code proc_names}, {@code proc_regex},
 * {@code proc_names_exclude}, {@code proc_regex_exclude}, {@code status_mapping_override}, {@code server_check}), per
 * server by a glob on the server id. Read from the {@code watch.*} keys of the Streams app's {@code --config} file:
 *
 * <pre>
 * watch.rules=web,batch
 * watch.web.servers=web-*,api-?
 * watch.web.proc_names_exclude=cron,migrate
 * watch.batch.servers=batch-*
 * watch.batch.status_mapping_override=STOPPED:OK,EXITED:OK
 * watch.batch.server_check=false
 * </pre>
 *
 * <p>{@code watch.rules} lists the rules in the order they are tried: the first whose {@code servers} match the server
 * id applies, and a server no rule matches is watched whole, with the default mapping and its can_connect check.
 * A process not watched gets no service check and no metric point; its status and the counts on the status topics
 * stay the truth.
 */
public final class WatchRules {

    public static final String PREFIX = "watch.";
    /** The key listing the rules, in the order they are tried. */
    public static final String ORDER = PREFIX + "rules";

    private static final Pattern RULE_NAME = Pattern.compile("[A-Za-z0-9_-]+");
    private static final Set<String> RULE_KEYS = Set.of("servers", "proc_names", "proc_regex", "proc_names_exclude",
            "proc_regex_exclude", "status_mapping_override", "server_check");
    private static final WatchRules NONE = new WatchRules(List.of());

    private final List<Rule> rules;
    /** The rule of each server seen, so that the globs are matched once per server, not once per record. */
    private final Map<String, Rule> byServer = new ConcurrentHashMap<>();

    private WatchRules(List<Rule> rules) {
        this.rules = List.copyOf(rules);
    }

    /** Every process of every server watched, with the default mapping. */
    public static WatchRules none() {
        return NONE;
    }

    /**
     * The rules of the {@code watch.*} keys among {@code settings} (other keys are ignored).
     *
     * @throws IllegalArgumentException naming the key and what is wrong with it, in one line
     */
    public static WatchRules parse(Map<String, String> settings) {
        Map<String, String> keys = new TreeMap<>();
        settings.forEach((key, value) -> {
            if (key.startsWith(PREFIX)) {
                keys.put(key, value.trim());
            }
        });
        if (keys.isEmpty()) {
            return NONE;
        }
        List<String> order = names(keys.remove(ORDER));
        Map<String, Map<String, String>> byRule = new LinkedHashMap<>();
        for (String name : order) {
            if (!RULE_NAME.matcher(name).matches()) {
                throw new IllegalArgumentException(ORDER + ": rule name '" + name
                        + "' may only have letters, digits, '_' and '-'");
            }
            if (byRule.put(name, new LinkedHashMap<>()) != null) {
                throw new IllegalArgumentException(ORDER + ": rule " + name + " is listed twice");
            }
        }
        keys.forEach((key, value) -> {
            String rest = key.substring(PREFIX.length());
            int dot = rest.indexOf('.');
            String rule = dot < 0 ? rest : rest.substring(0, dot);
            String setting = dot < 0 ? "" : rest.substring(dot + 1);
            if (!byRule.containsKey(rule)) {
                throw new IllegalArgumentException(key + ": rule " + rule + " is not listed in " + ORDER
                        + " (the rules, in the order they are tried)");
            }
            if (!RULE_KEYS.contains(setting)) {
                throw new IllegalArgumentException(key + ": unknown setting '" + setting + "'; a rule takes "
                        + String.join(", ", new java.util.TreeSet<>(RULE_KEYS)));
            }
            byRule.get(rule).put(setting, value);
        });
        List<Rule> rules = new ArrayList<>();
        byRule.forEach((name, ruleSettings) -> rules.add(Rule.of(name, ruleSettings)));
        return new WatchRules(rules);
    }

    /** The rule that applies to a server: the first whose globs match its id, else the default (everything). */
    public Rule forServer(String server) {
        if (rules.isEmpty()) {
            return Rule.EVERYTHING;
        }
        return byServer.computeIfAbsent(server == null ? "" : server, id -> rules.stream()
                .filter(rule -> rule.appliesTo(id)).findFirst().orElse(Rule.EVERYTHING));
    }

    /** Whether a process of a server is watched: it then has service checks and metric points. */
    public boolean watches(String server, String group, String name) {
        return forServer(server).watches(group, name);
    }

    public List<Rule> rules() {
        return rules;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof WatchRules that && rules.equals(that.rules);
    }

    @Override
    public int hashCode() {
        return rules.hashCode();
    }

    @Override
    public String toString() {
        return "WatchRules" + rules;
    }

    private static List<String> names(String list) {
        if (list == null || list.isBlank()) {
            throw new IllegalArgumentException(ORDER + " is missing: list the watch rules, in the order they are "
                    + "tried (e.g. " + ORDER + "=web,batch)");
        }
        return split(list);
    }

    private static List<String> split(String list) {
        return Arrays.stream(list.split(",")).map(String::trim).filter(item -> !item.isEmpty()).toList();
    }

    /**
     * One rule: which servers it applies to and, on them, which processes are watched and how their states map to
     * check statuses. Names match a process's {@code name} or its {@code group:name}; a regular expression matches
     * from the start of either, as Python's {@code re.match} does in Datadog's check ({@code web} matches
     * {@code web-worker}; end it with {@code $} to match a whole name).
     */
    public static final class Rule {

        /** No rule: every process watched, states mapped as Datadog maps them, can_connect reported. */
        public static final Rule EVERYTHING = new Rule("(none)", List.of(), Set.of(), null, Set.of(), null,
                Map.of(), true);

        private final String name;
        private final List<String> servers;
        private final List<Glob> serverGlobs;
        private final Set<String> procNames;
        private final Pattern procRegex;
        private final Set<String> procNamesExclude;
        private final Pattern procRegexExclude;
        private final Map<ProcessState, CheckStatus> statusOverride;
        private final boolean serverCheck;

        private Rule(String name, List<String> servers, Set<String> procNames, Pattern procRegex,
                     Set<String> procNamesExclude, Pattern procRegexExclude,
                     Map<ProcessState, CheckStatus> statusOverride, boolean serverCheck) {
            this.name = name;
            this.servers = List.copyOf(servers);
            this.serverGlobs = servers.stream().map(Glob::of).toList();
            this.procNames = Set.copyOf(procNames);
            this.procRegex = procRegex;
            this.procNamesExclude = Set.copyOf(procNamesExclude);
            this.procRegexExclude = procRegexExclude;
            this.statusOverride = statusOverride.isEmpty() ? Map.of() : new EnumMap<>(statusOverride);
            this.serverCheck = serverCheck;
        }

        static Rule of(String name, Map<String, String> settings) {
            String key = PREFIX + name + ".";
            return new Rule(name, split(settings.getOrDefault("servers", "")),
                    new LinkedHashSet<>(split(settings.getOrDefault("proc_names", ""))),
                    regex(key + "proc_regex", settings.get("proc_regex")),
                    new LinkedHashSet<>(split(settings.getOrDefault("proc_names_exclude", ""))),
                    regex(key + "proc_regex_exclude", settings.get("proc_regex_exclude")),
                    mapping(key + "status_mapping_override", settings.getOrDefault("status_mapping_override", "")),
                    bool(key + "server_check", settings.getOrDefault("server_check", "true")));
        }

        public String name() {
            return name;
        }

        /** Whether it applies to a server: one of its globs matches the id; a rule without globs applies to all. */
        boolean appliesTo(String server) {
            return serverGlobs.isEmpty() || serverGlobs.stream().anyMatch(glob -> glob.matches(server));
        }

        /**
         * Whether a process is watched: every process when neither {@code proc_names} nor {@code proc_regex} is
         * given, else those either names; then less those {@code proc_names_exclude} or {@code proc_regex_exclude}
         * names.
         */
        public boolean watches(String group, String processName) {
            String full = group + ":" + processName;
            boolean included = (procNames.isEmpty() && procRegex == null)
                    || procNames.contains(processName) || procNames.contains(full)
                    || startsMatching(procRegex, processName, full);
            return included && !procNamesExclude.contains(processName) && !procNamesExclude.contains(full)
                    && !startsMatching(procRegexExclude, processName, full);
        }

        /** The check status of a state: the override's, else Datadog's mapping ({@link ProcessState#check()}). */
        public CheckStatus checkStatus(ProcessState state) {
            return statusOverride.getOrDefault(state, state.check());
        }

        /** Whether it maps some state to another status than Datadog's. */
        public boolean overridesStatuses() {
            return !statusOverride.isEmpty();
        }

        /** Whether {@code supervisord.can_connect} is reported for the servers of this rule. */
        public boolean serverCheck() {
            return serverCheck;
        }

        private static boolean startsMatching(Pattern regex, String processName, String full) {
            return regex != null && (regex.matcher(processName).lookingAt() || regex.matcher(full).lookingAt());
        }

        private static Pattern regex(String key, String value) {
            if (value == null || value.isEmpty()) {
                return null;
            }
            try {
                return Pattern.compile(value);
            } catch (PatternSyntaxException e) {
                throw new IllegalArgumentException(key + ": not a regular expression: " + value + " ("
                        + e.getDescription() + " near index " + e.getIndex() + ")");
            }
        }

        private static Map<ProcessState, CheckStatus> mapping(String key, String value) {
            Map<ProcessState, CheckStatus> mapping = new EnumMap<>(ProcessState.class);
            for (String entry : split(value)) {
                String[] parts = entry.split("[:=]", 2);
                if (parts.length != 2) {
                    throw new IllegalArgumentException(key + ": '" + entry + "' is not STATE:STATUS (e.g. STOPPED:OK)");
                }
                ProcessState state = enumValue(key, ProcessState.class, parts[0]);
                if (mapping.put(state, enumValue(key, CheckStatus.class, parts[1])) != null) {
                    throw new IllegalArgumentException(key + ": " + state + " is mapped twice");
                }
            }
            return mapping;
        }

        private static <E extends Enum<E>> E enumValue(String key, Class<E> type, String text) {
            String upper = text.trim().toUpperCase(Locale.ROOT);
            for (E value : type.getEnumConstants()) {
                if (value.name().equals(upper)) {
                    return value;
                }
            }
            throw new IllegalArgumentException(key + ": '" + text.trim() + "' is not one of "
                    + Arrays.stream(type.getEnumConstants()).map(Enum::name).toList());
        }

        private static boolean bool(String key, String value) {
            return switch (value.trim().toLowerCase(Locale.ROOT)) {
                case "true", "yes", "on" -> true;
                case "false", "no", "off" -> false;
                default -> throw new IllegalArgumentException(key + ": '" + value + "' is not true or false");
            };
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Rule that && name.equals(that.name) && servers.equals(that.servers)
                    && procNames.equals(that.procNames) && Objects.equals(source(procRegex), source(that.procRegex))
                    && procNamesExclude.equals(that.procNamesExclude)
                    && Objects.equals(source(procRegexExclude), source(that.procRegexExclude))
                    && statusOverride.equals(that.statusOverride) && serverCheck == that.serverCheck;
        }

        @Override
        public int hashCode() {
            return Objects.hash(name, servers, procNames, source(procRegex), procNamesExclude,
                    source(procRegexExclude), statusOverride, serverCheck);
        }

        @Override
        public String toString() {
            return name + servers;
        }

        private static String source(Pattern pattern) {
            return pattern == null ? null : pattern.pattern();
        }
    }
}
