package io.supervisorkafka.e2e;

import io.supervisorkafka.schemas.JsonSerde;
import io.supervisorkafka.schemas.SupervisorEvent;
import io.supervisorkafka.schemas.Topics;
import io.supervisorkafka.testkit.Ports;
import io.supervisorkafka.testkit.ScratchDirectory;
import io.supervisorkafka.testkit.Supervisord;
import io.supervisorkafka.testkit.TopicCollector;
import io.supervisorkafka.tools.DevBroker;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;

/**
 * The listener's bar, measured on this machine: lock-step events per second against a C listener that does nothing
 * (goal: at least 0.95 of it) while publishing to a real broker, time to the first READY (goal: under 500 ms), and
 * peak resident memory (goal: under 64 MB).
 *
 * <p>Run: {@code ./mvnw -q -pl e2e -am package -DskipTests && ./mvnw -q -pl e2e exec:java
 * -Dexec.mainClass=io.supervisorkafka.e2e.ListenerBenchmark -Dexec.args="50000 5"} (events per round, rounds).
 * The listener runs with the JVM options of {@code bin/supervisor-kafka}, or SUPERVISOR_KAFKA_LISTENER_JAVA_OPTS.
 */
public final class ListenerBenchmark {
    private static final Pattern C_REPORT = Pattern.compile("events=(\\d+) first=([0-9.]+) last=([0-9.]+)");

    public static void main(String[] args) throws Exception {
        int events = args.length > 0 ? Integer.parseInt(args[0]) : 50_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        ScratchDirectory scratch = ScratchDirectory.create("listener-bench");
        Path dir = scratch.path();
        Path nullListener = dir.resolve("null_listener");
        if (Figures.run("cc", "-O2", "-o", nullListener.toString(),
                Figures.resource("null_listener.c", dir).toString()) != 0) {
            throw new IllegalStateException("cc failed");
        }

        try (scratch; DevBroker broker = DevBroker.start(dir.resolve("broker"), "127.0.0.1", Ports.freeTcpPort(),
                Ports.freeTcpPort())) {
            double[] baseline = new double[rounds];
            double[] ours = new double[rounds];
            double[] ratios = new double[rounds];
            long peakRssKb = 0;
            for (int round = 0; round < rounds; round++) {
                baseline[round] = nullListenerRate(dir.resolve("c-" + round), nullListener, events);
                RoundResult result = ourListenerRate(dir.resolve("java-" + round), broker.bootstrapServers(), events,
                        round);
                ours[round] = result.eventsPerSecond();
                ratios[round] = ours[round] / baseline[round];
                peakRssKb = Math.max(peakRssKb, result.peakRssKb());
                System.out.printf("round %d: C null listener %.0f events/s, supervisor-kafka listener %.0f events/s "
                        + "(%.3f), peak RSS %.1f MB%n", round + 1, baseline[round], ours[round],
                        ours[round] / baseline[round], result.peakRssKb() / 1024.0);
            }
            double[] ready = firstReadyMillis(dir.resolve("ready"), broker.bootstrapServers(), 10);
            long floorKb = producerFloorKb(broker.bootstrapServers(), events);
            System.out.println();
            System.out.printf("events per round: %d, rounds: %d%n", events, rounds);
            System.out.printf("C null listener:          median %.0f events/s%n", Figures.median(baseline));
            System.out.printf("supervisor-kafka listener: median %.0f events/s%n", Figures.median(ours));
            System.out.printf("ratio, median of the rounds: %.3f (min %.3f, max %.3f; goal >= 0.95)%n",
                    Figures.median(ratios), Figures.percentile(ratios, 0), Figures.percentile(ratios, 100));
            System.out.printf("first READY: median %.0f ms, max %.0f ms over %d starts (goal < 500 ms)%n",
                    Figures.median(ready), Figures.percentile(ready, 100), ready.length);
            System.out.printf("peak resident memory (VmHWM) under load: %.1f MB (goal < 64 MB)%n", peakRssKb / 1024.0);
            System.out.printf("the floor, a JVM with the listener's options running only a Kafka producer with its"
                    + " settings (%d records of an event's size): peak %.1f MB; the listener adds %.1f MB%n", events,
                    floorKb / 1024.0, (peakRssKb - floorKb) / 1024.0);
            scratch.completed();
        }
    }

    private record RoundResult(double eventsPerSecond, long peakRssKb) {
    }

    private static double nullListenerRate(Path dir, Path nullListener, int events) throws Exception {
        try (Supervisord supervisord = Supervisord.start(dir, "bench", """
                [eventlistener:null]
                command=%s %d
                events=REMOTE_COMMUNICATION
                buffer_size=%d
                stdout_logfile=NONE
                stderr_logfile=%%(ENV_SK_DIR)s/null.log

                """.formatted(nullListener, events, events + 100))) {
            awaitRunning(supervisord, "null");
            supervisord.sendRemoteCommEvents(events);
            Path log = dir.resolve("null.log");
            Awaitility.await("the C listener's report").atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(100))
                    .until(() -> Files.exists(log) && C_REPORT.matcher(Files.readString(log)).find());
            Matcher m = C_REPORT.matcher(Files.readString(log));
            m.find();
            return (events - 1) / ((Double.parseDouble(m.group(3)) - Double.parseDouble(m.group(2))) / 1000.0);
        }
    }

    private static RoundResult ourListenerRate(Path dir, String bootstrap, int events, int round)
            throws Exception {
        String serverId = "bench-" + round;
        try (Supervisord supervisord = Supervisord.start(dir, "bench",
                Pipeline.listenerSection(bootstrap, serverId, "REMOTE_COMMUNICATION", "--snapshot-interval 60s"));
             TopicCollector collector = new TopicCollector(bootstrap, List.of(Topics.EVENTS))) {
            awaitRunning(supervisord, "kafka");
            long pid = supervisord.pidOf("kafka");
            supervisord.sendRemoteCommEvents(events);
            JsonSerde<SupervisorEvent> serde = JsonSerde.of(SupervisorEvent.class);
            Awaitility.await("all events on " + Topics.EVENTS).atMost(Duration.ofMinutes(5))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> collector.matching(Topics.EVENTS, r -> serverId.equals(r.key())).size() >= events);
            List<Long> observed = new ArrayList<>();
            for (TopicCollector.Received r : collector.matching(Topics.EVENTS, r -> serverId.equals(r.key()))) {
                observed.add(serde.deserialize(Topics.EVENTS, r.value()).observedAt());
            }
            long first = observed.stream().mapToLong(Long::longValue).min().orElseThrow();
            long last = observed.stream().mapToLong(Long::longValue).max().orElseThrow();
            long rss = Figures.procStatusKb(pid, "VmHWM");
            return new RoundResult((events - 1) / ((last - first) / 1000.0), rss);
        }
    }

    /** {@link ProducerFloor}'s peak resident set, run with the listener's JVM options. */
    private static long producerFloorKb(String bootstrap, int records) throws Exception {
        List<String> command = ProducerFloor.command(bootstrap, Integer.toString(records));
        Process floor = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            String out = new String(floor.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            if (floor.waitFor() != 0) {
                throw new IllegalStateException("ProducerFloor failed: " + command);
            }
            return Long.parseLong(out.trim());
        } finally {
            floor.destroyForcibly().waitFor();
        }
    }

    private static void awaitRunning(Supervisord supervisord, String program) {
        Awaitility.await(program + " RUNNING").atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(100))
                .until(() -> "RUNNING".equals(supervisord.status().get(program + ":" + program)));
    }

    /** Starts the listener as supervisord would and times its first READY on stdout. */
    private static double[] firstReadyMillis(Path dir, String bootstrap, int starts) throws Exception {
        double[] millis = new double[starts];
        for (int i = 0; i < starts; i++) {
            long started = System.nanoTime();
            Process listener = new ProcessBuilder(Checkout.bin().toString(), "listener", "--bootstrap-servers",
                    bootstrap, "--server-id", "ready-" + i, "--spool-dir", dir.resolve("spool-" + i).toString(),
                    "--supervisor-url", "unix://" + dir.resolve("absent.sock"))
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            try {
                InputStream stdout = listener.getInputStream();
                byte[] ready = stdout.readNBytes(6);
                millis[i] = (System.nanoTime() - started) / 1e6;
                if (!new String(ready, java.nio.charset.StandardCharsets.US_ASCII).equals("READY\n")) {
                    throw new IllegalStateException("expected READY, got " + new String(ready));
                }
            } finally {
                listener.getOutputStream().close();
                if (!listener.waitFor(20, TimeUnit.SECONDS)) {
                    listener.destroyForcibly().waitFor();
                }
            }
        }
        return millis;
    }
}
