package io.supervisorkafka.streams;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TopologyTestDriver;

/** The whole topology on a TopologyTestDriver, with the app's own default properties. */
public final class TopologyDrivers {
    private TopologyDrivers() {
    }

    public static TopologyTestDriver start(Path stateDir, long wallClock) {
        return start(stateDir, wallClock, PipelineConfig.defaults());
    }

    /** The whole topology of {@code config}. */
    public static TopologyTestDriver start(Path stateDir, long wallClock, PipelineConfig config) {
        Properties properties = StreamsMain.defaultProperties();
        properties.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:9");
        properties.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        return new TopologyTestDriver(TopologyFactory.build(config), properties,
                Instant.ofEpochMilli(wallClock));
    }
}
