package io.supervisorkafka.streams.common;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** The human readable messages of the service checks: what, where, since when, and why when known. */
public final class CheckMessages {

    private CheckMessages() {
    }

    /**
     * E.g. {@code supervisord on web-1 is reachable at http://127.0.0.1:9001/RPC2 since ... (supervisord 4.2.5, state
     * RUNNING)}.
     *
     * @param component what was reached, e.g. {@code supervisord}, {@code docker engine}
     * @param detail    what the observation said of it, e.g. its version; null for none
     */
    public static String reachable(String component, String server, String endpoint, long since, String detail) {
        StringBuilder message = new StringBuilder(component).append(" on ").append(server).append(" is reachable");
        appendEndpoint(message, endpoint);
        message.append(" since ").append(iso(since));
        if (detail != null) {
            message.append(" (").append(detail).append(')');
        }
        return message.toString();
    }

    /**
     * E.g. {@code supervisord on web-1 is unreachable at http://127.0.0.1:9001/RPC2 since ...: Connection refused}.
     *
     * @param component what could not be reached, e.g. {@code supervisord}, {@code docker engine}
     */
    public static String unreachable(String component, String server, String endpoint, long since, String error) {
        StringBuilder message = new StringBuilder(component).append(" on ").append(server).append(" is unreachable");
        appendEndpoint(message, endpoint);
        return message.append(" since ").append(iso(since)).append(": ").append(error).toString();
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
