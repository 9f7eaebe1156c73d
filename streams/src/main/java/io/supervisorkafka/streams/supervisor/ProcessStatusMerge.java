package io.supervisorkafka.streams.supervisor;

import static io.supervisorkafka.schemas.ProcessStatus.SOURCE_EVENT;
import static io.supervisorkafka.schemas.ProcessStatus.SOURCE_SNAPSHOT;

import io.supervisorkafka.schemas.ProcessExit;
import io.supervisorkafka.schemas.ProcessState;
import io.supervisorkafka.schemas.ProcessStatus;
import io.supervisorkafka.schemas.ProcessStatus.LastExit;
import io.supervisorkafka.schemas.SupervisorSnapshot.ProcessInfo;
import io.supervisorkafka.streams.supervisor.SupervisorInput.GroupRemoved;
import io.supervisorkafka.streams.supervisor.SupervisorInput.ProcessStateObserved;
import java.util.Objects;

/**
 * How events and snapshots merge into a process's status. Pure functions of (stored status, input, now), so that every
 * ordering case can be tested without Kafka.
 *
 * <p>Ordering: events of one server arrive in the order the listener read them (one partition), so an event always
 * follows the event before it. Snapshots travel on another topic and may be processed before or after events observed
 * around the same time, so whenever a snapshot is involved the newer {@code observedAt} wins.
 */
final class ProcessStatusMerge {

    private ProcessStatusMerge() {
    }

    /** States in which supervisord has a child process, so that a pid designates something alive. */
    static boolean hasLiveProcess(ProcessState state) {
        return state == ProcessState.STARTING || state == ProcessState.RUNNING || state == ProcessState.STOPPING;
    }

    /** Seconds since {@code startedAt} at {@code at} while the state has uptime, else 0 (Datadog's rule). */
    static long uptimeSeconds(ProcessState state, Long startedAt, long at) {
        if (!state.hasUptime() || startedAt == null) {
            return 0;
        }
        return Math.max(0, (at - startedAt) / 1000);
    }

    /** The status after a PROCESS_STATE_* event; {@code current} itself when the event must not apply. */
    static ProcessStatus applyEvent(ProcessStatus current, ProcessStateObserved event, long now) {
        if (current != null && SOURCE_SNAPSHOT.equals(current.source()) && event.observedAt() < current.observedAt()) {
            // The snapshot saw a later moment than this event: the event is history the snapshot already includes.
            return current;
        }
        ProcessState state = event.state();
        if (current != null && current.processState() == state
                && (event.pid() == null || event.pid().equals(current.pid()))) {
            return confirmedByEvent(current, event, now);
        }
        Long pid = hasLiveProcess(state) ? firstNonNull(event.pid(), livePid(current)) : null;
        Long startedAt = switch (state) {
            case STARTING -> event.observedAt();
            // RUNNING follows STARTING in supervisord; a start time from any other state belongs to an earlier run.
            case RUNNING -> current != null && current.processState() == ProcessState.STARTING
                    && current.startedAt() != null ? current.startedAt() : event.observedAt();
            default -> current == null ? null : current.startedAt();
        };
        boolean newExit = state == ProcessState.EXITED || state == ProcessState.STOPPED
                || state == ProcessState.BACKOFF;
        // A new exit: its status is unknown until its exit record or a snapshot tells, and the old one would mislead.
        // FATAL ends no run of its own (it follows the BACKOFF of the last try), so it keeps that one's.
        Integer exitStatus = newExit || current == null ? null : current.exitStatus();
        LastExit lastExit = newExit || current == null ? null : current.lastExit();
        // supervisord clears spawnerr on a successful spawn, so only a BACKOFF/FATAL chain keeps the last one.
        String spawnErr = (state == ProcessState.BACKOFF || state == ProcessState.FATAL) && current != null
                && (current.processState() == ProcessState.BACKOFF || current.processState() == ProcessState.FATAL)
                ? current.spawnErr() : null;
        return new ProcessStatus(event.server(), event.group(), event.name(), state.name(), state.code(), pid,
                startedAt, uptimeSeconds(state, startedAt, now), exitStatus, spawnErr, null, state.check(),
                event.observedAt(), SOURCE_EVENT, event.observedAt(), now, lastExit);
    }

    /** The event repeats the state already known (e.g. a snapshot saw it first): only the observation moves on. */
    private static ProcessStatus confirmedByEvent(ProcessStatus current, ProcessStateObserved event, long now) {
        ProcessState state = current.processState();
        return new ProcessStatus(current.server(), current.group(), current.name(), state.name(), state.code(),
                firstNonNull(current.pid(), event.pid()), current.startedAt(),
                uptimeSeconds(state, current.startedAt(), now), current.exitStatus(), current.spawnErr(),
                current.description(), state.check(), current.since(), SOURCE_EVENT,
                Math.max(current.observedAt(), event.observedAt()), now, current.lastExit());
    }

    /**
     * The status once the listener's record of why the last run ended arrived: its exit status (-1 for a signal, as
     * supervisord reports it) and {@link LastExit}. The state, and what the merges compare, stay as they are. The
     * records of a FATAL and of the BACKOFF before it tell of the same run (supervisord gave up after it), whichever
     * comes first: the FATAL's is kept, and takes the cause and the output the other has and it lacks.
     */
    static ProcessStatus applyExit(ProcessStatus current, ProcessExit exit, long now) {
        LastExit last = LastExit.of(exit);
        LastExit before = current.lastExit();
        if (before != null && ProcessState.ofName(last.state()) == ProcessState.FATAL) {
            last = filled(last, before);
        } else if (before != null && ProcessState.ofName(before.state()) == ProcessState.FATAL
                && ProcessState.ofName(last.state()) == ProcessState.BACKOFF) {
            last = filled(before, last);
        }
        Integer exitStatus = last.exitStatus() != null ? last.exitStatus()
                : last.signal() != null ? Integer.valueOf(-1) : current.exitStatus();
        ProcessState state = current.processState();
        return new ProcessStatus(current.server(), current.group(), current.name(), current.state(),
                current.stateCode(), current.pid(), current.startedAt(),
                uptimeSeconds(state, current.startedAt(), now), exitStatus, current.spawnErr(), current.description(),
                current.check(), current.since(), current.source(), current.observedAt(), now, last);
    }

    /** {@code last}, with the cause and the output of {@code other} where it lacks them. */
    private static LastExit filled(LastExit last, LastExit other) {
        boolean cause = last.hasCause();
        boolean output = last.output() != null;
        return new LastExit(last.state(), firstNonNull(last.expected(), other.expected()),
                cause ? last.exitStatus() : other.exitStatus(), cause ? last.signal() : other.signal(),
                firstNonNull(last.runSeconds(), other.runSeconds()), output ? last.output() : other.output(),
                output ? last.outputStream() : other.outputStream(), last.error(), last.observedAt());
    }

    /**
     * The status after one process of a successful snapshot. A snapshot at least as recent as the stored status
     * establishes the truth; an older one may only fill what the stored status lacks, and only when it describes the
     * same state and the same pid.
     */
    static ProcessStatus applySnapshotProcess(ProcessStatus current, String server, ProcessInfo info,
                                              long snapshotObservedAt, long now) {
        ProcessState state = ProcessState.ofName(info.state());
        Long pid = info.pid() > 0 ? info.pid() : null;
        Long startedAt = info.start() > 0 ? info.start() * 1000 : null;
        String description = blankToNull(info.description());
        if (current == null || snapshotObservedAt >= current.observedAt()) {
            boolean sameState = current != null && current.processState() == state
                    && Objects.equals(current.pid(), pid);
            long since = sameState ? current.since() : estimatedSince(state, info, snapshotObservedAt);
            // What the exit record said of the last run is news to a snapshot, unless the snapshot shows an exit the
            // status has not seen.
            LastExit lastExit = current != null && (sameState || hasLiveProcess(state)) ? current.lastExit() : null;
            Integer exitStatus = info.exitStatus();
            if (lastExit != null && info.exitStatus() == 0 && state != ProcessState.EXITED
                    && state != ProcessState.STOPPED) {
                // supervisord reports 0 for "none": it forgets the status at every spawn and never knows it for an
                // exit too quick to reach RUNNING.
                exitStatus = current.exitStatus();
            }
            return new ProcessStatus(server, info.group(), info.name(), state.name(), state.code(), pid, startedAt,
                    uptimeSeconds(state, startedAt, now), exitStatus, blankToNull(info.spawnErr()),
                    description, state.check(), since, SOURCE_SNAPSHOT, snapshotObservedAt, now, lastExit);
        }
        if (current.processState() != state || !Objects.equals(current.pid(), pid)) {
            return current;
        }
        Long filledStart = firstNonNull(current.startedAt(), startedAt);
        Integer filledExit = firstNonNull(current.exitStatus(), info.exitStatus());
        String filledDescription = firstNonNull(current.description(), description);
        if (Objects.equals(filledStart, current.startedAt()) && Objects.equals(filledExit, current.exitStatus())
                && Objects.equals(filledDescription, current.description())) {
            return current;
        }
        return new ProcessStatus(current.server(), current.group(), current.name(), current.state(),
                current.stateCode(), current.pid(), filledStart, uptimeSeconds(state, filledStart, now), filledExit,
                current.spawnErr(), filledDescription, current.check(), current.since(), current.source(),
                current.observedAt(), now, current.lastExit());
    }

    /**
     * Whether a process that a successful snapshot did not list is gone. Only when it was last observed before the
     * snapshot: a process an event created after the snapshot was taken is newer than the snapshot's list.
     */
    static boolean goneFrom(ProcessStatus current, long snapshotObservedAt) {
        return current.observedAt() < snapshotObservedAt;
    }

    /** Whether a PROCESS_GROUP_REMOVED removes this process: not when it was observed again after the removal. */
    static boolean removedWith(ProcessStatus current, GroupRemoved removal) {
        return current.observedAt() <= removal.observedAt();
    }

    /**
     * Whether two statuses say the same to a reader of the status topic (what the last exit record said included).
     * Uptime, description (supervisord writes the uptime into it), when it was observed and by what are left out:
     * they change with every snapshot and would otherwise republish every process every snapshot.
     */
    static boolean sameStatus(ProcessStatus a, ProcessStatus b) {
        if (a == null || b == null) {
            return a == b;
        }
        return a.stateCode() == b.stateCode() && Objects.equals(a.state(), b.state())
                && Objects.equals(a.pid(), b.pid()) && Objects.equals(a.startedAt(), b.startedAt())
                && Objects.equals(a.exitStatus(), b.exitStatus()) && Objects.equals(a.spawnErr(), b.spawnErr())
                && a.check() == b.check() && a.since() == b.since() && Objects.equals(a.lastExit(), b.lastExit());
    }

    /**
     * When the process most likely entered the state a snapshot reports: supervisord's start time for a running
     * process, its stop time for one that stopped, else the snapshot's own time. Never after the snapshot.
     */
    private static long estimatedSince(ProcessState state, ProcessInfo info, long snapshotObservedAt) {
        long estimate = switch (state) {
            case STARTING, RUNNING -> info.start() > 0 ? info.start() * 1000 : snapshotObservedAt;
            case STOPPED, EXITED, BACKOFF, FATAL -> info.stop() > 0 && info.stop() >= info.start()
                    ? info.stop() * 1000 : snapshotObservedAt;
            default -> snapshotObservedAt;
        };
        return Math.min(estimate, snapshotObservedAt);
    }

    private static Long livePid(ProcessStatus current) {
        return current != null && hasLiveProcess(current.processState()) ? current.pid() : null;
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }

    private static <T> T firstNonNull(T first, T second) {
        return first != null ? first : second;
    }
}
