package io.supervisorkafka.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.junit.jupiter.api.Test;

/** The collector against a real broker: records kept per topic, in the order each partition gave them. */
class TopicCollectorTest {

    @Test
    void keepsEachTopicsRecordsInArrivalOrderAndCountsThem() throws Exception {
        try (KafkaClusterTestKit cluster = SingleNodeKafka.start()) {
            String bootstrap = cluster.bootstrapServers();
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
                admin.createTopics(List.of(new NewTopic("first", Optional.of(1), Optional.empty()),
                        new NewTopic("second", Optional.of(1), Optional.empty()))).all().get();
            }
            try (TopicCollector collector = new TopicCollector(bootstrap, List.of("first", "second"));
                 KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                         ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                         ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                         ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class))) {
                assertThat(collector.all("first")).isEmpty();
                assertThat(collector.count("first")).isZero();
                for (int i = 0; i < 500; i++) {
                    producer.send(new ProducerRecord<>(i % 5 == 0 ? "second" : "first", "k" + (i % 7), "v" + i));
                }
                producer.flush();

                await().atMost(Duration.ofSeconds(30)).until(() -> collector.count("first") == 400
                        && collector.count("second") == 100);
                List<TopicCollector.Received> first = collector.all("first");
                assertThat(first).hasSize(400);
                assertThat(first).extracting(r -> new String(r.value(), StandardCharsets.UTF_8))
                        .startsWith("v1", "v2", "v3", "v4", "v6").endsWith("v496", "v497", "v498", "v499");
                assertThat(first).extracting(r -> r.record().offset()).isSorted();
                assertThat(collector.all("second")).extracting(r -> r.record().topic()).containsOnly("second");
                assertThat(collector.matching("second", r -> "k0".equals(r.key()))).hasSize(15);
                assertThat(collector.all("absent")).isEmpty();
                assertThat(collector.count("absent")).isZero();

                List<TopicCollector.Received> copy = collector.all("second");
                producer.send(new ProducerRecord<>("second", "k", "later")).get();
                await().atMost(Duration.ofSeconds(30)).until(() -> collector.count("second") == 101);
                assertThat(copy).as("a copy that later records do not change").hasSize(100);
            }
        }
    }
}
