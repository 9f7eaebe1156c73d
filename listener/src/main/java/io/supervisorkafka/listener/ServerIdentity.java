package io.supervisorkafka.listener;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which server id records carry (and are keyed by), and supervisord's identification as last seen.
 *
 * <p>By default the server id is fixed: {@code --server-id} or the host name. With
 * {@code --server-id-from-identification} it is supervisord's identification string: each event's header
 * {@code server} token, and for snapshots the {@code getIdentification} answer; a failed snapshot uses the last
 * identification seen, or the fixed id while none has been seen yet.
 */
public final class ServerIdentity {
    private final String fixedServerId;
    private final boolean fromIdentification;
    private final AtomicReference<String> identification = new AtomicReference<>();
    private final AtomicBoolean warnedFallback = new AtomicBoolean();

    public ServerIdentity(String fixedServerId, boolean fromIdentification) {
        if (fixedServerId == null || fixedServerId.isBlank()) {
            throw new IllegalArgumentException("server id must not be blank");
        }
        this.fixedServerId = fixedServerId;
        this.fromIdentification = fromIdentification;
    }

    /** The server id of an event whose header had this {@code server} token (null if none). */
    public String serverIdForEvent(String headerServer) {
        if (headerServer != null && !headerServer.isBlank()) {
            identification.set(headerServer);
            if (fromIdentification) {
                return headerServer;
            }
        }
        return current();
    }

    /** The server id of a snapshot that got this identification (null when the snapshot failed). */
    public String serverIdForSnapshot(String snapshotIdentification) {
        if (snapshotIdentification != null && !snapshotIdentification.isBlank()) {
            identification.set(snapshotIdentification);
            if (fromIdentification) {
                return snapshotIdentification;
            }
        }
        return current();
    }

    /** The server id to use now. */
    public String current() {
        if (!fromIdentification) {
            return fixedServerId;
        }
        String known = identification.get();
        if (known != null) {
            return known;
        }
        if (warnedFallback.compareAndSet(false, true)) {
            // Looked up here: this class is created before READY, when slf4j should not be initialised yet.
            Logger log = LoggerFactory.getLogger(ServerIdentity.class);
            log.warn("supervisord's identification is not known yet: using server id '{}' until it is",
                    fixedServerId);
        }
        return fixedServerId;
    }

    /** supervisord's identification, once an event or a snapshot told it. */
    public Optional<String> identification() {
        return Optional.ofNullable(identification.get());
    }

    public boolean fromIdentification() {
        return fromIdentification;
    }

    /**
     * The identity of the supervisord that runs this listener: its (our parent's) pid and start time,
     * {@code pid-startEpochMillis}. supervisord restarts its serials at 0, so this and the serial identify an event.
     */
    public static String supervisordInstance() {
        return ProcessHandle.current().parent()
                .map(parent -> parent.pid() + "-" + parent.info().startInstant()
                        .map(java.time.Instant::toEpochMilli).orElse(0L))
                .orElse("unknown-0");
    }
}
