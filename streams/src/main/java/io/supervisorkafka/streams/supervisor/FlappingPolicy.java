package io.supervisorkafka.streams.supervisor;

import java.time.Duration;
import java.util.Objects;

/**
 * When {@code supervisord.process.flapping} turns CRITICAL and OK again.
 *
 * @param threshold CRITICAL once a process was restarted, or exited unexpectedly, this many times within the window
 * @param window    how far back restarts and unexpected exits count (also the span of {@code
 *                  supervisord.process.restarts})
 * @param quiet     OK again after this long without a restart or an unexpected exit
 */
public record FlappingPolicy(int threshold, Duration window, Duration quiet) {

    public static final int DEFAULT_THRESHOLD = 3;
    public static final Duration DEFAULT_WINDOW = Duration.ofMinutes(5);

    public FlappingPolicy {
        if (threshold < 1) {
            throw new IllegalArgumentException("flapping threshold must be at least 1, not " + threshold);
        }
        requirePositive(window, "flapping window");
        requirePositive(quiet, "flapping quiet time");
    }

    /** 3 within 5 minutes, OK after 5 quiet minutes. */
    public static FlappingPolicy defaults() {
        return new FlappingPolicy(DEFAULT_THRESHOLD, DEFAULT_WINDOW, DEFAULT_WINDOW);
    }

    private static void requirePositive(Duration value, String what) {
        Objects.requireNonNull(value, what);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(what + " must be positive, not " + value);
        }
    }
}
