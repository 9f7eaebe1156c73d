package io.supervisorkafka.listener.supervisor.xmlrpc;

import io.supervisorkafka.listener.EventFollower;
import io.supervisorkafka.listener.RecordSink;
import io.supervisorkafka.listener.ServerIdentity;
import io.supervisorkafka.listener.Source;
import io.supervisorkafka.listener.SourceCounters;
import io.supervisorkafka.listener.supervisor.protocol.ReceivedEvent;
import io.supervisorkafka.schemas.ProcessExit;
import io.supervisorkafka.schemas.SupervisorSnapshot;
import io.supervisorkafka.schemas.Topics;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What the listener takes from supervisord's HTTP socket beside the events of the protocol loop: XML-RPC snapshots
 * ({@link SnapshotCollector}, thread {@code snapshot-collector}) to {@code supervisor.snapshots}, why each process
 * exited ({@link ExitContextCollector}, thread {@code exit-context}) to {@code supervisor.process-exits}, and the
 * {@link SupervisordWaker} that makes supervisord hand over a process's event at once.
 */
public final class SupervisorSource implements Source, EventFollower {
    private final SupervisorSourceConfig config;
    private final ServerIdentity identity;
    private final Clock clock;
    private volatile List<SupervisorSnapshot.ProcessInfo> latestProcesses = List.of();
    private SnapshotCollector collector;
    /** Set once in start(), before the protocol loop reads events; read by it without the lock. */
    private volatile ExitContextCollector exits;
    private SupervisordWaker waker;

    public SupervisorSource(SupervisorSourceConfig config, ServerIdentity identity, Clock clock) {
        this.config = Objects.requireNonNull(config, "config");
        this.identity = Objects.requireNonNull(identity, "identity");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public synchronized void start(RecordSink sink, SourceCounters counters) {
        // Looked up once for the exit context (its main log) and the waker.
        Optional<SupervisordWaker.Parent> parent = SupervisordWaker.Parent.ofThisProcess();
        // Made first so that every snapshot tells it where the output logs are; its counters come after the snapshots'.
        ExitContextCollector exitCollector = config.exits() ? new ExitContextCollector(config,
                exit -> sink.publishJson(Topics.PROCESS_EXITS, exit.server(), exit.observedAt(), ProcessExit.class,
                        exit), clock, parent.map(SupervisordWaker.Parent::mainLog).orElse(null)) : null;
        if (config.snapshotsEnabled()) {
            collector = new SnapshotCollector(config, identity, snapshot -> publish(sink, snapshot), clock);
            if (exitCollector != null) {
                collector.alsoTell(exitCollector::knownProcesses);
            }
            collector.start();
            counters.register("snapshots.ok", collector::succeeded);
            counters.register("snapshots.failed", collector::failed);
        }
        if (exitCollector != null) {
            exitCollector.start();
            exits = exitCollector;
            counters.register("exits.ok", exitCollector::succeeded);
            counters.register("exits.failed", exitCollector::failed);
            counters.register("exits.dropped", exitCollector::dropped);
        }
        waker = parent.flatMap(supervisord -> SupervisordWaker.startForParent(supervisord, config.endpoint(),
                config.wakeInterval(), config.exitWatch())).orElse(null);
    }

    /** On the protocol loop: hands the exits (and starts) of processes to the exit context thread. */
    @Override
    public void stored(ReceivedEvent event, String serverId, String instance, long observedAt) {
        ExitContextCollector collector = exits;
        if (collector != null) {
            String state = ExitContextCollector.stateOf(event.eventName());
            if (state != null) {
                collector.offer(serverId, instance, event.serial(), state, event.payloadCopy(), observedAt);
            }
        }
    }

    private void publish(RecordSink sink, SupervisorSnapshot snapshot) {
        if (snapshot.error() == null) {
            latestProcesses = snapshot.processes();
        }
        sink.publishJson(Topics.SNAPSHOTS, snapshot.server(), snapshot.observedAt(), SupervisorSnapshot.class,
                snapshot);
    }

    /** A snapshot at once: the status derived from events is out of date when supervisord discarded some. */
    @Override
    public synchronized void eventsLost() {
        if (collector != null) {
            collector.requestNow();
        }
    }

    /** The processes of the latest successful snapshot, empty before one: the gunicorn source names programs by them. */
    public List<SupervisorSnapshot.ProcessInfo> latestProcesses() {
        return latestProcesses;
    }

    /**
     * The waker first: it only nudges supervisord; the exit context and the snapshot under way end by their own
     * deadline.
     */
    @Override
    public synchronized void close() {
        if (waker != null) {
            waker.close();
        }
        if (exits != null) {
            exits.close();
        }
        if (collector != null) {
            collector.close();
        }
    }
}
