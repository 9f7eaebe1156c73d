package io.supervisorkafka.listener.docker;

import java.util.List;

/** TEMPORARY STUB until h-parser lands (same signatures); deleted on merge. */
public final class FamilyFilter {
    public static final FamilyFilter DEFAULT = of(List.of("engine_daemon_*"), List.of());
    private final List<String> include;
    private final List<String> exclude;

    private FamilyFilter(List<String> include, List<String> exclude) {
        this.include = include;
        this.exclude = exclude;
    }

    public static FamilyFilter of(List<String> include, List<String> exclude) {
        return new FamilyFilter(List.copyOf(include), List.copyOf(exclude));
    }

    public boolean keeps(String name) {
        return include.stream().anyMatch(g -> matches(g, name)) && exclude.stream().noneMatch(g -> matches(g, name));
    }

    private static boolean matches(String glob, String name) {
        return name.matches(glob.replace("*", ".*").replace("?", "."));
    }
}
