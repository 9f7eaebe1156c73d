package io.supervisorkafka.e2e;

import io.supervisorkafka.schemas.CheckStatus;
import io.supervisorkafka.schemas.JsonSerde;
import io.supervisorkafka.schemas.ProcessExit;
import io.supervisorkafka.schemas.ServiceCheck;
import io.supervisorkafka.schemas.SupervisorEvent;
import io.supervisorkafka.schemas.Topics;
import io.supervisorkafka.testkit.ChildProcess;
import io.supervisorkafka.testkit.Ports;
import io.supervisorkafka.testkit.ScratchDirectory;
import io.supervisorkafka.testkit.Supervisord;
import io.supervisorkafka.testkit.TopicCollector;
import io.supervisorkafka.tools.DevBroker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.awaitility.Awaitility;

/**
 * End to end latency of the alerting feed: {@code kill -9} of a supervised child until the CRITICAL record of
 * {@code supervisord.process.status} arrives at a read_committed consumer of the checks topic (goal: p99 under
 * 250 ms). Real supervisord, the built listener and Streams app, a real broker.
 *
 * <p>Run: {@code ./mvnw -q -pl e2e -am package -DskipTests && ./mvnw -q -pl e2e exec:java
 * -Dexec.mainClass=io.supervisorkafka.e2e.KillToCriticalBenchmark -Dexec.args="100 2KiB"} (kills, and the
 * listener's {@code listener.exits.tail.bytes}: {@code 0} leaves the output tails out of the exit records; a third
 * argument is passed to the Streams app, e.g. {@code "--exit-context-wait 0s"}; more listener properties with
 * {@code -DlistenerProperties="key=value;key=value"}).
 */
public final class KillToCriticalBenchmark {
    private static final String SERVER = "bench-host";
    private static final String CHECK_KEY = ServiceCheck.PROCESS_STATUS + "|" + SERVER + "/victim:victim";

    public static void main(String[] args) throws Exception {
        int kills = args.length > 0 ? Integer.parseInt(args[0]) : 100;
        String tailBytes = args.length > 1 ? args[1] : "2KiB";
        String[] streamsArgs = args.length > 2 ? args[2].split(" ") : new String[0];
        ScratchDirectory scratch = ScratchDirectory.create("kill-bench");
        Path dir = scratch.path();
        // -DlistenerProperties="key=value;key=value": more listener properties, e.g. the waker's interval.
        Path listenerConfig = Files.writeString(dir.resolve("listener.properties"),
                "listener.exits.tail.bytes=" + tailBytes + "\n"
                        + System.getProperty("listenerProperties", "").replace(';', '\n') + "\n");
        JsonSerde<ServiceCheck> serde = JsonSerde.of(ServiceCheck.class);
        try (scratch; DevBroker broker = DevBroker.start(dir.resolve("broker"), "127.0.0.1", Ports.freeTcpPort(),
                Ports.freeTcpPort());
             ChildProcess streams = Pipeline.startStreams(broker.bootstrapServers(), dir, "kill-bench",
                     streamsArgs);
             TopicCollector collector = new TopicCollector(broker.bootstrapServers(),
                     List.of(Topics.SERVICE_CHECKS, Topics.EVENTS, Topics.PROCESS_EXITS));
             Supervisord supervisord = Supervisord.start(dir.resolve("supervisord"), "bench", """
                     [program:victim]
                     command=sh -c 'echo "victim: started, about to be killed" >&2; exec sleep infinity'
                     startsecs=1
                     autorestart=true

                     """ + Pipeline.listenerSection(broker.bootstrapServers(), SERVER, "PROCESS_STATE",
                     "--snapshot-interval 30s --config " + listenerConfig))) {
            double[] latencies = new double[kills];
            int withContext = 0;
            List<Double> readLatencies = new ArrayList<>();
            for (int i = 0; i < kills; i++) {
                Awaitility.await("victim OK").atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(20))
                        .until(() -> {
                            List<TopicCollector.Received> checks = checks(collector);
                            return !checks.isEmpty() && serde.deserialize(Topics.SERVICE_CHECKS,
                                    checks.get(checks.size() - 1).value()).status() == CheckStatus.OK;
                        });
                long pid = supervisord.pidOf("victim");
                int before = checks(collector).size();
                long killedAt = System.currentTimeMillis();
                ProcessHandle.of(pid).orElseThrow().destroyForcibly();
                TopicCollector.Received critical = Awaitility.await("CRITICAL after kill -9")
                        .atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(10))
                        .until(() -> checks(collector).stream().skip(before)
                                .filter(r -> serde.deserialize(Topics.SERVICE_CHECKS, r.value()).status()
                                        == CheckStatus.CRITICAL).findFirst().orElse(null), r -> r != null);
                // The consumer stamps each record when it reads it: the harness's poll interval is not measured,
                // and a longer one leaves the machine to what is.
                latencies[i] = critical.receivedAtMillis() - killedAt;
                // Worded with the exit record (the signal) when it came within the Streams app's exit-context wait.
                if (serde.deserialize(Topics.SERVICE_CHECKS, critical.value()).message().contains("SIGKILL")) {
                    withContext++;
                }
                // Where the time went: the EXITED event's arrival on the events topic splits it in two.
                JsonSerde<SupervisorEvent> events = JsonSerde.of(SupervisorEvent.class);
                List<TopicCollector.Received> exited = collector.matching(Topics.EVENTS, r -> {
                    SupervisorEvent event = events.deserialize(Topics.EVENTS, r.value());
                    return event.eventName().equals("PROCESS_STATE_EXITED")
                            && Long.toString(pid).equals(event.fields().get("pid"));
                });
                long eventAt = exited.stream().mapToLong(TopicCollector.Received::receivedAtMillis).findFirst()
                        .orElse(-1);
                // The record's timestamp is when the listener read the event: supervisord's part (and the waker's).
                long readAt = exited.stream().mapToLong(r -> r.record().timestamp()).findFirst().orElse(-1);
                if (readAt >= 0) {
                    readLatencies.add((double) (readAt - killedAt));
                }
                JsonSerde<ProcessExit> exits = JsonSerde.of(ProcessExit.class);
                long exitAt = collector.matching(Topics.PROCESS_EXITS,
                        r -> Long.valueOf(pid).equals(exits.deserialize(Topics.PROCESS_EXITS, r.value()).pid()))
                        .stream().mapToLong(TopicCollector.Received::receivedAtMillis).findFirst().orElse(-1);
                System.out.printf("kill %d: %.0f ms (EXITED event read by the listener after %d ms, on %s after %d ms,"
                        + " its exit record on %s after %s)%n", i + 1, latencies[i], readAt < 0 ? -1 : readAt - killedAt,
                        Topics.EVENTS, eventAt < 0 ? -1 : eventAt - killedAt, Topics.PROCESS_EXITS,
                        exitAt < 0 ? "none yet" : (exitAt - killedAt) + " ms");
            }
            System.out.printf("listener.exits.tail.bytes=%s: ", tailBytes);
            System.out.printf("kill -9 -> CRITICAL on %s over %d kills: p50 %.0f ms, p90 %.0f ms, p99 %.0f ms, "
                            + "max %.0f ms (goal: p99 < 250 ms)%n", Topics.SERVICE_CHECKS, kills,
                    Figures.percentile(latencies, 50), Figures.percentile(latencies, 90),
                    Figures.percentile(latencies, 99), Figures.percentile(latencies, 100));
            System.out.printf("CRITICAL worded with its exit record (the signal): %d of %d%n", withContext, kills);
            double[] read = readLatencies.stream().mapToDouble(Double::doubleValue).toArray();
            if (read.length > 0) {
                System.out.printf("kill -9 -> EXITED event read by the listener: p50 %.0f ms, p90 %.0f ms, p99 %.0f ms,"
                        + " max %.0f ms%n", Figures.percentile(read, 50), Figures.percentile(read, 90),
                        Figures.percentile(read, 99), Figures.percentile(read, 100));
            }
            scratch.completed();
        }
    }

    private static List<TopicCollector.Received> checks(TopicCollector collector) {
        return collector.matching(Topics.SERVICE_CHECKS, r -> CHECK_KEY.equals(r.key()));
    }
}
