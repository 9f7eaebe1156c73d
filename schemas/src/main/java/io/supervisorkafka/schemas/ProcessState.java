package io.supervisorkafka.schemas;

/**
 * supervisord's process states with their numeric codes (supervisor/states.py), and the service-check status each
 * one maps to, as the Datadog supervisord check maps them.
 */
public enum ProcessState {
    STOPPED(0, CheckStatus.CRITICAL),
    STARTING(10, CheckStatus.UNKNOWN),
    RUNNING(20, CheckStatus.OK),
    BACKOFF(30, CheckStatus.CRITICAL),
    STOPPING(40, CheckStatus.CRITICAL),
    EXITED(100, CheckStatus.CRITICAL),
    FATAL(200, CheckStatus.CRITICAL),
    UNKNOWN(1000, CheckStatus.UNKNOWN);

    private final int code;
    private final CheckStatus check;

    ProcessState(int code, CheckStatus check) {
        this.code = code;
        this.check = check;
    }

    public int code() {
        return code;
    }

    public CheckStatus check() {
        return check;
    }

    /** Whether supervisord counts the process as having a live start time (Datadog's uptime rule). */
    public boolean hasUptime() {
        return this == RUNNING || this == BACKOFF || this == STOPPING;
    }

    /** The state named by a statename such as "RUNNING"; UNKNOWN for a name supervisord may add later. */
    public static ProcessState ofName(String name) {
        if (name == null) {
            return UNKNOWN;
        }
        try {
            return valueOf(name);
        } catch (IllegalArgumentException e) {
            return UNKNOWN;
        }
    }
}
