package io.supervisorkafka.streams.supervisor;

import io.supervisorkafka.schemas.ServiceCheck;

/** What {@link ProcessFlappingDetector} forwards: a flapping check to publish, or a process's new restart count. */
public sealed interface FlappingUpdate {

    /** Forwarded with key {@link ServiceCheck#key()}. */
    record FlappingChanged(ServiceCheck check) implements FlappingUpdate {
    }

    /** Forwarded with key server id: the restarts within the window, for {@code supervisord.process.restarts}. */
    record RestartsCounted(String server, String group, String name, int restarts, long at)
            implements FlappingUpdate {
    }
}
