package io.supervisorkafka.schemas.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TransactionalIdAuthorizationException;
import org.junit.jupiter.api.Test;

class KafkaRefusalTest {
    static final String JAAS = "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"listener\""
            + " password=\"s3cret-pw\";";
    static final KafkaRefusal.Access LISTENER = new KafkaRefusal.Access("User:listener", topic -> "Write", null, null,
            "IdempotentWrite");

    @Test
    void thePrincipalIsTheJaasUsernameAndNeverThePassword() {
        assertThat(KafkaRefusal.principal(Map.of("security.protocol", "SASL_SSL", "sasl.jaas.config", JAAS)))
                .isEqualTo("User:listener");
        assertThat(KafkaRefusal.principal(Map.of("security.protocol", "SSL")))
                .isEqualTo("the principal of the client certificate");
        assertThat(KafkaRefusal.principal(Map.of())).isEqualTo("User:ANONYMOUS");
    }

    @Test
    void refusedCredentialsNameThePrincipal() {
        var refusal = KafkaRefusal.explain(new KafkaException("send failed", new SaslAuthenticationException(
                "Authentication failed during authentication due to invalid credentials with SASL mechanism"
                        + " SCRAM-SHA-512")), LISTENER).orElseThrow();
        assertThat(refusal.kind()).isEqualTo(KafkaRefusal.Kind.AUTHENTICATION);
        assertThat(refusal.message()).isEqualTo("Kafka refused the credentials of User:listener: Authentication"
                + " failed during authentication due to invalid credentials with SASL mechanism SCRAM-SHA-512");
        assertThat(refusal.message()).doesNotContain("s3cret");
    }

    @Test
    void aFailedTlsHandshakePointsAtTheTruststore() {
        assertThat(KafkaRefusal.explain(new SslAuthenticationException("SSL handshake failed"), LISTENER)
                .orElseThrow().message()).startsWith("the TLS handshake with Kafka failed").contains("truststore");
    }

    @Test
    void aMissingTopicAclIsNamedWithTheCommandThatGrantsIt() {
        var refusal = KafkaRefusal.explain(new TopicAuthorizationException(Set.of("supervisor.events")), LISTENER)
                .orElseThrow();
        assertThat(refusal.kind()).isEqualTo(KafkaRefusal.Kind.AUTHORIZATION);
        assertThat(refusal.message()).isEqualTo("Kafka denied User:listener Write on topic supervisor.events"
                + " (missing ACL; grant it with: kafka-acls.sh --add --allow-principal User:listener --operation Write"
                + " --topic supervisor.events)");
    }

    @Test
    void topicsAreGroupedByTheOperationEachNeeds() {
        var streams = new KafkaRefusal.Access("User:streams", topic -> topic.endsWith("events") ? "Read" : "Write",
                "app", "app", null);
        assertThat(KafkaRefusal.explain(new TopicAuthorizationException(Set.of("supervisor.metrics",
                "supervisor.events")), streams).orElseThrow().message())
                .startsWith("Kafka denied User:streams Read on topic supervisor.events; Write on topic"
                        + " supervisor.metrics (missing ACL; grant it with: kafka-acls.sh --add --allow-principal"
                        + " User:streams --operation Read --topic supervisor.events and kafka-acls.sh");
    }

    @Test
    void groupTransactionalIdAndClusterAcls() {
        var streams = new KafkaRefusal.Access("User:streams", topic -> "Read", "app", "app", null);
        assertThat(KafkaRefusal.explain(new GroupAuthorizationException("denied", "app"), streams).orElseThrow()
                .message()).contains("Read on group app").endsWith("--operation Read --group app)");
        assertThat(KafkaRefusal.explain(new TransactionalIdAuthorizationException("Transactional Id authorization"
                + " failed."), streams).orElseThrow().message())
                .isEqualTo("Kafka denied User:streams Write on the transactional ids prefixed app (missing ACL; grant"
                        + " it with: kafka-acls.sh --add --allow-principal User:streams --operation Write"
                        + " --transactional-id app --resource-pattern-type prefixed)");
        assertThat(KafkaRefusal.explain(new ClusterAuthorizationException("Cluster authorization failed."),
                LISTENER).orElseThrow().message()).contains("IdempotentWrite on the cluster").contains("--cluster");
    }

    @Test
    void anythingElseIsNoRefusal() {
        assertThat(KafkaRefusal.explain(new TimeoutException("Expiring 3 record(s)"), LISTENER)).isEmpty();
        assertThat(KafkaRefusal.kind(new RuntimeException(new TopicAuthorizationException("x"))))
                .contains(KafkaRefusal.Kind.AUTHORIZATION);
    }
}
