package io.supervisorkafka.schemas.cli;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TransactionalIdAuthorizationException;

/**
 * Kafka's two refusals, credentials it did not accept and an ACL it did not find, as one line that names the principal
 * and the ACL to grant (as a {@code kafka-acls.sh} argument list), never a password. Both apps and the tools print it
 * instead of Kafka's own exception, whose message names neither the principal nor, mostly, the resource.
 */
public final class KafkaRefusal {
    /** Whether Kafka refused who the client is or what it asked to do. */
    public enum Kind {
        AUTHENTICATION, AUTHORIZATION
    }

    /** A refusal and its one line. */
    public record Refusal(Kind kind, String message) {
    }

    /**
     * What a client asks of Kafka, to name the ACL it misses: the operation it needs on a topic (the listener writes,
     * tail reads, the Streams app does either depending on the topic), its consumer group, the transactional id
     * (prefix) its producers use, and the operation it needs on the cluster.
     *
     * @param principal              as {@link #principal} names it
     * @param topicOperation         by topic name, e.g. {@code Write}
     * @param group                  the consumer group, or null when it uses none
     * @param transactionalIdPrefix  the prefix of its transactional ids, or null when it uses none
     * @param clusterOperation       what a cluster authorization error means it lacks, e.g. {@code IdempotentWrite}
     */
    public record Access(String principal, Function<String, String> topicOperation, String group,
                         String transactionalIdPrefix, String clusterOperation) {
    }

    /** {@code username="..."} in a JAAS configuration; the password next to it is never read. */
    private static final Pattern USERNAME = Pattern.compile("\\busername\\s*=\\s*\"([^\"]*)\"");

    private KafkaRefusal() {
    }

    /**
     * The principal a client with these properties authenticates as: {@code User:<username>} of its
     * {@code sasl.jaas.config} (SCRAM, PLAIN), otherwise what decides it.
     */
    public static String principal(Map<String, ?> clientProperties) {
        Object jaas = clientProperties.get("sasl.jaas.config");
        if (jaas != null) {
            Matcher matcher = USERNAME.matcher(jaas.toString());
            if (matcher.find()) {
                return "User:" + matcher.group(1);
            }
        }
        Object protocol = clientProperties.get("security.protocol");
        String name = protocol == null ? "PLAINTEXT" : protocol.toString().trim().toUpperCase(Locale.ROOT);
        return switch (name) {
            case "SASL_SSL", "SASL_PLAINTEXT" -> "the principal of sasl.jaas.config";
            case "SSL" -> "the principal of the client certificate";
            default -> "User:ANONYMOUS";
        };
    }

    /** The kind of refusal somewhere in the cause chain of {@code error}, if any. */
    public static Optional<Kind> kind(Throwable error) {
        return find(error).map(e -> e instanceof AuthenticationException ? Kind.AUTHENTICATION : Kind.AUTHORIZATION);
    }

    /**
     * The refusal somewhere in the cause chain of {@code error}, as one line naming the principal and, for an ACL, the
     * {@code kafka-acls.sh} arguments that grant it; empty when {@code error} is no refusal.
     */
    public static Optional<Refusal> explain(Throwable error, Access access) {
        return find(error).map(refused -> {
            if (refused instanceof SslAuthenticationException) {
                return new Refusal(Kind.AUTHENTICATION, "the TLS handshake with Kafka failed (does"
                        + " ssl.truststore.location hold the certificate of the brokers' CA?): " + firstLine(refused));
            }
            if (refused instanceof AuthenticationException) {
                return new Refusal(Kind.AUTHENTICATION, "Kafka refused the credentials of " + access.principal()
                        + ": " + firstLine(refused));
            }
            return new Refusal(Kind.AUTHORIZATION, denied((AuthorizationException) refused, access));
        });
    }

    private static String denied(AuthorizationException refused, Access access) {
        String principal = access.principal();
        String grant = "kafka-acls.sh --add --allow-principal " + principal;
        if (refused instanceof TopicAuthorizationException topics && !topics.unauthorizedTopics().isEmpty()) {
            // One line per operation would be clearer to read, but this is one line: group the topics by operation.
            Map<String, List<String>> byOperation = new java.util.TreeMap<>();
            topics.unauthorizedTopics().stream().sorted().forEach(topic -> byOperation
                    .computeIfAbsent(access.topicOperation().apply(topic), op -> new ArrayList<>()).add(topic));
            List<String> parts = new ArrayList<>();
            List<String> commands = new ArrayList<>();
            byOperation.forEach((operation, names) -> {
                parts.add(operation + " on topic " + String.join(", ", names));
                commands.add(grant + " --operation " + operation + " --topic " + String.join(" --topic ", names));
            });
            return "Kafka denied " + principal + " " + String.join("; ", parts) + " (missing ACL; grant it with: "
                    + String.join(" and ", commands) + ")";
        }
        if (refused instanceof GroupAuthorizationException group) {
            String id = group.groupId() != null ? group.groupId() : access.group();
            return "Kafka denied " + principal + " Read on group " + id + " (missing ACL; grant it with: " + grant
                    + " --operation Read --group " + id + ")";
        }
        if (refused instanceof TransactionalIdAuthorizationException && access.transactionalIdPrefix() != null) {
            String prefix = access.transactionalIdPrefix();
            return "Kafka denied " + principal + " Write on the transactional ids prefixed " + prefix
                    + " (missing ACL; grant it with: " + grant + " --operation Write --transactional-id " + prefix
                    + " --resource-pattern-type prefixed)";
        }
        if (refused instanceof ClusterAuthorizationException && access.clusterOperation() != null) {
            return "Kafka denied " + principal + " " + access.clusterOperation() + " on the cluster (missing ACL;"
                    + " grant it with: " + grant + " --operation " + access.clusterOperation() + " --cluster): "
                    + firstLine(refused);
        }
        return "Kafka denied " + principal + " an operation (missing ACL): " + firstLine(refused);
    }

    private static Optional<Throwable> find(Throwable error) {
        Set<Throwable> seen = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        for (Throwable e = error; e != null && seen.add(e); e = e.getCause()) {
            if (e instanceof AuthenticationException || e instanceof AuthorizationException) {
                return Optional.of(e);
            }
        }
        return Optional.empty();
    }

    /** The first line of an exception's message (Kafka's can run over several), or its class name. */
    static String firstLine(Throwable e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
