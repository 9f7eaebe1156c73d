package io.supervisorkafka.streams.common;

import java.util.Objects;

/**
 * One tag key of a metric, or one entity field of a service check, in a {@link Catalog}.
 *
 * @param key         the tag key (the {@link io.supervisorkafka.schemas.ServiceCheck} field for a check), or
 *                    {@link #ANY_KEY} for keys the metric passes through from its input
 * @param always      whether every point (check) has it; else some have it, as the description says
 * @param description what its value is
 */
public record TagSpec(String key, boolean always, String description) {

    /** The key of {@link #passedThrough}: any key the input carried. */
    public static final String ANY_KEY = "*";

    /** The server id, on every point and check: also the record key of {@code supervisor.metrics}. */
    public static final TagSpec SERVER = always("server", "the server id");

    public TagSpec {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(description, "description");
    }

    public static TagSpec always(String key, String description) {
        return new TagSpec(key, true, description);
    }

    public static TagSpec optional(String key, String description) {
        return new TagSpec(key, false, description);
    }

    /** Tags the metric keeps from its input whatever their keys, e.g. the DogStatsD tags of a StatsD line. */
    public static TagSpec passedThrough(String description) {
        return new TagSpec(ANY_KEY, false, description);
    }

    public boolean anyKey() {
        return ANY_KEY.equals(key);
    }
}
