package io.supervisorkafka.streams;

import io.supervisorkafka.schemas.ProcessCounts;
import io.supervisorkafka.schemas.ProcessStatus;

/** The changes {@link MetricsEmitter} publishes metrics for as they happen. */
public sealed interface MetricsInput {

    /** A process's status changed: its uptime. */
    record ProcessChanged(ProcessStatus status) implements MetricsInput {
    }

    /** A server's counts changed; {@code counts} is null when the server has no process left. */
    record CountsChanged(String server, ProcessCounts counts) implements MetricsInput {
    }

    /** supervisord's own state changed. */
    record InstanceStateChanged(String server, int stateCode, long observedAt) implements MetricsInput {
    }
}
