package io.supervisorkafka.streams;

import io.supervisorkafka.schemas.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.InvalidReplicationFactorException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the topics the pipeline reads and writes when they are missing, and leaves existing ones alone. The status
 * and counts topics are compacted: each holds the latest value per key. Also checks that the inputs read together
 * (events and snapshots; gunicorn snapshots and StatsD) are co-partitioned, which their shared per-server state relies
 * on. {@code supervisor.influx} only with {@code --influx}. The docker and listener-metrics inputs are each read on their own, sharing no state, so their partition counts
 * are free.
 */
public final class TopicProvisioner {

    /** Where input records that cannot be read or processed go (Kafka Streams' dead letter queue, KIP-1034). */
    public static final String DEAD_LETTERS = "supervisor.dead-letters";

    private static final Logger log = LoggerFactory.getLogger(TopicProvisioner.class);

    /** The pause between two attempts while the cluster starts up. */
    static final Duration RETRY_BACKOFF = Duration.ofMillis(500);
    private static final int WARN_EVERY_ATTEMPTS = 10;

    private final Admin admin;
    private final Consumer<Throwable> retryObserver;

    public TopicProvisioner(Admin admin) {
        this(admin, refusal -> {
        });
    }

    /** A provisioner that tells {@code retryObserver} each refusal it will try again after (for tests). */
    TopicProvisioner(Admin admin, Consumer<Throwable> retryObserver) {
        this.admin = admin;
        this.retryObserver = retryObserver;
    }

    /** Every topic the pipeline needs, as it would create them. */
    public static List<NewTopic> requiredTopics(PipelineConfig config) {
        Optional<Integer> partitions = Optional.of(config.partitions());
        Optional<Short> replication = config.replicationFactor() == PipelineConfig.BROKER_DEFAULT_REPLICATION
                ? Optional.empty() : Optional.of(config.replicationFactor());
        List<NewTopic> topics = new ArrayList<>();
        for (String name : Topics.ALL_INPUTS) {
            topics.add(new NewTopic(name, partitions, replication));
        }
        for (String name : Topics.OUTPUTS) {
            NewTopic topic = new NewTopic(name, partitions, replication);
            if (Topics.COMPACTED_OUTPUTS.contains(name)) {
                topic.configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
            }
            topics.add(topic);
        }
        if (config.influx()) {
            // A time series, read from its start by a line-protocol consumer: deleted by retention, not compacted.
            topics.add(new NewTopic(Topics.INFLUX, partitions, replication));
        }
        topics.add(new NewTopic(DEAD_LETTERS, partitions, replication));
        return topics;
    }

    /**
     * Creates the missing topics and returns their names. Safe to run from several instances at once: a topic another
     * instance created meanwhile counts as existing. A cluster that is still starting up is waited for, within
     * {@code timeout}: see {@link #startingUp}.
     *
     * @throws IllegalStateException when the two inputs exist with different partition counts
     */
    public List<String> ensureTopics(PipelineConfig config, Duration timeout)
            throws InterruptedException, ExecutionException, TimeoutException {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<String> created = new ArrayList<>();
        for (int attempt = 1; ; attempt++) {
            try {
                ensureTopicsOnce(config, Duration.ofNanos(Math.max(1, deadline - System.nanoTime())), created);
                return created;
            } catch (ExecutionException e) {
                long left = deadline - System.nanoTime();
                if (!startingUp(e.getCause()) || left < RETRY_BACKOFF.toNanos()) {
                    throw e;
                }
                // One line on the first refusal and then every 5 s, not each 500 ms: a cluster that never gets
                // enough brokers (a replication factor above its size) says so for the whole timeout.
                if (attempt % WARN_EVERY_ATTEMPTS == 1) {
                    log.warn("the cluster is not ready for the topics yet (attempt {}, {} s left): {}; trying again"
                            + " every {} ms", attempt, TimeUnit.NANOSECONDS.toSeconds(left),
                            e.getCause().getMessage(), RETRY_BACKOFF.toMillis());
                }
                retryObserver.accept(e.getCause());
                Thread.sleep(RETRY_BACKOFF.toMillis());
            }
        }
    }

    /**
     * Whether a refusal is one of a cluster still starting up, which passes once its brokers are all registered: a
     * retriable error (e.g. a topic just created not yet known to the broker asked to describe it) or a replication
     * factor refused because fewer brokers than it are up yet.
     */
    static boolean startingUp(Throwable refusal) {
        return refusal instanceof RetriableException || refusal instanceof InvalidReplicationFactorException;
    }

    /** One pass: creates what is missing (adding each to {@code created}), then checks the co-partitioning. */
    private void ensureTopicsOnce(PipelineConfig config, Duration timeout, List<String> created)
            throws InterruptedException, ExecutionException, TimeoutException {
        Set<String> existing = admin.listTopics().names().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        List<NewTopic> missing = new ArrayList<>();
        for (NewTopic topic : requiredTopics(config)) {
            if (!existing.contains(topic.name())) {
                missing.add(withSiblingPartitions(topic, existing, timeout));
            }
        }
        if (!missing.isEmpty()) {
            var results = admin.createTopics(missing).values();
            ExecutionException refused = null;
            for (NewTopic topic : missing) {
                try {
                    results.get(topic.name()).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                    created.add(topic.name());
                    log.info("created topic {}", topic);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException) && refused == null) {
                        refused = e; // the others' outcomes first, so that what was created is counted
                    }
                }
            }
            if (refused != null) {
                throw refused;
            }
        }
        requireCoPartitionedInputs(timeout);
    }

    /**
     * A missing input whose co-partitioned siblings exist gets their partition count, not the configured one: an
     * upgrade that adds an input (supervisor.process-exits beside the events and snapshots) must not make the app
     * refuse to start on a cluster whose inputs were created with other counts.
     */
    private NewTopic withSiblingPartitions(NewTopic topic, Set<String> existing, Duration timeout)
            throws InterruptedException, ExecutionException, TimeoutException {
        for (List<String> group : List.of(Topics.INPUTS, Topics.GUNICORN_INPUTS)) {
            if (!group.contains(topic.name())) {
                continue;
            }
            List<String> siblings = group.stream().filter(existing::contains).toList();
            if (siblings.isEmpty()) {
                return topic;
            }
            int partitions = admin.describeTopics(siblings.subList(0, 1)).allTopicNames()
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS).get(siblings.get(0)).partitions().size();
            NewTopic matching = new NewTopic(topic.name(), Optional.of(partitions), topic.replicationFactor() < 0
                    ? Optional.empty() : Optional.of(topic.replicationFactor()));
            return topic.configs() == null ? matching : matching.configs(topic.configs());
        }
        return topic;
    }

    private void requireCoPartitionedInputs(Duration timeout)
            throws InterruptedException, ExecutionException, TimeoutException {
        requireCoPartitioned(Topics.INPUTS, "a server's events and snapshots", timeout);
        requireCoPartitioned(Topics.GUNICORN_INPUTS, "a server's gunicorn snapshots and StatsD metrics", timeout);
    }

    private void requireCoPartitioned(java.util.List<String> topics, String what, Duration timeout)
            throws InterruptedException, ExecutionException, TimeoutException {
        Map<String, TopicDescription> inputs = admin.describeTopics(topics).allTopicNames()
                .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        Map<String, Integer> partitions = inputs.values().stream()
                .collect(Collectors.toMap(TopicDescription::name, description -> description.partitions().size()));
        if (partitions.values().stream().distinct().count() > 1) {
            throw new IllegalStateException("the input topics must have the same partition count, so that " + what
                    + " meet in the same task; they have " + partitions);
        }
    }
}
