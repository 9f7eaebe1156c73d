package io.supervisorkafka.listener.spool;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Where and how the spool keeps records.
 *
 * @param dir           the spool directory (created 0700)
 * @param maxBytes      the most bytes all segments together may hold
 * @param segmentBytes  a segment is sealed and a new one started once it holds this many bytes
 * @param fullPolicy    what an append does when the spool is full
 * @param fsyncInterval how often the background thread fsyncs what was appended; appends themselves never fsync
 */
public record SpoolConfig(Path dir, long maxBytes, long segmentBytes, SpoolFullPolicy fullPolicy,
                          Duration fsyncInterval) {

    public static final long DEFAULT_MAX_BYTES = 256L * 1024 * 1024;
    public static final Duration DEFAULT_FSYNC_INTERVAL = Duration.ofMillis(200);
    static final long MIN_SEGMENT_BYTES = 4 * 1024;
    static final long MAX_DEFAULT_SEGMENT_BYTES = 16L * 1024 * 1024;

    public SpoolConfig {
        Objects.requireNonNull(dir, "dir");
        Objects.requireNonNull(fullPolicy, "fullPolicy");
        Objects.requireNonNull(fsyncInterval, "fsyncInterval");
        if (segmentBytes < MIN_SEGMENT_BYTES) {
            throw new IllegalArgumentException("spool segment size must be at least " + MIN_SEGMENT_BYTES + " bytes");
        }
        // Two segments at least, so the oldest can always be dropped (or shipped and deleted) while appends go on.
        if (maxBytes < 2 * segmentBytes) {
            throw new IllegalArgumentException("spool max bytes (" + maxBytes + ") must be at least twice the segment"
                    + " size (" + segmentBytes + ")");
        }
        if (fsyncInterval.isNegative() || fsyncInterval.isZero()) {
            throw new IllegalArgumentException("fsync interval must be positive");
        }
    }

    /** A config with the segment size derived from the maximum: a sixteenth of it, between 4 KiB and 16 MiB. */
    public static SpoolConfig of(Path dir, long maxBytes, SpoolFullPolicy fullPolicy, Duration fsyncInterval) {
        return new SpoolConfig(dir, maxBytes, defaultSegmentBytes(maxBytes), fullPolicy, fsyncInterval);
    }

    public static long defaultSegmentBytes(long maxBytes) {
        return Math.max(MIN_SEGMENT_BYTES, Math.min(MAX_DEFAULT_SEGMENT_BYTES, maxBytes / 16));
    }
}
