package io.supervisorkafka.streams;

import static org.assertj.core.api.Assertions.assertThat;

import io.supervisorkafka.schemas.Topics;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.streams.TopologyDescription;
import org.apache.kafka.streams.TopologyDescription.Node;
import org.junit.jupiter.api.Test;

class TopologyFactoryTest {

    @Test
    void everythingIsOneSubTopologyWithoutRepartitioning() {
        TopologyDescription description = TopologyFactory.build(PipelineConfig.defaults()).describe();

        assertThat(description.subtopologies()).singleElement().satisfies(subtopology -> {
            Set<String> names = subtopology.nodes().stream().map(Node::name).collect(Collectors.toSet());
            assertThat(names).contains("events", "snapshots", "event-deduplicator", "process-status-deriver",
                    "process-check-emitter", "process-counts-deriver", "connectivity-checker", "metrics-emitter");
            assertThat(names).noneMatch(name -> name.contains("repartition"));
        });
        assertThat(description.globalStores()).isEmpty();
    }

    @Test
    void theSameConfigBuildsTheSameTopology() {
        assertThat(TopologyFactory.build(PipelineConfig.defaults()).describe().toString())
                .isEqualTo(TopologyFactory.build(PipelineConfig.defaults()).describe().toString());
    }

    @Test
    void theProvisionerCreatesInputsOutputsAndDeadLettersWithCompactedState() {
        var topics = TopicProvisioner.requiredTopics(PipelineConfig.defaults().withTopicLayout(6, (short) 3));

        assertThat(topics).extracting(NewTopic::name).containsExactlyInAnyOrder(Topics.EVENTS, Topics.SNAPSHOTS,
                Topics.PROCESS_STATUS, Topics.PROCESS_COUNTS, Topics.SERVICE_CHECKS, Topics.METRICS,
                TopicProvisioner.DEAD_LETTERS);
        assertThat(topics).allSatisfy(topic -> {
            assertThat(topic.numPartitions()).isEqualTo(6);
            assertThat(topic.replicationFactor()).isEqualTo((short) 3);
        });
        assertThat(topics).filteredOn(topic -> topic.configs() != null
                        && "compact".equals(topic.configs().get("cleanup.policy")))
                .extracting(NewTopic::name).containsExactlyInAnyOrder(Topics.PROCESS_STATUS, Topics.PROCESS_COUNTS);
        assertThat(TopicProvisioner.requiredTopics(PipelineConfig.defaults()))
                .as("the broker's default replication").allSatisfy(topic ->
                        assertThat(topic.replicationFactor()).isEqualTo((short) -1));
    }
}
