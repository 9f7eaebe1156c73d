package io.supervisorkafka.tools;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "broker", mixinStandardHelpOptions = true, sortOptions = false, usageHelpWidth = 100,
        usageHelpAutoWidth = true,
        description = "Runs a real single-node KRaft Kafka broker for development; prints its bootstrap address.")
final class BrokerCommand implements Callable<Integer> {
    @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = ".run/broker",
            description = "Where the broker keeps its formatted storage (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--host", paramLabel = "ADDRESS", defaultValue = "127.0.0.1",
            description = "Address to listen on (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "9092",
            description = "Client port (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--controller-port", paramLabel = "PORT", defaultValue = "9093",
            description = "KRaft controller port (default: ${DEFAULT-VALUE}).")
    int controllerPort;

    @Option(names = "--secure", paramLabel = "DIR",
            description = "Require SASL_SSL with SCRAM-SHA-512 and ACLs, for a try-out: a self-signed certificate, "
                    + "the users admin, listener, streams and reader with the least ACLs each app needs, and each "
                    + "one's client settings in DIR: admin.properties, listener.properties, streams.properties, "
                    + "reader.properties (made on first start, then kept).")
    Path secureDir;

    @Override
    public Integer call() throws InterruptedException {
        CountDownLatch stopped = new CountDownLatch(1);
        DevBroker broker = DevBroker.start(dataDir, host, port, controllerPort, secureDir);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            broker.close();
            stopped.countDown();
        }, "broker-shutdown"));
        System.out.println("bootstrap.servers=" + broker.bootstrapServers());
        System.out.flush();
        if (secureDir != null) {
            System.err.println("SASL_SSL with SCRAM-SHA-512 and ACLs; client settings (passwords: keep them private) in "
                    + secureDir.toAbsolutePath() + "/{admin,listener,streams,reader}.properties");
        }
        System.err.println("broker running with data in " + dataDir.toAbsolutePath() + "; Ctrl-C stops it");
        stopped.await();
        return 0;
    }
}
