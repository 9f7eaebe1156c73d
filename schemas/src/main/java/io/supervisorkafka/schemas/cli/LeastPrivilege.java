package io.supervisorkafka.schemas.cli;

import io.supervisorkafka.schemas.Topics;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/**
 * The least rights each app needs, found by running them against a broker that requires them (the testkit's
 * {@code SecureKafka}): the end-to-end test grants exactly these, {@code broker --secure} grants them for a try-out,
 * and the README's security section lists them as the {@code kafka-acls.sh} commands {@link #commands} renders (a
 * test keeps the two equal). Describe is never granted on its own: Kafka implies it from Read and Write.
 */
public final class LeastPrivilege {
    /** What the listener writes. */
    public static final List<String> LISTENER_TOPICS = Topics.ALL_INPUTS;
    /** Where the Streams app sends what it cannot read ({@code TopicProvisioner.DEAD_LETTERS}). */
    public static final String DEAD_LETTERS = "supervisor.dead-letters";
    /** The prefix of every topic of the pipeline, under which the Streams app creates those missing. */
    public static final String TOPIC_PREFIX = "supervisor.";

    private LeastPrivilege() {
    }

    /**
     * The listener: Write on the topics it produces to, nothing else. Its producer is idempotent; since Kafka 2.8
     * (KIP-679) Write on a topic is enough for that, without IdempotentWrite on the cluster.
     */
    public static List<AclBinding> listener(String principal) {
        List<AclBinding> acls = new ArrayList<>();
        LISTENER_TOPICS.forEach(topic -> acls.add(topic(principal, topic, AclOperation.WRITE)));
        return acls;
    }

    /**
     * The Streams app of {@code applicationId}: Read on every input, Write on the outputs and the dead letters,
     * Create under {@value #TOPIC_PREFIX} to make the pipeline's topics that are missing, its changelog and repartition
     * topics (named after its application.id: created, read, written, their records deleted once consumed, their
     * configuration checked), its consumer group, and the transactional ids of its exactly-once producers.
     */
    public static List<AclBinding> streams(String principal, String applicationId) {
        List<AclBinding> acls = new ArrayList<>();
        Topics.ALL_INPUTS.forEach(topic -> acls.add(topic(principal, topic, AclOperation.READ)));
        Stream.concat(Topics.OUTPUTS.stream(), Stream.of(DEAD_LETTERS))
                .forEach(topic -> acls.add(topic(principal, topic, AclOperation.WRITE)));
        acls.add(binding(principal, ResourceType.TOPIC, TOPIC_PREFIX, PatternType.PREFIXED, AclOperation.CREATE));
        for (AclOperation operation : List.of(AclOperation.CREATE, AclOperation.READ, AclOperation.WRITE,
                AclOperation.DELETE, AclOperation.DESCRIBE_CONFIGS)) {
            acls.add(binding(principal, ResourceType.TOPIC, applicationId, PatternType.PREFIXED, operation));
        }
        acls.add(binding(principal, ResourceType.GROUP, applicationId, PatternType.LITERAL, AclOperation.READ));
        acls.add(transactionalIds(principal, applicationId));
        return acls;
    }

    /**
     * What the Streams app needs on top of {@link #streams} with {@code --influx}: Write on {@value Topics#INFLUX}. Kept
     * apart so that an app without it holds no right it does not use.
     */
    public static List<AclBinding> influx(String principal) {
        return List.of(topic(principal, Topics.INFLUX, AclOperation.WRITE));
    }

    /** The transactional-id right of {@link #streams}: Write on the ids its producers use. */
    public static AclBinding transactionalIds(String principal, String applicationId) {
        return binding(principal, ResourceType.TRANSACTIONAL_ID, applicationId, PatternType.PREFIXED,
                AclOperation.WRITE);
    }

    /** {@code tail} (and any read_committed reader of the outputs without a group): Read on the outputs. */
    public static List<AclBinding> reader(String principal) {
        return Topics.OUTPUTS.stream().map(topic -> topic(principal, topic, AclOperation.READ)).toList();
    }

    public static AclBinding topic(String principal, String topic, AclOperation operation) {
        return binding(principal, ResourceType.TOPIC, topic, PatternType.LITERAL, operation);
    }

    private static AclBinding binding(String principal, ResourceType type, String name, PatternType pattern,
                                      AclOperation operation) {
        return new AclBinding(new ResourcePattern(type, name, pattern),
                new AccessControlEntry(principal, "*", operation, AclPermissionType.ALLOW));
    }

    /**
     * The {@code kafka-acls.sh} commands that create {@code acls}: one per principal, resource type, pattern type and
     * operation, naming every resource it applies to, in the order first met.
     */
    public static List<String> commands(List<AclBinding> acls) {
        Map<String, List<String>> groups = new LinkedHashMap<>();
        for (AclBinding acl : acls) {
            ResourcePattern pattern = acl.pattern();
            String head = "kafka-acls.sh --bootstrap-server $KAFKA --command-config admin.properties --add"
                    + " --allow-principal " + acl.entry().principal() + " --operation "
                    + operationName(acl.entry().operation())
                    + (pattern.patternType() == PatternType.PREFIXED ? " --resource-pattern-type prefixed" : "");
            String option = switch (pattern.resourceType()) {
                case TOPIC -> "--topic";
                case GROUP -> "--group";
                case TRANSACTIONAL_ID -> "--transactional-id";
                case CLUSTER -> "--cluster";
                default -> throw new IllegalArgumentException("no kafka-acls option for " + pattern.resourceType());
            };
            groups.computeIfAbsent(head + "\u0000" + option, key -> new ArrayList<>()).add(
                    option.equals("--cluster") ? "" : " " + option + " " + pattern.name());
        }
        List<String> commands = new ArrayList<>();
        groups.forEach((key, names) -> {
            String head = key.substring(0, key.indexOf('\u0000'));
            commands.add(head + (key.endsWith("--cluster") ? " --cluster" : String.join("", names)));
        });
        return commands;
    }

    /** {@code DESCRIBE_CONFIGS} as kafka-acls.sh spells it: {@code DescribeConfigs}. */
    static String operationName(AclOperation operation) {
        StringBuilder name = new StringBuilder();
        for (String part : operation.name().split("_")) {
            name.append(part.charAt(0)).append(part.substring(1).toLowerCase(Locale.ROOT));
        }
        return name.toString();
    }
}
