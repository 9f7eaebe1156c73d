package io.supervisorkafka.listener.supervisor.xmlrpc;

import java.time.Duration;
import java.util.Objects;

/**
 * The supervisord source: where its XML-RPC interface is, how to log in, how often to take a snapshot, how long a
 * snapshot may take, and how often to look for a reason to wake supervisord.
 *
 * @param endpoint         the XML-RPC endpoint, or null when unknown (snapshots are then off)
 * @param credentials      basic-auth credentials, or null
 * @param snapshotInterval time between snapshots; zero turns snapshots off
 * @param rpcTimeout       the deadline of one snapshot, from its first call: connect, request and the whole
 *                         response of every call must be done by then
 * @param wakeInterval     how often supervisord's children are checked to wake it when one exits or starts
 *                         ({@link SupervisordWaker}); zero turns it off
 */
public record SupervisorSourceConfig(SupervisorEndpoint endpoint, Credentials credentials, Duration snapshotInterval,
                                     Duration rpcTimeout, Duration wakeInterval) {

    public static final Duration DEFAULT_SNAPSHOT_INTERVAL = Duration.ofSeconds(30);
    public static final Duration DEFAULT_RPC_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_WAKE_INTERVAL = Duration.ofMillis(20);

    public SupervisorSourceConfig {
        Objects.requireNonNull(snapshotInterval, "snapshotInterval");
        Objects.requireNonNull(rpcTimeout, "rpcTimeout");
        Objects.requireNonNull(wakeInterval, "wakeInterval");
        if (snapshotInterval.isNegative()) {
            throw new IllegalArgumentException("snapshot interval must not be negative");
        }
        if (rpcTimeout.isNegative() || rpcTimeout.isZero()) {
            throw new IllegalArgumentException("XML-RPC timeout must be positive");
        }
    }

    public boolean snapshotsEnabled() {
        return endpoint != null && !snapshotInterval.isZero();
    }
}
