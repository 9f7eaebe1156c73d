package io.supervisorkafka.streams.supervisor;

import io.supervisorkafka.schemas.ProcessState;
import io.supervisorkafka.schemas.ProcessStatus;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** The human readable messages of the service checks: what, where, since when, and why when known. */
public final class CheckMessages {
    public static final String SUPERVISORD = "supervisord";
    public static final String DOCKER_ENGINE = "docker engine";

    private CheckMessages() {
    }

    /**
     * E.g. {@code process crasher:crasher on web-1 is FATAL since 2026-11-22T00:41:03Z: Exited too quickly (process
     * log may have details)}.
     */
    public static String processStatus(ProcessStatus status, Boolean exitExpected) {
        StringBuilder message = new StringBuilder("process ").append(status.group()).append(':')
                .append(status.name()).append(" on ").append(status.server()).append(" is ").append(status.state())
                .append(" since ").append(iso(status.since()));
        if (status.pid() != null) {
            message.append(" (pid ").append(status.pid()).append(')');
        }
        ProcessState state = status.processState();
        if (status.spawnErr() != null) {
            message.append(": ").append(status.spawnErr());
        } else if (state == ProcessState.EXITED) {
            message.append(": ").append(exitExpected == null ? "exited"
                    : exitExpected ? "exited as expected" : "exited unexpectedly");
            if (status.exitStatus() != null) {
                message.append(" (exit status ").append(status.exitStatus()).append(')');
            }
        } else if (status.exitStatus() != null && !ProcessStatusMerge.hasLiveProcess(state)) {
            message.append(": last exit status ").append(status.exitStatus());
        }
        return message.toString();
    }

    /** E.g. {@code supervisord on web-1 is reachable at http://127.0.0.1:9001/RPC2 since ... (4.2.5, RUNNING)}. */
    public static String reachable(String server, String endpoint, long since, String version, String supervisorState) {
        StringBuilder message = new StringBuilder("supervisord on ").append(server).append(" is reachable");
        appendEndpoint(message, endpoint);
        message.append(" since ").append(iso(since));
        if (version != null || supervisorState != null) {
            message.append(" (");
            if (version != null) {
                message.append("supervisord ").append(version);
            }
            if (supervisorState != null) {
                message.append(version != null ? ", " : "").append("state ").append(supervisorState);
            }
            message.append(')');
        }
        return message.toString();
    }

    /**
     * E.g. {@code supervisord on web-1 is unreachable at http://127.0.0.1:9001/RPC2 since ...: Connection refused}.
     *
     * @param component what could not be reached: {@link #SUPERVISORD} or {@link #DOCKER_ENGINE}
     */
    public static String unreachable(String component, String server, String endpoint, long since, String error) {
        StringBuilder message = new StringBuilder(component).append(" on ").append(server).append(" is unreachable");
        appendEndpoint(message, endpoint);
        return message.append(" since ").append(iso(since)).append(": ").append(error).toString();
    }

    /** E.g. {@code docker engine on web-1 is reachable at unix:///run/docker/metrics.sock since ... (docker 20.10)}. */
    public static String dockerReachable(String server, String source, long since, String version) {
        StringBuilder message = new StringBuilder(DOCKER_ENGINE).append(" on ").append(server).append(" is reachable");
        appendEndpoint(message, source);
        message.append(" since ").append(iso(since));
        if (version != null) {
            message.append(" (docker ").append(version).append(')');
        }
        return message.toString();
    }

    /**
     * E.g. {@code no snapshot of supervisord on web-1 since ...: none arrived within 90s}.
     *
     * @param what what stopped arriving: {@code snapshot of supervisord}, {@code scrape of the docker engine}
     */
    public static String stale(String what, String server, long lastArrivedAt, Duration staleAfter) {
        return "no " + what + " on " + server + " since " + iso(lastArrivedAt) + ": none arrived within "
                + staleAfter.toSeconds() + "s, its listener may be down";
    }

    /** ISO-8601 to the second, e.g. {@code 2026-11-22T00:41:03Z}. */
    public static String iso(long epochMillis) {
        return Instant.ofEpochMilli(epochMillis).truncatedTo(ChronoUnit.SECONDS).toString();
    }

    private static void appendEndpoint(StringBuilder message, String endpoint) {
        if (endpoint != null && !endpoint.isBlank()) {
            message.append(" at ").append(endpoint);
        }
    }
}
