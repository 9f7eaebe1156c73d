package io.supervisorkafka.tools;

import io.supervisorkafka.schemas.cli.ConfigFiles;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import picocli.CommandLine.Option;

/** Where the cluster is and how to reach it: the options of every command that reads topics (tail, status). */
final class ConnectionOptions {
    static final String DEFAULT_BOOTSTRAP_SERVERS = "127.0.0.1:9092";

    @Option(names = {"-b", "--bootstrap-servers"}, paramLabel = "HOST:PORT[,...]",
            description = "Kafka bootstrap servers (default: bootstrap.servers of the --config file, else"
                    + " $KAFKA_BOOTSTRAP_SERVERS, else " + DEFAULT_BOOTSTRAP_SERVERS + ").")
    String bootstrapServers;

    @Option(names = "--config", paramLabel = "FILE",
            description = "A properties file of Kafka consumer settings (TLS, SASL, ...).")
    Path config;

    /**
     * The consumer settings: the {@code --config} file's, with {@code bootstrap.servers} from the flag, else the file,
     * else {@code $KAFKA_BOOTSTRAP_SERVERS}, else the default (the listener's order: flag, file, environment).
     *
     * @throws IllegalArgumentException saying in one line why the {@code --config} file cannot be read
     */
    Properties consumerSettings() {
        Properties settings = config == null ? new Properties() : ConfigFiles.read(config);
        String fromFile = settings.getProperty(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG);
        String fromEnvironment = System.getenv("KAFKA_BOOTSTRAP_SERVERS");
        String servers = bootstrapServers != null ? bootstrapServers
                : fromFile != null && !fromFile.isBlank() ? fromFile
                : fromEnvironment != null && !fromEnvironment.isBlank() ? fromEnvironment
                : DEFAULT_BOOTSTRAP_SERVERS;
        settings.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, servers.trim());
        return settings;
    }

    static Map<String, Object> asMap(Properties properties) {
        Map<String, Object> map = new HashMap<>();
        properties.forEach((key, value) -> map.put(key.toString(), value));
        return map;
    }
}
