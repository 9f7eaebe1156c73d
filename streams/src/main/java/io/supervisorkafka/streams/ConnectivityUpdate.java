package io.supervisorkafka.streams;

import io.supervisorkafka.schemas.ServiceCheck;

/** What {@link ConnectivityChecker} forwards: a can_connect check to publish, or supervisord's new state. */
public sealed interface ConnectivityUpdate {

    /** Forwarded with key {@link ServiceCheck#key()}. */
    record CanConnectChanged(ServiceCheck check) implements ConnectivityUpdate {
    }

    /** Forwarded with key server id. */
    record SupervisorStateChanged(String server, String state, int stateCode, long observedAt)
            implements ConnectivityUpdate {
    }
}
