package io.supervisorkafka.listener.spool;

import io.supervisorkafka.listener.ListenerOption;
import io.supervisorkafka.listener.OptionGroup;
import io.supervisorkafka.listener.OptionResolver;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Where and how the spool keeps records. Its options are declared here.
 *
 * @param dir           the spool directory (created 0700)
 * @param maxBytes      the most bytes all segments together may hold
 * @param segmentBytes  a segment is sealed and a new one started once it holds this many bytes
 * @param fullPolicy    what an append does when the spool is full
 * @param fsyncInterval how often the background thread fsyncs what was appended; appends themselves never fsync
 */
public record SpoolConfig(Path dir, long maxBytes, long segmentBytes, SpoolFullPolicy fullPolicy,
                          Duration fsyncInterval) {

    public static final OptionGroup OPTIONS = new OptionGroup("Spool",
            "Events are acknowledged once in the spool, and shipped to Kafka from it; see"
                    + " [the listener README](../listener/README.md) for its format and the failure model.");
    public static final ListenerOption DIR = OPTIONS.add(ListenerOption.key("listener.spool.dir")
            .flag("--spool-dir", "DIR").env("SUPERVISOR_KAFKA_SPOOL_DIR")
            .defaultValue("/var/lib/supervisor-kafka/spool")
            .description("Spool directory, created 0700 (files 0600), locked by the listener using it. Given by flag"
                    + " or key, it is used as given: failing to open it is an error. Otherwise the environment's or the"
                    + " default directory is a root, under which a listener run by supervisord takes a directory of its"
                    + " own, named after its process and its supervisord (`SUPERVISOR_PROCESS_NAME`,"
                    + " `SUPERVISOR_SERVER_URL`; e.g. `kafka-var_run_supervisor.sock-5c3e0f1a`): two supervisord on"
                    + " one host never share a spool. When the root cannot be created or written (a listener not"
                    + " running as root), `${java.io.tmpdir}/supervisor-kafka-spool-<server>` (`/tmp/...` unless the"
                    + " JVM is told otherwise) stands in for it, with a warning: give `--spool-dir` on a disk that"
                    + " survives a reboot. Records another listener left in the spool (another server id or Kafka"
                    + " cluster) are set aside, never shipped: see the listener README."));
    public static final ListenerOption MAX_BYTES = OPTIONS.add(ListenerOption.key("listener.spool.max.bytes")
            .flag("--spool-max-bytes", "SIZE").defaultValue("256MiB")
            .description("Most bytes the spool's segments may hold together."));
    public static final ListenerOption SEGMENT_BYTES = OPTIONS.add(ListenerOption.key("listener.spool.segment.bytes")
            .shownDefault("a sixteenth of the maximum, between 4 KiB and 16 MiB")
            .description("Segment size: a segment is sealed, fsynced and a new one started at this size. At least"
                    + " 4 KiB and at most half the maximum."));
    public static final ListenerOption FULL_POLICY = OPTIONS.add(ListenerOption.key("listener.spool.full.policy")
            .flag("--spool-full-policy", "POLICY").defaultValue("drop-oldest")
            .description("When the spool is full: `drop-oldest` deletes the oldest segment, shipped or not (warned"
                    + " and counted), and keeps acknowledging; `block` stops acknowledging until the shipper frees"
                    + " space (ready records are refused and counted)."));
    public static final ListenerOption FSYNC_INTERVAL = OPTIONS.add(ListenerOption.key("listener.fsync.interval")
            .flag("--fsync-interval", "DURATION").defaultValue("200ms")
            .description("How often the background thread fsyncs the spool; appends never wait for it. A power loss"
                    + " may lose what was acknowledged within this time."));

    public static final Path DEFAULT_DIR = Path.of(DIR.defaultValue());
    public static final long DEFAULT_MAX_BYTES = MAX_BYTES.defaultBytes();
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

    /**
     * The spool as the options give it, in {@code dir}: the directory is chosen apart, after everything else is
     * valid, because choosing it may create it.
     */
    public static SpoolConfig from(OptionResolver options, Path dir) {
        long maxBytes = options.bytes(MAX_BYTES);
        Long segmentBytes = options.bytes(SEGMENT_BYTES);
        return new SpoolConfig(dir, maxBytes, segmentBytes != null ? segmentBytes : defaultSegmentBytes(maxBytes),
                SpoolFullPolicy.parse(options.string(FULL_POLICY)), options.duration(FSYNC_INTERVAL));
    }

    /** The same spool in another directory. */
    public SpoolConfig withDir(Path otherDir) {
        return new SpoolConfig(otherDir, maxBytes, segmentBytes, fullPolicy, fsyncInterval);
    }
}
