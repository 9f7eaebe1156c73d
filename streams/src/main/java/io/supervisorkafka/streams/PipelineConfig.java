package io.supervisorkafka.streams;

import io.supervisorkafka.streams.supervisor.FlappingPolicy;
import io.supervisorkafka.streams.supervisor.WatchRules;
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
 * @param exitContextWait   how long a process's CRITICAL check for an exit is held for the listener's exit record (why
 *                          it exited) before it goes out without it; zero never holds
 * @param flapping          when {@code supervisord.process.flapping} turns CRITICAL and OK again
 * @param watch             which processes of which servers get checks and metrics, and how states map to statuses
 * @param influx            whether Telegraf's lines are written on {@code supervisor.influx} ({@code --influx}); off
 *                          by default, and then the topology is what it was without it
 */
public record PipelineConfig(Duration punctuateInterval, Duration staleAfter, Duration dedupRetention, int partitions,
                             short replicationFactor, Duration fleetWindow, Duration exitContextWait,
                             FlappingPolicy flapping, WatchRules watch, boolean influx) {

    public static final Duration DEFAULT_FLEET_WINDOW = Duration.ofSeconds(10);
    /**
     * The listener publishes an exit's record a few to tens of milliseconds after the event; a longer wait would add
     * to the kill-to-CRITICAL latency whenever the record is late or never comes.
     */
    public static final Duration DEFAULT_EXIT_CONTEXT_WAIT = Duration.ofMillis(50);

    public PipelineConfig(Duration punctuateInterval, Duration staleAfter, Duration dedupRetention, int partitions,
                          short replicationFactor) {
        this(punctuateInterval, staleAfter, dedupRetention, partitions, replicationFactor, DEFAULT_FLEET_WINDOW);
    }

    public PipelineConfig(Duration punctuateInterval, Duration staleAfter, Duration dedupRetention, int partitions,
                          short replicationFactor, Duration fleetWindow) {
        this(punctuateInterval, staleAfter, dedupRetention, partitions, replicationFactor, fleetWindow,
                DEFAULT_EXIT_CONTEXT_WAIT, FlappingPolicy.defaults(), WatchRules.none());
    }

    public PipelineConfig(Duration punctuateInterval, Duration staleAfter, Duration dedupRetention, int partitions,
                          short replicationFactor, Duration fleetWindow, Duration exitContextWait,
                          FlappingPolicy flapping, WatchRules watch) {
        this(punctuateInterval, staleAfter, dedupRetention, partitions, replicationFactor, fleetWindow,
                exitContextWait, flapping, watch, false);
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
        Objects.requireNonNull(exitContextWait, "exit context wait");
        if (exitContextWait.isNegative()) {
            throw new IllegalArgumentException("exit context wait must not be negative, not " + exitContextWait);
        }
        Objects.requireNonNull(flapping, "flapping policy");
        Objects.requireNonNull(watch, "watch rules");
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
        return new PipelineConfig(value, staleAfter, dedupRetention, partitions, replicationFactor, fleetWindow,
                exitContextWait, flapping, watch, influx);
    }

    public PipelineConfig withStaleAfter(Duration value) {
        return new PipelineConfig(punctuateInterval, value, dedupRetention, partitions, replicationFactor, fleetWindow,
                exitContextWait, flapping, watch, influx);
    }

    public PipelineConfig withDedupRetention(Duration value) {
        return new PipelineConfig(punctuateInterval, staleAfter, value, partitions, replicationFactor, fleetWindow,
                exitContextWait, flapping, watch, influx);
    }

    public PipelineConfig withTopicLayout(int partitionCount, short replication) {
        return new PipelineConfig(punctuateInterval, staleAfter, dedupRetention, partitionCount, replication,
                fleetWindow, exitContextWait, flapping, watch, influx);
    }

    public PipelineConfig withFleetWindow(Duration value) {
        return new PipelineConfig(punctuateInterval, staleAfter, dedupRetention, partitions, replicationFactor, value,
                exitContextWait, flapping, watch, influx);
    }

    public PipelineConfig withExitContextWait(Duration value) {
        return new PipelineConfig(punctuateInterval, staleAfter, dedupRetention, partitions, replicationFactor,
                fleetWindow, value, flapping, watch, influx);
    }

    public PipelineConfig withFlapping(FlappingPolicy value) {
        return new PipelineConfig(punctuateInterval, staleAfter, dedupRetention, partitions, replicationFactor,
                fleetWindow, exitContextWait, value, watch, influx);
    }

    public PipelineConfig withWatch(WatchRules value) {
        return new PipelineConfig(punctuateInterval, staleAfter, dedupRetention, partitions, replicationFactor,
                fleetWindow, exitContextWait, flapping, value, influx);
    }

    public PipelineConfig withInflux(boolean value) {
        return new PipelineConfig(punctuateInterval, staleAfter, dedupRetention, partitions, replicationFactor,
                fleetWindow, exitContextWait, flapping, watch, value);
    }

    private static void requirePositive(Duration value, String what) {
        Objects.requireNonNull(value, what);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(what + " must be positive, not " + value);
        }
    }
}
