package io.supervisorkafka.e2e;

import io.supervisorkafka.listener.docker.DockerCollector;
import io.supervisorkafka.listener.docker.DockerConfig;
import io.supervisorkafka.listener.docker.MetricsEndpoint;
import io.supervisorkafka.listener.docker.prometheus.FamilyFilter;
import io.supervisorkafka.listener.docker.prometheus.PrometheusTextParser;
import io.supervisorkafka.schemas.DockerSnapshot;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * How long one scrape and parse of the real Docker engine's metrics page takes: the real dockerd 20.10 (Debian
 * docker.io, started here like in the end-to-end test) with some containers, scraped by the listener's own
 * {@link DockerCollector#scrape()} over {@code --metrics-addr} (TCP) and over the engine's metrics socket (the one a
 * plugin sees), and the parse alone of the same page. In this JVM (Maven's, default JIT), after a warm-up.
 *
 * <p>Run: {@code ./mvnw -q install -DskipTests && ./mvnw -q -pl e2e exec:java
 * -Dexec.mainClass=io.supervisorkafka.e2e.DockerScrapeBenchmark -Dexec.args="10 1000"} (containers, scrapes).
 */
public final class DockerScrapeBenchmark {

    public static void main(String[] args) throws Exception {
        int containers = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        int scrapes = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
        try (Dockerd dockerd = Dockerd.start(Files.createTempDirectory(Path.of("/tmp"), "sk-dockerd-"))) {
            dockerd.importBusybox("bench:1");
            for (int i = 0; i < containers; i++) {
                dockerd.docker("run", "-d", "--network", "none", "bench:1", "sleep", "600");
            }
            String page = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(dockerd.metricsUrl()))
                    .build(), HttpResponse.BodyHandlers.ofString()).body();
            List<DockerSnapshot.Family> kept = PrometheusTextParser.parse(page, FamilyFilter.DEFAULT);
            System.out.printf("dockerd %s, %d containers running: page of %,d bytes, %d families, %d kept"
                            + " (engine_daemon_*) with %d samples%n", dockerd.docker("version", "--format",
                            "{{.Server.Version}}"), containers, page.length(),
                    PrometheusTextParser.parse(page, FamilyFilter.of(List.of("*"), List.of())).size(), kept.size(),
                    kept.stream().mapToInt(family -> family.samples().size()).sum());

            double[] parse = new double[scrapes];
            for (int i = 0; i < scrapes + 200; i++) {
                long start = System.nanoTime();
                PrometheusTextParser.parse(page, FamilyFilter.DEFAULT);
                if (i >= 200) {
                    parse[i - 200] = (System.nanoTime() - start) / 1e6;
                }
            }
            report("parse only", parse);
            scrape("scrape + parse over TCP " + dockerd.metricsUrl(), dockerd.metricsUrl(), scrapes);
            Path socket = dockerd.metricsSocket();
            scrape("scrape + parse over the unix socket " + socket, "unix://" + socket, scrapes);
        }
    }

    private static void scrape(String what, String url, int scrapes) {
        DockerConfig config = new DockerConfig(MetricsEndpoint.parse(url), Duration.ofSeconds(15),
                Duration.ofSeconds(5), DockerConfig.DEFAULT_INCLUDE, List.of(), false,
                DockerConfig.DEFAULT_PLUGIN_SOCKET);
        try (DockerCollector collector = new DockerCollector(config, () -> "bench", snapshot -> {
        }, Clock.systemUTC())) {
            double[] millis = new double[scrapes];
            for (int i = 0; i < scrapes + 200; i++) {
                long start = System.nanoTime();
                DockerSnapshot snapshot = collector.scrape();
                long elapsed = System.nanoTime() - start;
                if (!snapshot.ok()) {
                    throw new IllegalStateException("scrape of " + url + " failed: " + snapshot.error());
                }
                if (i >= 200) {
                    millis[i - 200] = elapsed / 1e6;
                }
            }
            report(what, millis);
        }
    }

    private static void report(String what, double[] millis) {
        System.out.printf("%s: p50 %.3f ms, p90 %.3f ms, p99 %.3f ms, max %.3f ms over %d%n", what,
                Figures.median(millis), Figures.percentile(millis, 90), Figures.percentile(millis, 99),
                Figures.percentile(millis, 100), millis.length);
    }
}
