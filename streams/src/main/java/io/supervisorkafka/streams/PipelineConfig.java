package io.supervisorkafka.streams;

import java.time.Duration;
import java.util.Objects;

/**
 * The pipeline's own settings, as opposed to Kafka Streams properties, which pass through untouched.
 *
 * @param punctuateInterval how often metrics are re-emitted and connectivity staleness is checked (wall clock)
 * @param staleAfter        how long without any snapshot (docker scrape) before {@code supervisord.can_connect}
 *                          ({@code docker.can_connect}) turns UNKNOWN
 * @param dedupRetention    how long an event id is remembered to drop redeliveries
 * @param partitions        partitions of the topics the provisioner creates
 * @param replicationFactor replication of the topics the provisioner creates; {@link #BROKER_DEFAULT_REPLICATION}
 *                          leaves it to the broker's default.replication.factor
 * @param fleetWindow       tumbling window of the fleet-wide gunicorn roll-up (event time: the StatsD flush end)
 */
public record PipelineConfig(Duration punctuateInterval, Duration staleAfter, Duration dedupRetention, int partitions,
                             short replicationFactor, Duration fleetWindow) {

    public static final Duration DEFAULT_FLEET_WINDOW = Duration.ofSeconds(10);

    public PipelineConfig(Duration punctuateInterval, Duration staleAfter, Duration dedupRetention, int partitions,
                          short replicationFactor) {
        this(punctuateInterval, staleAfter, dedupRetention, partitions, replicationFactor, DEFAULT_FLEET_WINDOW);
    }

    public static final Duration DEFAULT_PUNCTUATE_INTERVAL = Duration.ofSeconds(15);
    public static final Duration DEFAULT_STALE_AFTER = Duration.ofSeconds(90);
    public static final Duration DEFAULT_DEDUP_RETENTION = Duration.ofHours(1);
    public static final int DEFAULT_PARTITIONS = 3;
    public static final short BROKER_DEFAULT_REPLICATION = -1;

    public PipelineConfig {
        requirePositive(punctuateInterval, "punctuate interval");
        requirePositive(staleAfter, "stale-after limit");
        requirePositive(dedupRetention, "dedup retention");
        requirePositive(fleetWindow, "fleet window");
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be at least 1, not " + partitions);
        }
        if (replicationFactor != BROKER_DEFAULT_REPLICATION && replicationFactor < 1) {
            throw new IllegalArgumentException("replication factor must be at least 1 (or -1 for the broker default), not "
                    + replicationFactor);
        }
    }

    public static PipelineConfig defaults() {
        return new PipelineConfig(DEFAULT_PUNCTUATE_INTERVAL, DEFAULT_STALE_AFTER, DEFAULT_DEDUP_RETENTION,
                DEFAULT_PARTITIONS, BROKER_DEFAULT_REPLICATION);
    }

    public PipelineConfig withPunctuateInterval(Duration value) {
        return new PipelineConfig(value, staleAfter, dedupRetention, partitions, replicationFactor, fleetWindow);
    }

    public PipelineConfig withStaleAfter(Duration value) {
        return new PipelineConfig(punctuateInterval, value, dedupRetention, partitions, replicationFactor, fleetWindow);
    }

    public PipelineConfig withDedupRetention(Duration value) {
        return new PipelineConfig(punctuateInterval, staleAfter, value, partitions, replicationFactor, fleetWindow);
    }

    public PipelineConfig withTopicLayout(int partitionCount, short replication) {
        return new PipelineConfig(punctuateInterval, staleAfter, dedupRetention, partitionCount, replication,
                fleetWindow);
    }

    public PipelineConfig withFleetWindow(Duration value) {
        return new PipelineConfig(punctuateInterval, staleAfter, dedupRetention, partitions, replicationFactor, value);
    }

    private static void requirePositive(Duration value, String what) {
        Objects.requireNonNull(value, what);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(what + " must be positive, not " + value);
        }
    }
}
