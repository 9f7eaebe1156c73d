package io.supervisorkafka.streams.supervisor;

import io.supervisorkafka.schemas.EventKind;
import io.supervisorkafka.schemas.ProcessExit;
import io.supervisorkafka.schemas.ProcessState;
import io.supervisorkafka.schemas.SupervisorEvent;
import io.supervisorkafka.schemas.SupervisorSnapshot;
import java.util.Optional;

/**
 * What the pipeline learns from its two inputs, reduced to the cases it acts on. Events and snapshots are mapped to
 * this type and merged into one stream, so each processor sees both in the order Kafka Streams chose for them.
 */
public sealed interface SupervisorInput {

    /** The server id: the record key of both input topics. */
    String server();

    /** When the listener observed it, epoch ms. */
    long observedAt();

    /**
     * A PROCESS_STATE_* event.
     *
     * @param exitExpected the EXITED event's {@code expected} flag, else null
     * @param fromState    the state the event says the process left, or null when it does not say
     * @param eventId      the event's id ({@code server/instance/serial}), or null when it has no instance
     */
    record ProcessStateObserved(String server, String group, String name, ProcessState state, Long pid,
                                Boolean exitExpected, long observedAt, ProcessState fromState, String eventId)
            implements SupervisorInput {

        public ProcessStateObserved(String server, String group, String name, ProcessState state, Long pid,
                                    Boolean exitExpected, long observedAt) {
            this(server, group, name, state, pid, exitExpected, observedAt, null, null);
        }

        /** Whether the event ends a run, so that the listener publishes a record of why ({@link ExitExplained}). */
        public boolean isExit() {
            return endsRun(state);
        }
    }

    /** The listener's record of why a process left its run, published after the exit event it explains. */
    record ExitExplained(String server, ProcessExit exit) implements SupervisorInput {
        @Override
        public long observedAt() {
            return exit.observedAt();
        }
    }

    /** PROCESS_GROUP_REMOVED: supervisord no longer manages the group's processes. */
    record GroupRemoved(String server, String group, long observedAt) implements SupervisorInput {
    }

    /** SUPERVISOR_STATE_CHANGE_RUNNING (running) or _STOPPING. */
    record SupervisorStateObserved(String server, boolean running, long observedAt) implements SupervisorInput {
    }

    /** A snapshot, successful or failed. */
    record SnapshotTaken(String server, SupervisorSnapshot snapshot) implements SupervisorInput {
        @Override
        public long observedAt() {
            return snapshot.observedAt();
        }
    }

    /**
     * The input an event means, if the pipeline acts on it. TICK, log and communication events carry nothing about
     * process state and are left out here (they stay on the events topic for other consumers).
     */
    static Optional<SupervisorInput> fromEvent(String key, SupervisorEvent event) {
        if (event == null) {
            return Optional.empty();
        }
        String server = serverOf(key, event.server());
        EventKind kind = event.kind();
        if (kind instanceof EventKind.ProcessStateChange change) {
            if (change.group() == null || change.name() == null) {
                return Optional.empty();
            }
            Long pid = change.pid() != null && change.pid() > 0 ? change.pid() : null;
            Boolean exitExpected = change.state() == ProcessState.EXITED ? change.expected() : null;
            String eventId = event.instance() == null || event.instance().isEmpty() ? null : event.eventId();
            return Optional.of(new ProcessStateObserved(server, change.group(), change.name(), change.state(), pid,
                    exitExpected, event.observedAt(), change.fromState(), eventId));
        }
        if (kind instanceof EventKind.ProcessGroupChange group && !group.added() && group.group() != null) {
            return Optional.of(new GroupRemoved(server, group.group(), event.observedAt()));
        }
        if (kind instanceof EventKind.SupervisorStateChange state) {
            return Optional.of(new SupervisorStateObserved(server, state.running(), event.observedAt()));
        }
        return Optional.empty();
    }

    /**
     * The input a snapshot means. One claiming success without supervisord's state is malformed (a successful
     * snapshot always has it) and is left out: read as "no process running", it would remove every process of the
     * server.
     */
    static Optional<SupervisorInput> fromSnapshot(String key, SupervisorSnapshot snapshot) {
        if (snapshot == null || (snapshot.ok() && snapshot.supervisor() == null)) {
            return Optional.empty();
        }
        return Optional.of(new SnapshotTaken(serverOf(key, snapshot.server()), snapshot));
    }

    /** The input an exit record means: none when it does not name its process. */
    static Optional<SupervisorInput> fromExit(String key, ProcessExit exit) {
        if (exit == null || exit.group() == null || exit.name() == null || exit.toState() == null) {
            return Optional.empty();
        }
        return Optional.of(new ExitExplained(serverOf(key, exit.server()), exit));
    }

    /** The states a run ends in: the listener publishes a {@link ProcessExit} for each. */
    static boolean endsRun(ProcessState state) {
        return state == ProcessState.EXITED || state == ProcessState.BACKOFF || state == ProcessState.FATAL
                || state == ProcessState.STOPPED;
    }

    /**
     * The record key decides the partition and so which task holds the server's state; the value's server is only a
     * fallback for a record produced without a key.
     */
    private static String serverOf(String key, String valueServer) {
        return key != null && !key.isEmpty() ? key : valueServer;
    }
}
