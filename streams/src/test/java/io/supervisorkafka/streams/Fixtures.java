package io.supervisorkafka.streams;

import io.supervisorkafka.schemas.ProcessExit;
import io.supervisorkafka.schemas.ProcessState;
import io.supervisorkafka.schemas.SupervisorEvent;
import io.supervisorkafka.schemas.SupervisorSnapshot;
import io.supervisorkafka.schemas.SupervisorSnapshot.ProcessInfo;
import io.supervisorkafka.schemas.SupervisorSnapshot.SupervisorInfo;
import io.supervisorkafka.streams.supervisor.SupervisorInput;
import io.supervisorkafka.streams.supervisor.SupervisorInput.ProcessStateObserved;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builders of wire records and inputs for the tests. */
public final class Fixtures {

    public static final String SERVER = "web-1";
    public static final String INSTANCE = "3560-1795307160000";
    public static final String ENDPOINT = "http://127.0.0.1:9001/RPC2";
    /** 2026-11-22T00:41:00Z. */
    public static final long T0 = Instant.parse("2026-11-22T00:41:00Z").toEpochMilli();

    private Fixtures() {
    }

    public static SupervisorEvent event(String server, String instance, long serial, String eventName,
                                 Map<String, String> fields, long observedAt) {
        return new SupervisorEvent(server, "supervisor", instance, serial, "probe", serial, eventName, "3.0", fields,
                null, observedAt);
    }

    /** A PROCESS_STATE_* event with supervisord's payload tokens. */
    public static SupervisorEvent processEvent(long serial, String group, String name, String state, Long pid,
                                        long observedAt) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("processname", name);
        fields.put("groupname", group);
        fields.put("from_state", "STOPPED");
        if (pid != null) {
            fields.put("pid", pid.toString());
        }
        if (state.equals("EXITED")) {
            fields.put("expected", "0");
        }
        return event(SERVER, INSTANCE, serial, "PROCESS_STATE_" + state, fields, observedAt);
    }

    /** A PROCESS_STATE_* event from {@code fromState}; {@code expected} for EXITED. */
    public static SupervisorEvent processEvent(long serial, String group, String name, String state, String fromState,
                                               Long pid, Boolean expected, long observedAt) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("processname", name);
        fields.put("groupname", group);
        fields.put("from_state", fromState);
        if (pid != null) {
            fields.put("pid", pid.toString());
        }
        if (expected != null) {
            fields.put("expected", expected ? "1" : "0");
        }
        return event(SERVER, INSTANCE, serial, "PROCESS_STATE_" + state, fields, observedAt);
    }

    /**
     * The listener's record of why the run an exit event ended ended: an exit status, or a signal; its stderr tail
     * (null for none); fetched 12 ms after the event.
     */
    public static ProcessExit exitOf(SupervisorEvent event, Integer exitStatus, String signal, Double runSeconds,
                                     String stderr) {
        Map<String, String> fields = event.fields();
        String pid = fields.get("pid");
        String expected = fields.get("expected");
        return new ProcessExit(event.server(), event.instance(), event.serial(), fields.get("groupname"),
                fields.get("processname"), fields.get("from_state"),
                event.eventName().substring("PROCESS_STATE_".length()),
                expected == null ? null : expected.equals("1"), pid == null ? null : Long.valueOf(pid), exitStatus,
                signal, runSeconds, stderr, stderr == null ? null : "stderr", null, event.observedAt(),
                event.observedAt() + 12);
    }

    /** What the pipeline reads in a PROCESS_STATE_* event. */
    public static ProcessStateObserved observed(SupervisorEvent event) {
        return (ProcessStateObserved) SupervisorInput.fromEvent(event.server(), event).orElseThrow();
    }

    public static ProcessStateObserved observed(String group, String name, ProcessState state, Long pid,
                                                long observedAt) {
        return new ProcessStateObserved(SERVER, group, name, state, pid,
                state == ProcessState.EXITED ? Boolean.FALSE : null, observedAt);
    }

    public static ProcessStateObserved observed(String name, ProcessState state, Long pid, long observedAt) {
        return observed(name, name, state, pid, observedAt);
    }

    public static SupervisorSnapshot snapshot(String server, long observedAt, ProcessInfo... processes) {
        return new SupervisorSnapshot(server, "supervisor", ENDPOINT, observedAt, 12, null,
                new SupervisorInfo("RUNNING", 1, "supervisor", "4.2.5", 3550L), List.of(processes));
    }

    public static SupervisorSnapshot snapshot(long observedAt, ProcessInfo... processes) {
        return snapshot(SERVER, observedAt, processes);
    }

    public static SupervisorSnapshot failedSnapshot(String server, long observedAt, String error) {
        return new SupervisorSnapshot(server, null, ENDPOINT, observedAt, 3, error, null, List.of());
    }

    /** One getAllProcessInfo entry; times in epoch ms, given to supervisord's seconds. */
    public static ProcessInfo info(String group, String name, String state, long pid, long startMillis, long stopMillis,
                            long nowMillis, int exitStatus, String spawnErr, String description) {
        return new ProcessInfo(group, name, state, ProcessState.ofName(state).code(), pid, startMillis / 1000,
                stopMillis / 1000, nowMillis / 1000, exitStatus, spawnErr, description);
    }

    public static ProcessInfo running(String name, long pid, long startMillis, long nowMillis) {
        return info(name, name, "RUNNING", pid, startMillis, 0, nowMillis, 0, "",
                "pid " + pid + ", uptime 0:00:42");
    }
}
