package io.supervisorkafka.tools;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool$;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;

/**
 * A real single-node KRaft broker (combined broker and controller) from Kafka's own server jars, for development and
 * the demo. Its storage is formatted on first start and kept in {@code dataDir}, so a restart keeps the topics.
 */
public final class DevBroker implements AutoCloseable {
    private final KafkaRaftServer server;
    private final String bootstrapServers;

    private DevBroker(KafkaRaftServer server, String bootstrapServers) {
        this.server = server;
        this.bootstrapServers = bootstrapServers;
    }

    public static DevBroker start(Path dataDir, String host, int port, int controllerPort) {
        return start(dataDir, host, port, controllerPort, null);
    }

    /**
     * @param secureDir null for a plaintext broker; otherwise where {@link SecureDevBroker} keeps the certificate,
     *                  the passwords and a client properties file per user, for a broker that requires SASL_SSL
     */
    public static DevBroker start(Path dataDir, String host, int port, int controllerPort, Path secureDir) {
        try {
            Files.createDirectories(dataDir);
            Path configFile = dataDir.resolve("server.properties");
            Properties props = serverProperties(dataDir, host, port, controllerPort);
            SecureDevBroker.Secrets secrets = null;
            List<String> formatArguments = List.of();
            if (secureDir != null) {
                secrets = SecureDevBroker.Secrets.load(secureDir, host);
                props = SecureDevBroker.serverProperties(props, secrets, host, port, controllerPort);
                formatArguments = SecureDevBroker.formatArguments(secrets);
            }
            try (OutputStream out = Files.newOutputStream(configFile)) {
                props.store(out, "written by supervisor-kafka broker");
            }
            if (!Files.exists(dataDir.resolve("logs").resolve("meta.properties"))) {
                format(configFile, formatArguments);
            }
            KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
            server.startup();
            if (secrets != null) {
                SecureDevBroker.provision(secrets, host + ":" + port);
            }
            return new DevBroker(server, host + ":" + port);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the broker's data directory " + dataDir, e);
        }
    }

    private static void format(Path configFile, List<String> extraArguments) {
        List<String> arguments = new java.util.ArrayList<>(List.of("format", "--config", configFile.toString(),
                "--cluster-id", Uuid.randomUuid().toString(), "--ignore-formatted"));
        arguments.addAll(extraArguments);
        // The storage tool reports on the stream it is given; stderr keeps our stdout for the bootstrap address.
        int exit = StorageTool$.MODULE$.execute(arguments.toArray(String[]::new), new PrintStream(System.err, true));
        if (exit != 0) {
            throw new IllegalStateException("kafka storage format failed with exit code " + exit);
        }
    }

    static Properties serverProperties(Path dataDir, String host, int port, int controllerPort) {
        Properties p = new Properties();
        p.setProperty("process.roles", "broker,controller");
        p.setProperty("node.id", "1");
        p.setProperty("controller.quorum.voters", "1@" + host + ":" + controllerPort);
        p.setProperty("listeners", "PLAINTEXT://" + host + ":" + port + ",CONTROLLER://" + host + ":" + controllerPort);
        p.setProperty("advertised.listeners", "PLAINTEXT://" + host + ":" + port);
        p.setProperty("controller.listener.names", "CONTROLLER");
        p.setProperty("inter.broker.listener.name", "PLAINTEXT");
        p.setProperty("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.setProperty("log.dirs", dataDir.resolve("logs").toAbsolutePath().toString());
        p.setProperty("num.partitions", "3");
        // One node: every internal topic can only have one replica.
        p.setProperty("offsets.topic.replication.factor", "1");
        p.setProperty("offsets.topic.num.partitions", "3");
        p.setProperty("transaction.state.log.replication.factor", "1");
        p.setProperty("transaction.state.log.min.isr", "1");
        p.setProperty("transaction.state.log.num.partitions", "3");
        p.setProperty("share.coordinator.state.topic.replication.factor", "1");
        p.setProperty("share.coordinator.state.topic.min.isr", "1");
        p.setProperty("group.initial.rebalance.delay.ms", "0");
        return p;
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    @Override
    public void close() {
        server.shutdown();
        server.awaitShutdown();
    }
}
