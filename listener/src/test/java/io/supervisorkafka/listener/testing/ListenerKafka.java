package io.supervisorkafka.listener.testing;

import io.supervisorkafka.schemas.Topics;
import io.supervisorkafka.testkit.SingleNodeKafka;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real single-node broker for a test class ({@code @RegisterExtension static final ListenerKafka KAFKA = new
 * ListenerKafka();}), with the topics the listener writes and no others: a record for a topic not created fails.
 */
public final class ListenerKafka implements BeforeAllCallback, AfterAllCallback {
    /** The topics the listener writes to (gunicorn, StatsD and docker have their own tests). */
    public static final List<String> TOPICS = List.of(Topics.EVENTS, Topics.SNAPSHOTS, Topics.LISTENER_METRICS,
            Topics.PROCESS_EXITS);

    private KafkaClusterTestKit cluster;

    /** Starts the broker (topics are not created on first use) and creates {@link #TOPICS}, one partition each. */
    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        cluster = SingleNodeKafka.start(Map.of("auto.create.topics.enable", "false"));
        try (Admin admin = cluster.admin()) {
            admin.createTopics(TOPICS.stream().map(topic -> new NewTopic(topic, 1, (short) 1)).toList()).all()
                    .get(60, TimeUnit.SECONDS);
        }
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    public String bootstrapServers() {
        return cluster.bootstrapServers();
    }
}
