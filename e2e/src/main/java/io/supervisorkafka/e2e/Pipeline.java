package io.supervisorkafka.e2e;

import io.supervisorkafka.schemas.Topics;
import io.supervisorkafka.testkit.ChildProcess;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.awaitility.Awaitility;

/** Starts the built apps the way an operator does: through {@code bin/supervisor-kafka}. */
public final class Pipeline {
    private Pipeline() {
    }

    /** The Streams app as a service, with its state in {@code dir}; returns once it has created its topics. */
    public static ChildProcess startStreams(String bootstrap, Path dir, String applicationId, String... extraArgs)
            throws IOException {
        return startStreams(java.util.Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap), bootstrap, dir,
                applicationId, extraArgs);
    }

    /**
     * {@link #startStreams(String, Path, String, String...)} on a cluster whose topics only {@code adminProperties}
     * (a super user's settings) may list.
     */
    public static ChildProcess startStreams(java.util.Map<String, Object> adminProperties, String bootstrap, Path dir,
                                            String applicationId, String... extraArgs) throws IOException {
        return startStreams(adminProperties, bootstrap, dir, applicationId, 1, extraArgs);
    }

    /** {@link #startStreams(String, Path, String, String...)}, the topics it creates with {@code partitions}. */
    public static ChildProcess startStreams(java.util.Map<String, Object> adminProperties, String bootstrap, Path dir,
                                            String applicationId, int partitions, String... extraArgs)
            throws IOException {
        return startStreams(adminProperties, bootstrap, dir, applicationId, partitions, 1, extraArgs);
    }

    /**
     * {@link #startStreams(String, Path, String, String...)} on a cluster of several brokers: the topics it creates,
     * and its internal topics, with {@code partitions} and {@code replicationFactor}.
     */
    public static ChildProcess startStreams(java.util.Map<String, Object> adminProperties, String bootstrap, Path dir,
                                            String applicationId, int partitions, int replicationFactor,
                                            String... extraArgs) throws IOException {
        java.util.List<String> command = new java.util.ArrayList<>(java.util.List.of(Checkout.bin().toString(),
                "streams", "--bootstrap-servers", bootstrap, "--application-id", applicationId,
                "--state-dir", dir.resolve("streams-state").toString(), "--partitions", Integer.toString(partitions),
                "--replication-factor", Integer.toString(replicationFactor)));
        command.addAll(java.util.List.of(extraArgs));
        ChildProcess streams = ChildProcess.start("streams", new ProcessBuilder(command), dir.resolve("streams.log"));
        try {
            awaitTopics(adminProperties, streams);
        } catch (RuntimeException e) {
            streams.close(); // the caller gets no handle to stop it
            throw e;
        }
        return streams;
    }

    private static void awaitTopics(java.util.Map<String, Object> adminProperties, ChildProcess streams) {
        Properties props = new Properties();
        props.putAll(adminProperties);
        try (Admin admin = Admin.create(props)) {
            Awaitility.await("the Streams app creating its topics").atMost(Duration.ofMinutes(2))
                    .pollInterval(Duration.ofMillis(200)).until(() -> {
                        if (!streams.isAlive()) {
                            throw new IllegalStateException("the Streams app exited; see " + streams.log());
                        }
                        Set<String> names = admin.listTopics().names().get();
                        return names.containsAll(Topics.INPUTS) && names.containsAll(Topics.OUTPUTS);
                    });
        }
    }

    /**
     * The {@code [eventlistener:kafka]} section that runs the built listener under supervisord, with a buffer of
     * 100,000 events: for tests about something else than keeping pace, which a discarded event would disturb.
     */
    public static String listenerSection(String bootstrap, String serverId, String events, String extraArgs) {
        return listenerSection(bootstrap, serverId, events, extraArgs, 100_000);
    }

    /** As {@link #listenerSection(String, String, String, String)}; {@code bufferSize} 0 keeps supervisord's default. */
    public static String listenerSection(String bootstrap, String serverId, String events, String extraArgs,
                                         int bufferSize) {
        return """
                [eventlistener:kafka]
                command=%s listener --bootstrap-servers %s --server-id %s --spool-dir %%(ENV_SK_DIR)s/spool %s
                events=%s
                %sautorestart=true
                stopsignal=TERM
                stdout_logfile=NONE
                stderr_logfile=%%(ENV_SK_DIR)s/listener.log

                """.formatted(Checkout.bin(), bootstrap, serverId, extraArgs, events,
                bufferSize > 0 ? "buffer_size=" + bufferSize + "\n" : "");
    }
}
