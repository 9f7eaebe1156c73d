package io.supervisorkafka.streams.common;

import io.supervisorkafka.schemas.CheckStatus;
import java.util.List;
import java.util.Map;

/**
 * One service check of a {@link Catalog}.
 *
 * @param name        the check's name, {@link io.supervisorkafka.schemas.ServiceCheck#check()}
 * @param key         the record key on {@code supervisor.service-checks}, e.g. {@code supervisord.can_connect|server}
 * @param entity      the fields of {@link io.supervisorkafka.schemas.ServiceCheck} that say what it is about, besides
 *                    the check's name
 * @param statuses    each status it takes, and what it means
 * @param description when it is emitted
 */
public record CheckSpec(String name, String key, List<TagSpec> entity, Map<CheckStatus, String> statuses,
                        String description) {

    public CheckSpec {
        entity = List.copyOf(entity);
        statuses = Map.copyOf(statuses);
    }

    /** The statuses in the order OK, WARNING, CRITICAL, UNKNOWN. */
    public List<CheckStatus> orderedStatuses() {
        return List.of(CheckStatus.values()).stream().filter(statuses::containsKey).toList();
    }
}
