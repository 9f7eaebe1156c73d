package io.supervisorkafka.schemas;

import java.util.Map;

/**
 * The typed view of a {@link SupervisorEvent}: one record per family of supervisord event types
 * (supervisor/events.py). Derived from the generic wire record by {@link #of(SupervisorEvent)}.
 */
public sealed interface EventKind {

    /** PROCESS_STATE_*: a process changed state. {@code pid} is set for the states that carry one. */
    record ProcessStateChange(String group, String name, ProcessState state, ProcessState fromState, Long pid,
                              Integer tries, Boolean expected) implements EventKind {
    }

    /** PROCESS_LOG_STDOUT / PROCESS_LOG_STDERR. */
    record ProcessLog(String group, String name, Long pid, String channel, String data) implements EventKind {
    }

    /** PROCESS_COMMUNICATION_STDOUT / _STDERR. */
    record ProcessCommunication(String group, String name, Long pid, String data) implements EventKind {
    }

    /** REMOTE_COMMUNICATION, sent through the XML-RPC {@code sendRemoteCommEvent}. */
    record RemoteCommunication(String type, String data) implements EventKind {
    }

    /** SUPERVISOR_STATE_CHANGE_RUNNING / _STOPPING. */
    record SupervisorStateChange(boolean running) implements EventKind {
    }

    /** TICK_5, TICK_60, TICK_3600. */
    record Tick(int periodSeconds, long when) implements EventKind {
    }

    /** PROCESS_GROUP_ADDED / PROCESS_GROUP_REMOVED. */
    record ProcessGroupChange(String group, boolean added) implements EventKind {
    }

    /** Any event type this version does not know: carried, never dropped. */
    record Other(String eventName) implements EventKind {
    }

    static EventKind of(SupervisorEvent event) {
        String name = event.eventName() == null ? "" : event.eventName();
        Map<String, String> f = event.fields();
        if (name.startsWith("PROCESS_STATE_")) {
            return new ProcessStateChange(f.get("groupname"), f.get("processname"),
                    ProcessState.ofName(name.substring("PROCESS_STATE_".length())),
                    f.containsKey("from_state") ? ProcessState.ofName(f.get("from_state")) : null,
                    longOrNull(f.get("pid")), intOrNull(f.get("tries")),
                    f.containsKey("expected") ? "1".equals(f.get("expected")) : null);
        }
        if (name.startsWith("PROCESS_LOG_")) {
            return new ProcessLog(f.get("groupname"), f.get("processname"), longOrNull(f.get("pid")),
                    name.substring("PROCESS_LOG_".length()).toLowerCase(java.util.Locale.ROOT), event.data());
        }
        if (name.startsWith("PROCESS_COMMUNICATION_")) {
            return new ProcessCommunication(f.get("groupname"), f.get("processname"), longOrNull(f.get("pid")),
                    event.data());
        }
        if (name.startsWith("TICK_")) {
            Integer period = intOrNull(name.substring("TICK_".length()));
            Long when = longOrNull(f.get("when"));
            return new Tick(period == null ? 0 : period, when == null ? 0 : when);
        }
        return switch (name) {
            case "REMOTE_COMMUNICATION" -> new RemoteCommunication(f.get("type"), event.data());
            case "SUPERVISOR_STATE_CHANGE_RUNNING" -> new SupervisorStateChange(true);
            case "SUPERVISOR_STATE_CHANGE_STOPPING" -> new SupervisorStateChange(false);
            case "PROCESS_GROUP_ADDED" -> new ProcessGroupChange(f.get("groupname"), true);
            case "PROCESS_GROUP_REMOVED" -> new ProcessGroupChange(f.get("groupname"), false);
            default -> new Other(name);
        };
    }

    private static Long longOrNull(String value) {
        if (value == null) {
            return null;
        }
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static Integer intOrNull(String value) {
        Long parsed = longOrNull(value);
        return parsed == null || parsed > Integer.MAX_VALUE || parsed < Integer.MIN_VALUE ? null : parsed.intValue();
    }
}
