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
    void theSupervisordPartIsOneSubTopologyWithoutRepartitioning() {
        TopologyDescription description = TopologyFactory.build(PipelineConfig.defaults()).describe();

        assertThat(description.subtopologies()).hasSize(5);
        assertThat(description.subtopologies()).filteredOn(s -> names(s).contains("events")).singleElement()
                .satisfies(subtopology -> {
                    Set<String> names = names(subtopology);
                    assertThat(names).contains("events", "snapshots", "event-deduplicator", "process-status-deriver",
                            "process-check-emitter", "process-counts-deriver", "connectivity-checker",
                            "metrics-emitter");
                    assertThat(names).noneMatch(name -> name.contains("repartition") || name.contains("gunicorn"));
                });
        assertThat(description.globalStores()).isEmpty();
    }

    @Test
    void gunicornSnapshotsAndStatsdShareOneSubTopologyAndOnlyTheFleetRollupRepartitions() {
        TopologyDescription description = TopologyFactory.build(PipelineConfig.defaults()).describe();
        assertThat(description.subtopologies()).filteredOn(s -> names(s).contains("gunicorn-snapshots"))
                .singleElement().satisfies(subtopology -> assertThat(names(subtopology)).contains(
                        "statsd-intervals", "gunicorn-check-deriver", "gunicorn-worker-metrics",
                        "statsd-metrics-deriver", "statsd-by-app-repartition-sink"));
        assertThat(description.subtopologies()).filteredOn(s -> names(s).contains("fleet-rollup"))
                .singleElement().satisfies(subtopology -> assertThat(names(subtopology)).contains(
                        "statsd-by-app-repartition-source", "fleet-metrics", "fleet-metrics-sink"));
    }

    @Test
    void dockerScrapesAndListenerMetricsAreEachReadOnTheirOwn() {
        TopologyDescription description = TopologyFactory.build(PipelineConfig.defaults()).describe();
        assertThat(description.subtopologies()).filteredOn(s -> names(s).contains("docker-scrapes"))
                .singleElement().satisfies(subtopology -> {
                    assertThat(names(subtopology)).contains("docker-check-deriver", "docker-metrics-deriver",
                            "container-counts-deriver", "docker-checks-sink", "docker-metrics-sink",
                            "container-counts-sink");
                    assertThat(names(subtopology)).noneMatch(name -> name.contains("repartition")
                            || name.contains("listener"));
                });
        assertThat(description.subtopologies()).filteredOn(s -> names(s).contains("listener-metrics"))
                .singleElement().satisfies(subtopology -> assertThat(names(subtopology)).containsExactlyInAnyOrder(
                        "listener-metrics", "listener-metrics-present", "listener-metrics-emitter",
                        "listener-metrics-sink", "events-lost-checker", "listener-checks-sink",
                        "listener-metrics-keeper"));
    }

    private static Set<String> names(TopologyDescription.Subtopology subtopology) {
        return subtopology.nodes().stream().map(Node::name).collect(Collectors.toSet());
    }

    @Test
    void theInfluxLinesAreOffByDefaultAndAddOnlyTheirOwnNodesWhenOn() {
        PipelineConfig on = PipelineConfig.defaults().withInflux(true);
        TopologyDescription without = TopologyFactory.build(PipelineConfig.defaults()).describe();
        TopologyDescription with = TopologyFactory.build(on).describe();

        assertThat(PipelineConfig.defaults().influx()).isFalse();
        assertThat(without.subtopologies()).allSatisfy(subtopology ->
                assertThat(names(subtopology)).noneMatch(name -> name.contains("influx")));
        assertThat(with.subtopologies()).hasSameSizeAs(without.subtopologies());
        assertThat(with.subtopologies()).filteredOn(s -> names(s).contains("events")).singleElement()
                .satisfies(subtopology -> assertThat(names(subtopology))
                        .contains("supervisor-influx-lines", "supervisor-influx-sink"));
        assertThat(with.subtopologies()).filteredOn(s -> names(s).contains("docker-scrapes")).singleElement()
                .satisfies(subtopology -> assertThat(names(subtopology))
                        .contains("docker-influx-lines", "docker-influx-sink"));
        assertThat(with.subtopologies().stream().flatMap(s -> names(s).stream()).filter(n -> n.contains("influx")))
                .containsExactlyInAnyOrder("supervisor-influx-lines", "supervisor-influx-sink",
                        "docker-influx-lines", "docker-influx-sink");
        assertThat(TopologyFactory.build(on).describe().toString()).isEqualTo(with.toString());
        assertThat(TopicProvisioner.requiredTopics(on)).extracting(NewTopic::name).contains(Topics.INFLUX);
        assertThat(TopicProvisioner.requiredTopics(on)).filteredOn(topic -> topic.name().equals(Topics.INFLUX))
                .singleElement().satisfies(topic -> assertThat(topic.configs()).as("not compacted").isNull());
        assertThat(TopicProvisioner.requiredTopics(PipelineConfig.defaults())).extracting(NewTopic::name)
                .doesNotContain(Topics.INFLUX);
        assertThat(StreamsAccess.topicOperation("supervisor-kafka-streams", Topics.INFLUX)).isEqualTo("Write");
    }

    @Test
    void theSameConfigBuildsTheSameTopology() {
        assertThat(TopologyFactory.build(PipelineConfig.defaults()).describe().toString())
                .isEqualTo(TopologyFactory.build(PipelineConfig.defaults()).describe().toString());
    }

    @Test
    void theProvisionerCreatesInputsOutputsAndDeadLettersWithCompactedState() {
        var topics = TopicProvisioner.requiredTopics(PipelineConfig.defaults().withTopicLayout(6, (short) 3));

        assertThat(topics).extracting(NewTopic::name).containsExactlyInAnyOrder(Topics.EVENTS, Topics.SNAPSHOTS, Topics.PROCESS_EXITS,
                Topics.PROCESS_STATUS, Topics.PROCESS_COUNTS, Topics.SERVICE_CHECKS, Topics.METRICS,
                TopicProvisioner.DEAD_LETTERS, Topics.GUNICORN, Topics.STATSD, Topics.DOCKER, Topics.LISTENER_METRICS,
                Topics.CONTAINER_COUNTS);
        assertThat(topics).allSatisfy(topic -> {
            assertThat(topic.numPartitions()).isEqualTo(6);
            assertThat(topic.replicationFactor()).isEqualTo((short) 3);
        });
        assertThat(topics).filteredOn(topic -> topic.configs() != null
                        && "compact".equals(topic.configs().get("cleanup.policy")))
                .extracting(NewTopic::name).containsExactlyInAnyOrder(Topics.PROCESS_STATUS, Topics.PROCESS_COUNTS,
                        Topics.CONTAINER_COUNTS);
        assertThat(TopicProvisioner.requiredTopics(PipelineConfig.defaults()))
                .as("the broker's default replication").allSatisfy(topic ->
                        assertThat(topic.replicationFactor()).isEqualTo((short) -1));
    }
}
