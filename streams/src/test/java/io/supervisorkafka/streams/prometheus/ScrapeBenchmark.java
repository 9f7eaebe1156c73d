package io.supervisorkafka.streams.prometheus;

import io.supervisorkafka.testkit.ScratchDirectory;
import static io.supervisorkafka.streams.Fixtures.info;
import static io.supervisorkafka.streams.Fixtures.running;

import io.supervisorkafka.schemas.DockerSnapshot;
import io.supervisorkafka.schemas.JsonSerde;
import io.supervisorkafka.schemas.ListenerMetrics;
import io.supervisorkafka.schemas.SupervisorSnapshot;
import io.supervisorkafka.schemas.Topics;
import io.supervisorkafka.streams.Fixtures;
import io.supervisorkafka.streams.TopologyDrivers;
import io.supervisorkafka.streams.docker.DockerPage;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;

/**
 * How long a scrape of {@code /metrics} takes, and how large it is, at 1,000 and 10,000 processes: servers of 10
 * processes each (7 RUNNING, one EXITED, one STOPPED, one FATAL), each with its listener's metrics record and a Docker
 * engine, put into the stores through the real topology on a TopologyTestDriver (RocksDB stores, as in the app).
 * Prints, per size, the median and p99 of: building the families from the stores and writing them in the text format
 * (in process; elapsed, and the CPU time of the thread, which a busy machine inflates less), and a whole scrape over
 * HTTP from the endpoint ({@link MetricsEndpoint}) with {@code Accept-Encoding:
 * gzip} as Prometheus sends it; and the sizes, plain and gzipped.
 *
 * <p>A program, not a test: {@code ./mvnw -B -q install -DskipTests && ./mvnw -B -q -pl streams exec:java
 * -Dexec.classpathScope=test -Dexec.mainClass=io.supervisorkafka.streams.prometheus.ScrapeBenchmark
 * -Dexec.args="100 1000"} (numbers of servers; a third argument sets the scrapes per size, 100 by default).
 */
public final class ScrapeBenchmark {

    private static final int PROCESSES_PER_SERVER = 10;
    private static final long T = Fixtures.T0;

    private ScrapeBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int[] servers = args.length >= 2 ? new int[] {Integer.parseInt(args[0]), Integer.parseInt(args[1])}
                : args.length == 1 ? new int[] {Integer.parseInt(args[0])} : new int[] {100, 1000};
        int rounds = args.length >= 3 ? Integer.parseInt(args[2]) : 100;
        for (int count : servers) {
            run(count, rounds);
        }
    }

    private static void run(int servers, int rounds) throws Exception {
        ScratchDirectory scratch = ScratchDirectory.create("scrape-bench");
        Path dir = scratch.path();
        try (scratch; TopologyTestDriver driver = TopologyDrivers.start(dir, T)) {
            long fillStart = System.nanoTime();
            fill(driver, servers);
            double fillSeconds = (System.nanoTime() - fillStart) / 1e9;
            StoreCollector collector = new StoreCollector(new DriverStores(driver), () -> KafkaStreams.State.RUNNING,
                    new RestoreProgress());

            int warmup = Math.max(10, rounds / 5);
            double[] inProcess = new double[rounds];
            double[] inProcessCpu = new double[rounds];
            double[] collectOnly = new double[rounds];
            java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
            int size = 0;
            for (int i = -warmup; i < rounds; i++) {
                long cpuStart = threads.getCurrentThreadCpuTime();
                long start = System.nanoTime();
                byte[] text = Scrapes.bytes(collector);
                long took = System.nanoTime() - start;
                long cpu = threads.getCurrentThreadCpuTime() - cpuStart;
                size = text.length;
                long collectStart = System.nanoTime();
                collector.collect();
                long collectTook = System.nanoTime() - collectStart;
                if (i >= 0) {
                    inProcess[i] = took / 1e6;
                    inProcessCpu[i] = cpu / 1e6;
                    collectOnly[i] = collectTook / 1e6;
                }
            }
            long samples = new String(Scrapes.bytes(collector), java.nio.charset.StandardCharsets.UTF_8).lines()
                    .filter(line -> !line.startsWith("#")).count();

            double[] overHttp = new double[rounds];
            long gzipped = 0;
            try (MetricsEndpoint endpoint = MetricsEndpoint.start(new HttpListen("127.0.0.1", 0), collector,
                    () -> KafkaStreams.State.RUNNING)) {
                HttpClient http = HttpClient.newHttpClient();
                HttpRequest request = HttpRequest.newBuilder(
                                URI.create("http://127.0.0.1:" + endpoint.port() + "/metrics"))
                        .header("Accept", "text/plain;version=0.0.4;q=0.5,*/*;q=0.1")
                        .header("Accept-Encoding", "gzip").build();
                for (int i = -warmup; i < rounds; i++) {
                    long start = System.nanoTime();
                    HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
                    long took = System.nanoTime() - start;
                    if (response.statusCode() != 200) {
                        throw new IOException("/metrics answered " + response.statusCode());
                    }
                    gzipped = response.body().length;
                    if (i >= 0) {
                        overHttp[i] = took / 1e6;
                    }
                }
            }
            System.out.printf("%,d processes (%,d servers, filled through the topology in %.1f s), %d scrapes:%n",
                    servers * PROCESSES_PER_SERVER, servers, fillSeconds, rounds);
            System.out.printf("  build + write text format (in process): median %.1f ms, p99 %.1f ms; "
                    + "%,d bytes, %,d samples%n", percentile(inProcess, 50), percentile(inProcess, 99), size,
                    samples);
            System.out.printf("    CPU time of the scraping thread: median %.1f ms, p99 %.1f ms; reading the stores and "
                    + "building the families alone: median %.1f ms, p99 %.1f ms%n", percentile(inProcessCpu, 50),
                    percentile(inProcessCpu, 99), percentile(collectOnly, 50), percentile(collectOnly, 99));
            System.out.printf("  GET /metrics over HTTP, gzip: median %.1f ms, p99 %.1f ms; %,d bytes gzipped%n",
                    percentile(overHttp, 50), percentile(overHttp, 99), gzipped);
            scratch.completed();
        }
    }

    /** Every server's snapshot, listener metrics record and Docker scrape, through the topology's input topics. */
    private static void fill(TopologyTestDriver driver, int servers) {
        TestInputTopic<String, SupervisorSnapshot> snapshots = driver.createInputTopic(Topics.SNAPSHOTS,
                new StringSerializer(), JsonSerde.of(SupervisorSnapshot.class));
        TestInputTopic<String, ListenerMetrics> listeners = driver.createInputTopic(Topics.LISTENER_METRICS,
                new StringSerializer(), JsonSerde.of(ListenerMetrics.class));
        TestInputTopic<String, DockerSnapshot> docker = driver.createInputTopic(Topics.DOCKER,
                new StringSerializer(), JsonSerde.of(DockerSnapshot.class));
        DockerSnapshot scrape = DockerPage.captured().containers(3, 0, 1).snapshot(T);
        for (int s = 0; s < servers; s++) {
            String server = String.format("web-%04d", s);
            List<SupervisorSnapshot.ProcessInfo> processes = new ArrayList<>();
            for (int p = 0; p < PROCESSES_PER_SERVER - 3; p++) {
                processes.add(running("worker-" + p, 10_000 + p, T - 3_600_000, T));
            }
            processes.add(info("jobs", "cron", "EXITED", 0, T - 60_000, T - 30_000, T, 1, "", "Exited too quickly"));
            processes.add(info("jobs", "migrate", "STOPPED", 0, 0, 0, T, 0, "", "Not started"));
            processes.add(info("web", "flaky", "FATAL", 0, 0, 0, T, 0, "Exited too quickly", ""));
            Instant at = Instant.ofEpochMilli(T);
            snapshots.pipeInput(new TestRecord<>(server, Fixtures.snapshot(server, T,
                    processes.toArray(SupervisorSnapshot.ProcessInfo[]::new)), at));
            listeners.pipeInput(new TestRecord<>(server, new ListenerMetrics(server, Fixtures.INSTANCE,
                    T - 3_600_000, T, 12_000, 0, 0, 12_500, 0,
                    new ListenerMetrics.Spool("drop-oldest", 65_536, 67_108_864, 0, 0, 0), Map.of(), 0L), at));
            docker.pipeInput(new TestRecord<>(server, new DockerSnapshot(server, scrape.observedAt(),
                    scrape.source(), scrape.mode(), scrape.durationMs(), scrape.error(), scrape.families()), at));
        }
    }

    private static double percentile(double[] values, double p) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank))];
    }
}
