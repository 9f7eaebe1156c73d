package io.supervisorkafka.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.supervisorkafka.schemas.Topics;
import io.supervisorkafka.testkit.MultiBrokerKafka;
import io.supervisorkafka.testkit.SingleNodeKafka;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.errors.InvalidReplicationFactorException;
import org.apache.kafka.common.errors.PolicyViolationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.junit.jupiter.api.Test;

/**
 * Topic provisioning on real brokers: where the cluster already holds topics of an earlier version, and where it is
 * still starting up.
 */
class TopicProvisionerTest {

    @Test
    void anInputAddedByAnUpgradeGetsThePartitionsOfTheInputsThatExist() throws Exception {
        try (KafkaClusterTestKit cluster = SingleNodeKafka.start(); Admin admin = cluster.admin()) {
            // As an earlier version left them: the events and snapshots only, with 1 partition.
            admin.createTopics(List.of(new NewTopic(Topics.EVENTS, Optional.of(1), Optional.empty()),
                    new NewTopic(Topics.SNAPSHOTS, Optional.of(1), Optional.empty()))).all().get();
            PipelineConfig config = PipelineConfig.defaults().withTopicLayout(3, (short) 1);

            List<String> created = new TopicProvisioner(admin).ensureTopics(config, Duration.ofSeconds(30));

            assertThat(created).contains(Topics.PROCESS_EXITS, Topics.PROCESS_STATUS).doesNotContain(Topics.EVENTS);
            Map<String, Integer> partitions = Map.of(
                    Topics.PROCESS_EXITS, partitions(admin, Topics.PROCESS_EXITS),
                    Topics.PROCESS_STATUS, partitions(admin, Topics.PROCESS_STATUS),
                    Topics.GUNICORN, partitions(admin, Topics.GUNICORN));
            assertThat(partitions).as("the new input follows its siblings; the rest take the configured count")
                    .containsEntry(Topics.PROCESS_EXITS, 1)
                    .containsEntry(Topics.PROCESS_STATUS, 3)
                    .containsEntry(Topics.GUNICORN, 3);
        }
    }

    @Test
    void aReplicationFactorRefusedWhileTheBrokersRegisterIsAskedForAgainOnceTheyHave() throws Exception {
        // A fresh cluster of three brokers of which one has registered yet.
        try (MultiBrokerKafka kafka = MultiBrokerKafka.startPartly(1);
             Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            List<Throwable> refusals = new CopyOnWriteArrayList<>();
            PipelineConfig config = PipelineConfig.defaults().withTopicLayout(2, (short) MultiBrokerKafka.REPLICATION);
            CompletableFuture<List<String>> created = CompletableFuture.supplyAsync(() -> {
                try {
                    return new TopicProvisioner(admin, refusals::add).ensureTopics(config, Duration.ofMinutes(2));
                } catch (Exception e) {
                    throw new CompletionException(e);
                }
            });

            await("a refusal to try again after").atMost(Duration.ofMinutes(1)).until(() -> !refusals.isEmpty());
            assertThat(refusals.get(0)).isInstanceOf(InvalidReplicationFactorException.class);
            assertThat(created).isNotDone();
            kafka.startBroker(kafka.brokerIds().get(1));
            kafka.startBroker(kafka.brokerIds().get(2));

            assertThat(created.get(2, TimeUnit.MINUTES)).containsAll(Topics.INPUTS).contains(Topics.PROCESS_STATUS);
            TopicDescription status = admin.describeTopics(List.of(Topics.PROCESS_STATUS)).allTopicNames().get()
                    .get(Topics.PROCESS_STATUS);
            assertThat(status.partitions()).hasSize(2)
                    .allSatisfy(p -> assertThat(p.replicas()).hasSize(MultiBrokerKafka.REPLICATION));
        }
    }

    @Test
    void onlyTheRefusalsOfAClusterStartingUpAreTriedAgain() {
        assertThat(TopicProvisioner.startingUp(new InvalidReplicationFactorException("2 brokers of 3"))).isTrue();
        assertThat(TopicProvisioner.startingUp(new UnknownTopicOrPartitionException("not known yet"))).isTrue();
        assertThat(TopicProvisioner.startingUp(new TopicAuthorizationException("no ACL"))).isFalse();
        assertThat(TopicProvisioner.startingUp(new PolicyViolationException("a policy"))).isFalse();
    }

    private static int partitions(Admin admin, String topic) throws Exception {
        return admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().size();
    }
}
