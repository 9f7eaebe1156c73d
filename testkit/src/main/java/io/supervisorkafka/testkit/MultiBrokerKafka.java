package io.supervisorkafka.testkit;

import java.util.List;
import java.util.Map;
import kafka.server.BrokerServer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/**
 * A real KRaft cluster of three brokers and a controller of their own, replicated as a production cluster is: topics
 * replicated 3 by default with {@code min.insync.replicas} 2, and the consumer offsets and transaction state alike, so
 * that one broker can be stopped under exactly_once_v2 clients without their writes being refused. A broker stops and
 * starts again in place (same id, log directories and port), as Kafka's own test clusters do it.
 */
public final class MultiBrokerKafka implements AutoCloseable {
    public static final int BROKERS = 3;
    public static final int REPLICATION = 3;
    public static final int MIN_IN_SYNC = 2;

    private final KafkaClusterTestKit cluster;

    private MultiBrokerKafka(KafkaClusterTestKit cluster) {
        this.cluster = cluster;
    }

    /** Starts the cluster and returns once every broker is ready; extra broker settings override the defaults. */
    public static MultiBrokerKafka start(Map<String, String> brokerSettings) throws Exception {
        // A controller of its own: a stopped broker then leaves the quorum untouched, only partitions move.
        KafkaClusterTestKit.Builder builder = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
                .setCombined(false)
                .setNumBrokerNodes(BROKERS)
                .setNumControllerNodes(1)
                .build())
                .setConfigProp("default.replication.factor", Integer.toString(REPLICATION))
                .setConfigProp("min.insync.replicas", Integer.toString(MIN_IN_SYNC))
                .setConfigProp("offsets.topic.replication.factor", Integer.toString(REPLICATION))
                // Few partitions of the internal topics: 50 each (the default) is a start-up cost a test need not pay.
                .setConfigProp("offsets.topic.num.partitions", "3")
                .setConfigProp("transaction.state.log.replication.factor", Integer.toString(REPLICATION))
                .setConfigProp("transaction.state.log.min.isr", Integer.toString(MIN_IN_SYNC))
                .setConfigProp("transaction.state.log.num.partitions", "3")
                .setConfigProp("group.initial.rebalance.delay.ms", "0");
        brokerSettings.forEach(builder::setConfigProp);
        KafkaClusterTestKit cluster = builder.build();
        try {
            cluster.format();
            cluster.startup();
            cluster.waitForReadyBrokers();
            return new MultiBrokerKafka(cluster);
        } catch (Exception e) {
            cluster.close();
            throw e;
        }
    }

    public static MultiBrokerKafka start() throws Exception {
        return start(Map.of());
    }

    public String bootstrapServers() {
        return cluster.bootstrapServers();
    }

    /** The cluster itself, for what this class does not wrap (an admin client, the controller). */
    public KafkaClusterTestKit cluster() {
        return cluster;
    }

    /** The brokers' node ids, in order. */
    public List<Integer> brokerIds() {
        return cluster.brokers().keySet().stream().sorted().toList();
    }

    /**
     * Stops one broker as an operator's stop does (a controlled shutdown: the controller moves its leaderships first);
     * returns once it is down. Its port stays reserved for {@link #startBroker}.
     */
    public void stopBroker(int id) {
        broker(id).shutdown();
    }

    /** Starts a stopped broker again on its old data and port; returns once every broker is registered and ready. */
    public void startBroker(int id) throws Exception {
        broker(id).startup();
        cluster.waitForReadyBrokers();
    }

    private BrokerServer broker(int id) {
        BrokerServer broker = cluster.brokers().get(id);
        if (broker == null) {
            throw new IllegalArgumentException("no broker " + id + "; the brokers are " + brokerIds());
        }
        return broker;
    }

    @Override
    public void close() throws Exception {
        cluster.close();
    }
}
