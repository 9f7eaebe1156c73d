package io.supervisorkafka.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class TopicsTest {

    @Test
    void everyJsonTopicHasARecordTypeAndASchemaOnTheClasspath() {
        List<String> json = Stream.of(Topics.ALL_INPUTS, Topics.OUTPUTS).flatMap(List::stream).toList();

        assertThat(json).allSatisfy(topic -> {
            assertThat(Topics.isJson(topic)).isTrue();
            assertThat(Topics.class.getResource(Topics.schemaResource(topic))).as(topic).isNotNull();
        });
    }

    @Test
    void theInfluxTopicCarriesLineProtocolTextNotJson() {
        assertThat(Topics.OUTPUTS).doesNotContain(Topics.INFLUX);
        assertThat(Topics.recordType(Topics.INFLUX)).isEqualTo(String.class);
        assertThat(Topics.isJson(Topics.INFLUX)).isFalse();
        assertThatThrownBy(() -> Topics.schemaResource(Topics.INFLUX))
                .hasMessage("supervisor.influx carries InfluxDB line protocol, not JSON: it has no JSON Schema");
        assertThatThrownBy(() -> Topics.isJson("supervisor.other"))
                .hasMessage("not a supervisor-kafka topic: supervisor.other");
    }
}
