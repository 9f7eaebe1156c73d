package io.supervisorkafka.e2e;

import io.supervisorkafka.testkit.Ports;
import io.supervisorkafka.testkit.ScratchDirectory;
import io.supervisorkafka.testkit.Supervisord;
import io.supervisorkafka.tools.DevBroker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;

/**
 * Keeping pace with supervisord at its default {@code buffer_size=10}: bursts of REMOTE_COMMUNICATION events, one
 * XML-RPC call each, as fast as one client can, counting the events supervisord discards (its log's "event buffer
 * overflowed, discarding event N" lines, the only place it says so). Four cases, round by round in the same run:
 * supervisor's own {@code childutils} listener doing nothing but acknowledge (the baseline); the same while a niced
 * Kafka producer in another JVM ships as many records to the broker at the burst's pace ({@link ProducerFloor}: what
 * a listener that publishes cannot avoid on a machine that also runs the broker); the built listener publishing to a
 * real broker on this machine; and the built listener with a broker stopped before the burst.
 * Each round starts a fresh supervisord and listener (a cold JVM, as after a deploy) and sends the burst once the
 * listener has been RUNNING for 3 s. The broker the listener publishes to runs through the whole benchmark and is
 * warmed up by one burst first (not counted): a broker that has just started compiles its own code on the same two
 * cores, which a production broker on its own machine does not.
 *
 * <p>Run: {@code ./mvnw -q -pl e2e -am package -DskipTests && ./mvnw -q -pl e2e exec:java
 * -Dexec.mainClass=io.supervisorkafka.e2e.BurstBenchmark -Dexec.args="5 2000 10"} (rounds, events per burst,
 * buffer_size). {@code -Dburst.listenerArgs="..."} adds arguments to the listener's command line, e.g.
 * {@code --fsync-interval 1h} to take the spool's fsync out of a burst;
 * {@code -Dburst.modes=BROKER_UP,CHILDUTILS_SHIPPING} runs only those cases (names of {@code Mode}), for an A/B of one
 * change; {@code -Dburst.protocolPriority=normal} (or {@code nice:-10}) runs the listener's protocol loop in that class
 * instead of its default ({@code --protocol-priority}, which needs root for anything but {@code normal}).
 */
public final class BurstBenchmark {
    private static final Duration SETTLE = Duration.ofSeconds(3);
    /** Events a second of a burst into childutils (about 2,500 on the reference machine): the shipping's pace. */
    private static final int SHIPPING_PACE = 2_500;
    private static final String CHILDUTILS_LISTENER = """
            import sys
            from supervisor import childutils
            while True:
                childutils.listener.wait(sys.stdin, sys.stdout)
                childutils.listener.ok(sys.stdout)
            """;

    private enum Mode {
        CHILDUTILS_BASELINE("childutils (does nothing)"),
        CHILDUTILS_SHIPPING("childutils + the burst shipped by a niced producer"),
        BROKER_UP("supervisor-kafka, broker up"),
        BROKER_DOWN("supervisor-kafka, broker stopped before the burst");

        final String label;

        Mode(String label) {
            this.label = label;
        }
    }

    private record Round(long discarded, double eventsPerSecond) {
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        int events = args.length > 1 ? Integer.parseInt(args[1]) : 2000;
        int bufferSize = args.length > 2 ? Integer.parseInt(args[2]) : 10;
        ScratchDirectory scratch = ScratchDirectory.create("burst-bench");
        Path dir = scratch.path();
        Path childutils = Files.writeString(dir.resolve("childutils_listener.py"), CHILDUTILS_LISTENER);
        Map<Mode, List<Round>> results = new LinkedHashMap<>();
        for (Mode mode : modes()) {
            results.put(mode, new ArrayList<>());
        }
        try (scratch; DevBroker broker = DevBroker.start(dir.resolve("broker"), "127.0.0.1", Ports.freeTcpPort(),
                Ports.freeTcpPort())) {
            Round warmUp = run(dir.resolve("warm-up"), Mode.BROKER_UP, broker, childutils, events, bufferSize);
            System.out.printf("warm-up burst (not counted): %d of %d events discarded%n", warmUp.discarded(), events);
            for (int round = 1; round <= rounds; round++) {
                measure(round, dir, broker, childutils, events, bufferSize, results);
            }
            scratch.completed();
        }
        System.out.printf("%d bursts of %d events at buffer_size=%d, one XML-RPC call per event:%n", rounds, events,
                bufferSize);
        for (Map.Entry<Mode, List<Round>> entry : results.entrySet()) {
            List<Round> list = entry.getValue();
            System.out.printf("  %-52s discarded %s (total %d of %d; bursts with none: %d of %d); median %.0f"
                            + " events/s%n", entry.getKey().label, list.stream().map(r -> Long.toString(r.discarded()))
                            .toList(), list.stream().mapToLong(Round::discarded).sum(), (long) rounds * events,
                    list.stream().filter(r -> r.discarded() == 0).count(), rounds,
                    Figures.median(list.stream().mapToDouble(Round::eventsPerSecond).toArray()));
        }
    }

    /** The cases {@code -Dburst.modes} names (e.g. {@code BROKER_UP,CHILDUTILS_SHIPPING}), all by default. */
    private static List<Mode> modes() {
        String names = System.getProperty("burst.modes", "").trim();
        return names.isEmpty() ? List.of(Mode.values())
                : Arrays.stream(names.split(",")).map(String::trim).map(Mode::valueOf).toList();
    }

    private static void measure(int round, Path dir, DevBroker broker, Path childutils, int events, int bufferSize,
                                Map<Mode, List<Round>> results) throws Exception {
        for (Mode mode : results.keySet()) {
            Round result = run(dir.resolve("round-" + round + "-" + mode.name().toLowerCase()), mode, broker,
                    childutils, events, bufferSize);
            results.get(mode).add(result);
            System.out.printf("round %d, %s: %d of %d events discarded (%.0f events/s)%n", round, mode.label,
                    result.discarded(), events, result.eventsPerSecond());
        }
    }

    private static Round run(Path dir, Mode mode, DevBroker warmBroker, Path childutils, int events, int bufferSize)
            throws Exception {
        Files.createDirectories(dir);
        DevBroker broker = switch (mode) {
            case CHILDUTILS_BASELINE -> null;
            case CHILDUTILS_SHIPPING -> warmBroker;
            case BROKER_UP -> warmBroker;
            case BROKER_DOWN -> DevBroker.start(dir.resolve("broker"), "127.0.0.1", Ports.freeTcpPort(),
                    Ports.freeTcpPort());
        };
        try {
            boolean childutilsListener = mode == Mode.CHILDUTILS_BASELINE || mode == Mode.CHILDUTILS_SHIPPING;
            String section = childutilsListener ? """
                    [eventlistener:kafka]
                    command=%s %s
                    events=REMOTE_COMMUNICATION
                    buffer_size=%d
                    stdout_logfile=NONE
                    stderr_logfile=%%(ENV_SK_DIR)s/listener.log

                    """.formatted(Supervisord.python(), childutils, bufferSize)
                    : Pipeline.listenerSection(broker.bootstrapServers(), "burst-host", "REMOTE_COMMUNICATION",
                    listenerArgs(), bufferSize);
            try (Supervisord supervisord = Supervisord.start(dir.resolve("supervisord"), "burst", section)) {
                Awaitility.await("the listener RUNNING").atMost(Duration.ofMinutes(1))
                        .pollInterval(Duration.ofMillis(100))
                        .until(() -> "RUNNING".equals(supervisord.status().get("kafka:kafka")));
                Process shipping = mode == Mode.CHILDUTILS_SHIPPING ? startShipping(broker, events) : null;
                try {
                    // Deliberate: the listener has started its shipper and connected; the burst finds it idle.
                    Thread.sleep(SETTLE.toMillis());
                    if (mode == Mode.BROKER_DOWN) {
                        broker.close();
                        broker = null;
                    }
                    long start = System.nanoTime();
                    if (shipping != null) {
                        shipping.getOutputStream().write('\n');
                        shipping.getOutputStream().close();
                    }
                    supervisord.sendRemoteCommEvents(events, 1);
                    double seconds = (System.nanoTime() - start) / 1e9;
                    if (shipping != null) {
                        awaitEnd(shipping);
                    }
                    return new Round(supervisord.discardedEvents(), events / seconds);
                } finally {
                    if (shipping != null) {
                        shipping.destroyForcibly().waitFor(); // by its pid, whatever happened above
                    }
                }
            }
        } finally {
            if (broker != null && broker != warmBroker) {
                broker.close();
            }
        }
    }

    /** The listener's arguments: no snapshots in a burst, {@code burst.protocolPriority}, {@code burst.listenerArgs}. */
    private static String listenerArgs() {
        String priority = System.getProperty("burst.protocolPriority", "").trim();
        return ("--snapshot-interval 1h " + (priority.isEmpty() ? "" : "--protocol-priority " + priority + " ")
                + System.getProperty("burst.listenerArgs", "")).trim();
    }

    /**
     * The broker's and the Kafka client's share of a burst without the listener: {@link ProducerFloor} in a JVM with
     * the listener's options, niced as the listener's shipper is, sending a record of an event's size per event at
     * about the burst's pace, in batches as the shipper holds them; it starts on a line on its stdin.
     */
    private static Process startShipping(DevBroker broker, int events) throws Exception {
        List<String> command = new ArrayList<>(List.of("nice", "-n", "10"));
        command.addAll(ProducerFloor.command(broker.bootstrapServers(), Integer.toString(events),
                Integer.toString(SHIPPING_PACE)));
        return new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    }

    /** Waits up to 30 s for the shipping to end, a few batches after the burst. */
    private static void awaitEnd(Process shipping) throws InterruptedException {
        shipping.waitFor(30, TimeUnit.SECONDS);
    }
}
