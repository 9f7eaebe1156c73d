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

    /**
     * How long a run lasted, as a reader says it: {@code 0.3 s}, {@code 2 s}, {@code 12 s}, {@code 3 min 20 s},
     * {@code 2 h 5 min}.
     */
    public static String runTime(double seconds) {
        if (seconds < 9.95) {
            double tenths = Math.round(seconds * 10) / 10.0;
            return tenths == Math.rint(tenths) ? (long) tenths + " s"
                    : String.format(java.util.Locale.ROOT, "%.1f s", tenths);
        }
        return span(Duration.ofSeconds(Math.round(seconds)));
    }

    /** A duration in the largest units that say it to the second: {@code 45 s}, {@code 5 min}, {@code 1 h 30 min}. */
    public static String span(Duration duration) {
        long seconds = Math.max(0, duration.toSeconds());
        if (seconds < 60) {
            return seconds + " s";
        }
        if (seconds < 3600) {
            return seconds / 60 + " min" + (seconds % 60 == 0 ? "" : " " + seconds % 60 + " s");
        }
        long minutes = seconds / 60;
        return minutes / 60 + " h" + (minutes % 60 == 0 ? "" : " " + minutes % 60 + " min");
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
