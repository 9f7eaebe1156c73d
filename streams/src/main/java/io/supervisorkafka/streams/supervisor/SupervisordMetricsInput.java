package io.supervisorkafka.streams.supervisor;

import io.supervisorkafka.schemas.ProcessCounts;
import io.supervisorkafka.schemas.ProcessStatus;

/** The changes {@link SupervisordMetricsEmitter} publishes metrics for as they happen. */
public sealed interface SupervisordMetricsInput {

    /** A process's status changed: its uptime. */
    record ProcessChanged(ProcessStatus status) implements SupervisordMetricsInput {
    }

    /** A server's counts changed; {@code counts} is null when the server has no process left. */
    record CountsChanged(String server, ProcessCounts counts) implements SupervisordMetricsInput {
    }

    /** supervisord's own state changed. */
    record InstanceStateChanged(String server, int stateCode, long observedAt) implements SupervisordMetricsInput {
    }

    /** supervisord restarted a process: its restarts within the flapping window. */
    record RestartsChanged(String server, String group, String name, int restarts, long at)
            implements SupervisordMetricsInput {
    }
}
