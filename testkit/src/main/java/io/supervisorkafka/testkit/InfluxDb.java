package io.supervisorkafka.testkit;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.awaitility.Awaitility;

/**
 * The real InfluxDB 1.x ({@code influxd} of the Debian package {@code influxdb}) in the foreground, with a configuration
 * of our own: meta, data and WAL under its directory, its HTTP API and its RPC service on free loopback ports, no usage
 * reporting, no self-monitoring database. {@link #close()} stops it by its pid (SIGTERM, then SIGKILL).
 */
public final class InfluxDb implements AutoCloseable {
    /** Where the Debian package installs it. */
    public static final Path INFLUXD = Path.of("/usr/bin/influxd");
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final Path dir;
    private final ChildProcess process;
    private final URI url;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

    private InfluxDb(Path dir, ChildProcess process, URI url) {
        this.dir = dir;
        this.process = process;
        this.url = url;
    }

    /** An HTTP answer: its status and body. */
    public record Answer(int status, String body) {
    }

    /** Starts influxd under {@code dir} and returns once its {@code /ping} answers. */
    public static InfluxDb start(Path dir) throws IOException {
        if (!Files.isExecutable(INFLUXD)) {
            throw new IllegalStateException(INFLUXD + " is missing: install the Debian package influxdb");
        }
        Files.createDirectories(dir);
        int httpPort = Ports.freeTcpPort();
        int rpcPort = Ports.freeTcpPort();
        while (rpcPort == httpPort) {
            rpcPort = Ports.freeTcpPort();
        }
        Path conf = dir.resolve("influxd.conf");
        Files.writeString(conf, """
                reporting-disabled = true
                bind-address = "127.0.0.1:%2$d"

                [meta]
                  dir = "%1$s/meta"

                [data]
                  dir = "%1$s/data"
                  wal-dir = "%1$s/wal"
                  query-log-enabled = false

                [monitor]
                  store-enabled = false

                [http]
                  bind-address = "127.0.0.1:%3$d"
                  log-enabled = false
                """.formatted(dir, rpcPort, httpPort));
        ProcessBuilder builder = new ProcessBuilder(INFLUXD.toString(), "run", "-config", conf.toString());
        InfluxDb influxDb = new InfluxDb(dir,
                ChildProcess.start("influxd", builder, dir.resolve("influxd.log")),
                URI.create("http://127.0.0.1:" + httpPort));
        try {
            influxDb.awaitAnswering();
        } catch (RuntimeException e) {
            influxDb.close();
            throw e;
        }
        return influxDb;
    }

    private void awaitAnswering() {
        Awaitility.await("influxd answering on " + url).atMost(TIMEOUT).pollInterval(Duration.ofMillis(100))
                .ignoreExceptionsInstanceOf(IOException.class).until(() -> {
                    if (!process.isAlive()) {
                        throw new IllegalStateException("influxd exited: " + Files.readString(process.log()));
                    }
                    return send(HttpRequest.newBuilder(url.resolve("/ping")).GET()).status() == 204;
                });
    }

    public URI url() {
        return url;
    }

    public long pid() {
        return process.pid();
    }

    /** {@code CREATE DATABASE name}, as InfluxDB 1.x wants it: a POST to {@code /query}. */
    public Answer createDatabase(String name) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(url.resolve("/query?q="
                        + encode("CREATE DATABASE \"" + name.replace("\"", "\\\"") + "\"")))
                .POST(HttpRequest.BodyPublishers.noBody()));
    }

    /** Writes line protocol to {@code /write?db=database} (precision: nanoseconds); 204 when written. */
    public Answer write(String database, String lines) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(url.resolve("/write?db=" + encode(database)))
                .POST(HttpRequest.BodyPublishers.ofString(lines, StandardCharsets.UTF_8)));
    }

    /** An InfluxQL query of {@code /query?db=database}; the body is InfluxDB's JSON. */
    public Answer query(String database, String influxQl) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(url.resolve("/query?db=" + encode(database) + "&q=" + encode(influxQl)))
                .GET());
    }

    private Answer send(HttpRequest.Builder request) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(request.timeout(TIMEOUT).build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        return new Answer(response.statusCode(), response.body());
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** What influxd logged so far. */
    public String output() throws IOException {
        return Files.readString(process.log());
    }

    @Override
    public void close() {
        process.close();
    }

    @Override
    public String toString() {
        return "influxd (pid " + pid() + ", " + url + ", " + dir + ")";
    }
}
