package io.supervisorkafka.listener.supervisor.xmlrpc;

import io.supervisorkafka.listener.RecordSink;
import io.supervisorkafka.listener.ServerIdentity;
import io.supervisorkafka.listener.Source;
import io.supervisorkafka.listener.SourceCounters;
import io.supervisorkafka.schemas.SupervisorSnapshot;
import io.supervisorkafka.schemas.Topics;
import java.time.Clock;
import java.util.List;
import java.util.Objects;

/**
 * What the listener takes from supervisord's HTTP socket beside the events of the protocol loop: XML-RPC snapshots
 * ({@link SnapshotCollector}, thread {@code snapshot-collector}) to {@code supervisor.snapshots}, and the
 * {@link SupervisordWaker} that makes supervisord hand over a process's event at once.
 */
public final class SupervisorSource implements Source {
    private final SupervisorSourceConfig config;
    private final ServerIdentity identity;
    private final Clock clock;
    private volatile List<SupervisorSnapshot.ProcessInfo> latestProcesses = List.of();
    private SnapshotCollector collector;
    private SupervisordWaker waker;

    public SupervisorSource(SupervisorSourceConfig config, ServerIdentity identity, Clock clock) {
        this.config = Objects.requireNonNull(config, "config");
        this.identity = Objects.requireNonNull(identity, "identity");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public synchronized void start(RecordSink sink, SourceCounters counters) {
        if (config.snapshotsEnabled()) {
            collector = new SnapshotCollector(config, identity, snapshot -> publish(sink, snapshot), clock);
            collector.start();
            counters.register("snapshots.ok", collector::succeeded);
            counters.register("snapshots.failed", collector::failed);
        }
        waker = SupervisordWaker.startForParent(config.endpoint(), config.wakeInterval()).orElse(null);
    }

    private void publish(RecordSink sink, SupervisorSnapshot snapshot) {
        if (snapshot.error() == null) {
            latestProcesses = snapshot.processes();
        }
        sink.publishJson(Topics.SNAPSHOTS, snapshot.server(), snapshot.observedAt(), SupervisorSnapshot.class,
                snapshot);
    }

    /** The processes of the latest successful snapshot, empty before one: the gunicorn source names programs by them. */
    public List<SupervisorSnapshot.ProcessInfo> latestProcesses() {
        return latestProcesses;
    }

    /** The waker first: it only nudges supervisord; the snapshot under way ends by its own deadline. */
    @Override
    public synchronized void close() {
        if (waker != null) {
            waker.close();
        }
        if (collector != null) {
            collector.close();
        }
    }
}
