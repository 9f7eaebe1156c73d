package io.supervisorkafka.testkit;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import kafka.server.BrokerServer;
import kafka.server.ControllerServer;
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
    /** The client port of each broker started once: it keeps it through a stop, for {@link #startBroker}. */
    private final Map<Integer, Integer> ports = new TreeMap<>();

    private MultiBrokerKafka(KafkaClusterTestKit cluster) {
        this.cluster = cluster;
    }

    /** Starts the cluster and returns once every broker is ready; extra broker settings override the defaults. */
    public static MultiBrokerKafka start(Map<String, String> brokerSettings) throws Exception {
        MultiBrokerKafka kafka = new MultiBrokerKafka(build(brokerSettings));
        try {
            kafka.cluster.startup();
            kafka.cluster.waitForReadyBrokers();
            kafka.brokerIds().forEach(kafka::notePort);
            return kafka;
        } catch (Exception e) {
            kafka.close();
            throw e;
        }
    }

    public static MultiBrokerKafka start() throws Exception {
        return start(Map.of());
    }

    /**
     * A cluster coming up, as a fresh one does: the controller and the first {@code brokersUp} brokers started (each
     * registered and ready when this returns), the others not yet, until {@link #startBroker} starts them.
     */
    public static MultiBrokerKafka startPartly(int brokersUp) throws Exception {
        MultiBrokerKafka kafka = new MultiBrokerKafka(build(Map.of()));
        try {
            kafka.cluster.controllers().values().forEach(ControllerServer::startup);
            for (int id : kafka.brokerIds().subList(0, brokersUp)) {
                kafka.startBroker(id);
            }
            return kafka;
        } catch (Exception e) {
            kafka.close();
            throw e;
        }
    }

    private static KafkaClusterTestKit build(Map<String, String> brokerSettings) throws Exception {
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
            return cluster;
        } catch (Exception e) {
            cluster.close();
            throw e;
        }
    }

    /** The brokers started so far, a stopped one included (as a client's list names every broker). */
    public String bootstrapServers() {
        return ports.values().stream().map(port -> "localhost:" + port).collect(Collectors.joining(","));
    }

    /**
     * The cluster itself, for what this class does not wrap (the controller; its admin client and bootstrap servers
     * only once every broker has been started).
     */
    public KafkaClusterTestKit cluster() {
        return cluster;
    }

    /** The brokers' node ids, in order. */
    public List<Integer> brokerIds() {
        return cluster.brokers().keySet().stream().sorted().toList();
    }

    /**
     * Stops one broker as an operator's stop does (a controlled shutdown: the controller moves its leaderships first);
     * returns once it is down. {@link #startBroker} brings it back on the same port.
     */
    public void stopBroker(int id) {
        broker(id).shutdown();
    }

    /**
     * Starts a stopped broker again on its old data and port, or one not started yet; returns once it is registered
     * and ready.
     */
    public void startBroker(int id) {
        broker(id).startup();
        notePort(id);
    }

    private void notePort(int id) {
        ports.put(id, broker(id).boundPort(cluster.nodes().brokerListenerName()));
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
