package io.supervisorkafka.listener.docker.prometheus;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Which metric families of a page are kept, by glob patterns on the family name: {@code *} matches any run of
 * characters, {@code ?} one character, everything else itself ({@code engine_daemon_*}, {@code go_gc_*},
 * {@code process_?pu_*}). A family is kept when it matches an include pattern (no include pattern: every family) and
 * no exclude pattern: exclude wins.
 */
public final class FamilyFilter {
    /** The engine's own metrics; the Go runtime, process, builder, etcd and swarm families are left out. */
    public static final FamilyFilter DEFAULT = of(List.of("engine_daemon_*"), List.of());

    private final List<String> include;
    private final List<String> exclude;
    private final Pattern includes; // null: every family
    private final Pattern excludes; // null: none

    private FamilyFilter(List<String> include, List<String> exclude) {
        this.include = include;
        this.exclude = exclude;
        this.includes = compile(include);
        this.excludes = compile(exclude);
    }

    /**
     * @param include patterns of the families to keep; null or empty keeps every family
     * @param exclude patterns of the families to leave out, even when included; null or empty leaves out none
     * @throws IllegalArgumentException on a pattern that is empty or holds a character no metric name has
     */
    public static FamilyFilter of(List<String> include, List<String> exclude) {
        return new FamilyFilter(include == null ? List.of() : List.copyOf(include),
                exclude == null ? List.of() : List.copyOf(exclude));
    }

    /** Whether the family of that name is kept. */
    public boolean keeps(String familyName) {
        if (excludes != null && excludes.matcher(familyName).matches()) {
            return false;
        }
        return includes == null || includes.matcher(familyName).matches();
    }

    public List<String> include() {
        return include;
    }

    public List<String> exclude() {
        return exclude;
    }

    /** One regular expression for a list of patterns: they only hold name characters, {@code *} and {@code ?}. */
    private static Pattern compile(List<String> patterns) {
        if (patterns.isEmpty()) {
            return null;
        }
        StringBuilder regex = new StringBuilder();
        for (String pattern : patterns) {
            if (pattern.isEmpty()) {
                throw new IllegalArgumentException("empty metric family pattern");
            }
            if (regex.length() > 0) {
                regex.append('|');
            }
            for (int i = 0; i < pattern.length(); i++) {
                char c = pattern.charAt(i);
                if (c == '*') {
                    regex.append(".*");
                } else if (c == '?') {
                    regex.append('.');
                } else if (PrometheusTextParser.isMetricNameChar(c)) {
                    regex.append(c);
                } else {
                    throw new IllegalArgumentException("bad metric family pattern \"" + pattern + "\": '" + c
                            + "' at " + i + " (a pattern is made of the characters of metric names, [a-zA-Z0-9_:],"
                            + " with * for any run of them and ? for one)");
                }
            }
        }
        return Pattern.compile(regex.toString());
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof FamilyFilter filter && include.equals(filter.include) && exclude.equals(filter.exclude);
    }

    @Override
    public int hashCode() {
        return 31 * include.hashCode() + exclude.hashCode();
    }

    @Override
    public String toString() {
        return "include " + (include.isEmpty() ? "[*]" : include) + " exclude " + exclude;
    }
}
