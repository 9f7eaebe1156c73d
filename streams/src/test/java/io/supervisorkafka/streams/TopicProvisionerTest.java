package io.supervisorkafka.streams;

import static org.assertj.core.api.Assertions.assertThat;

import io.supervisorkafka.schemas.Topics;
import io.supervisorkafka.testkit.SingleNodeKafka;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.junit.jupiter.api.Test;

/** Topic provisioning on a real broker, where the cluster already holds topics of an earlier version. */
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

    private static int partitions(Admin admin, String topic) throws Exception {
        return admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().size();
    }
}
