package io.supervisorkafka.testkit;

import java.util.Map;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/**
 * A real single-node KRaft cluster (combined broker and controller) for integration tests, with the internal topics
 * sized for one node so that transactions (exactly_once_v2) work: every module's tests start the same broker.
 */
public final class SingleNodeKafka {
    private SingleNodeKafka() {
    }

    /** Starts a cluster; extra broker settings override the defaults. The caller closes it. */
    public static KafkaClusterTestKit start(Map<String, String> brokerSettings) throws Exception {
        KafkaClusterTestKit cluster = builder(new TestKitNodes.Builder()
                .setCombined(true)
                .setNumBrokerNodes(1)
                .setNumControllerNodes(1)
                .build(), brokerSettings).build();
        try {
            cluster.format();
            cluster.startup();
            cluster.waitForReadyBrokers();
            return cluster;
        } catch (Exception e) {
            cluster.close();
            throw e;
        }
    }

    /** The builder of a one-node cluster of {@code nodes}, internal topics sized for it, with extra settings. */
    static KafkaClusterTestKit.Builder builder(TestKitNodes nodes, Map<String, String> brokerSettings) {
        KafkaClusterTestKit.Builder builder = new KafkaClusterTestKit.Builder(nodes)
                .setConfigProp("offsets.topic.replication.factor", "1")
                .setConfigProp("offsets.topic.num.partitions", "1")
                .setConfigProp("transaction.state.log.replication.factor", "1")
                .setConfigProp("transaction.state.log.min.isr", "1")
                .setConfigProp("transaction.state.log.num.partitions", "1")
                .setConfigProp("group.initial.rebalance.delay.ms", "0");
        brokerSettings.forEach(builder::setConfigProp);
        return builder;
    }

    public static KafkaClusterTestKit start() throws Exception {
        return start(Map.of());
    }
}
