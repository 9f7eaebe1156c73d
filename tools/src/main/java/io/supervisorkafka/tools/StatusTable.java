package io.supervisorkafka.tools;

import io.supervisorkafka.schemas.CheckStatus;
import io.supervisorkafka.schemas.ContainerCounts;
import io.supervisorkafka.schemas.JsonSerde;
import io.supervisorkafka.schemas.ProcessCounts;
import io.supervisorkafka.schemas.ProcessStatus;
import io.supervisorkafka.schemas.ProcessStatus.LastExit;
import io.supervisorkafka.schemas.ServiceCheck;
import io.supervisorkafka.schemas.Topics;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;

/** The fleet's status as the Streams app derives it, read from its output topics and drawn as a table. */
final class StatusTable implements AutoCloseable {
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.systemDefault());
    private static final int RECENT_CHECKS = 8;
    private static final int OUTPUT_WIDTH = 44;
    private static final String ROW = "%-16s %-24s %-9s %-8s %-8s %9s %7s %-8s %s%n";

    private final String bootstrap;
    private final boolean terminal;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Map<String, ProcessStatus> processes = new TreeMap<>();
    private final Map<String, ProcessCounts> counts = new TreeMap<>();
    private final Map<String, ContainerCounts> containers = new TreeMap<>();
    private final Deque<ServiceCheck> recentChecks = new ArrayDeque<>();
    /** The last supervisord.process.flapping status per process key. */
    private final Map<String, ServiceCheck> flapping = new TreeMap<>();
    private final JsonSerde<ProcessStatus> statusSerde = JsonSerde.of(ProcessStatus.class);
    private final JsonSerde<ProcessCounts> countsSerde = JsonSerde.of(ProcessCounts.class);
    private final JsonSerde<ContainerCounts> containerCountsSerde = JsonSerde.of(ContainerCounts.class);
    private final JsonSerde<ServiceCheck> checkSerde = JsonSerde.of(ServiceCheck.class);

    StatusTable(String bootstrap, boolean terminal) {
        this.bootstrap = bootstrap;
        this.terminal = terminal;
        Properties settings = new Properties();
        settings.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        this.consumer = TopicReader.open(settings,
                List.of(Topics.PROCESS_STATUS, Topics.PROCESS_COUNTS, Topics.CONTAINER_COUNTS, Topics.SERVICE_CHECKS),
                true);
    }

    void poll(Duration timeout) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(timeout)) {
            String key = record.key() == null ? "" : new String(record.key(), java.nio.charset.StandardCharsets.UTF_8);
            switch (record.topic()) {
                case Topics.PROCESS_STATUS -> {
                    ProcessStatus status = statusSerde.deserialize(record.topic(), record.value());
                    if (status == null) {
                        processes.remove(key);
                    } else {
                        processes.put(key, status);
                    }
                }
                case Topics.PROCESS_COUNTS -> {
                    ProcessCounts c = countsSerde.deserialize(record.topic(), record.value());
                    if (c == null) {
                        counts.remove(key);
                    } else {
                        counts.put(key, c);
                    }
                }
                case Topics.CONTAINER_COUNTS -> {
                    ContainerCounts c = containerCountsSerde.deserialize(record.topic(), record.value());
                    if (c == null) {
                        containers.remove(key);
                    } else {
                        containers.put(key, c);
                    }
                }
                case Topics.SERVICE_CHECKS -> {
                    ServiceCheck check = checkSerde.deserialize(record.topic(), record.value());
                    if (ServiceCheck.PROCESS_FLAPPING.equals(check.check())) {
                        flapping.put(ProcessStatus.key(check.server(), check.group(), check.name()), check);
                    }
                    recentChecks.addFirst(check);
                    while (recentChecks.size() > RECENT_CHECKS) {
                        recentChecks.removeLast();
                    }
                }
                default -> {
                }
            }
        }
    }

    void render(PrintStream out, String warning) {
        long now = System.currentTimeMillis();
        StringBuilder sb = new StringBuilder();
        if (terminal) {
            sb.append("\033[H\033[2J");
        }
        sb.append("supervisor-kafka demo   broker ").append(bootstrap).append("   ").append(CLOCK.format(Instant.ofEpochMilli(now)))
                .append("   Ctrl-C stops everything\n\n");
        sb.append(String.format(ROW, "SERVER", "PROCESS", "STATE", "CHECK", "PID", "UPTIME", "EXIT", "FLAPPING",
                "LAST OUTPUT"));
        for (ProcessStatus p : processes.values()) {
            long uptime = StatusView.uptime(p, now);
            ServiceCheck flaps = flapping.get(p.key());
            sb.append(String.format(ROW, p.server(), p.group() + ":" + p.name(), p.state(), p.check(),
                    p.pid() == null ? "-" : p.pid(), StatusView.formatUptime(uptime), StatusView.exit(p),
                    flaps == null ? "-" : flaps.status() == CheckStatus.CRITICAL ? "yes" : "no", lastOutput(p)));
        }
        if (processes.isEmpty()) {
            sb.append("(waiting for the first records from the Streams app)\n");
        }
        sb.append('\n');
        Set<String> servers = new TreeSet<>(counts.keySet());
        servers.addAll(containers.keySet());
        for (String server : servers) {
            sb.append(countsLine(server, counts.get(server), containers.get(server))).append('\n');
        }
        sb.append("\nrecent service checks (the alerting feed):\n");
        for (ServiceCheck check : recentChecks) {
            sb.append(String.format("  %s %-8s %s%n", CLOCK.format(Instant.ofEpochMilli(check.timestamp())),
                    check.status(), check.message()));
        }
        if (warning != null) {
            sb.append("\n! ").append(warning).append('\n');
        }
        if (!terminal) {
            sb.append("----\n");
        }
        out.print(sb);
        out.flush();
    }

    /** E.g. {@code web-1: 2 up, 1 down, 0 unknown of 3; containers 1 running, 0 paused, 2 stopped}. */
    static String countsLine(String server, ProcessCounts processes, ContainerCounts containers) {
        StringBuilder line = new StringBuilder(server).append(':');
        if (processes != null) {
            line.append(String.format(" %d up, %d down, %d unknown of %d", processes.up(), processes.down(),
                    processes.unknown(), processes.total()));
        }
        if (containers != null) {
            line.append(processes != null ? ";" : "").append(String.format(
                    " containers %d running, %d paused, %d stopped", containers.running(), containers.paused(),
                    containers.stopped()));
        }
        return line.toString();
    }

    /** The last line the last run wrote to stderr (or stdout), cut to the column. */
    static String lastOutput(ProcessStatus status) {
        LastExit last = status.lastExit();
        if (last == null || last.output() == null) {
            return "";
        }
        String line = last.output();
        return line.length() <= OUTPUT_WIDTH ? line : line.substring(0, OUTPUT_WIDTH - 3) + "...";
    }

    @Override
    public void close() {
        consumer.close();
    }
}
