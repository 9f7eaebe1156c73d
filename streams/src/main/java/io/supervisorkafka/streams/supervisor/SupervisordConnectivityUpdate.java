package io.supervisorkafka.streams.supervisor;

import io.supervisorkafka.schemas.ServiceCheck;

/** What {@link SupervisordConnectivityChecker} forwards: a can_connect check to publish, or supervisord's new state. */
public sealed interface SupervisordConnectivityUpdate {

    /** Forwarded with key {@link ServiceCheck#key()}. */
    record CanConnectChanged(ServiceCheck check) implements SupervisordConnectivityUpdate {
    }

    /** Forwarded with key server id. */
    record SupervisorStateChanged(String server, String state, int stateCode, long observedAt)
            implements SupervisordConnectivityUpdate {
    }
}
