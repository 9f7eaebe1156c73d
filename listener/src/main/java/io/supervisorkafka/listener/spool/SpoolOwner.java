package io.supervisorkafka.listener.spool;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Properties;
import java.util.TreeSet;

/**
 * Whose records a spool holds: the server id that keys them and the Kafka cluster they are for. Kept in the spool
 * directory (file {@value #FILE_NAME}) so that a listener never ships, under its own identity or to its own cluster,
 * what another listener left there.
 *
 * @param serverId                   the listener's fixed server id ({@code --server-id} or the host name)
 * @param serverIdFromIdentification whether records are keyed by supervisord's identification instead
 * @param bootstrapServers           the Kafka cluster's bootstrap servers, normalised: {@code host:port} in lower case,
 *                                   sorted, without duplicates
 */
public record SpoolOwner(String serverId, boolean serverIdFromIdentification, List<String> bootstrapServers) {
    /** The file's name in the spool directory. */
    public static final String FILE_NAME = "owner";

    public SpoolOwner {
        Objects.requireNonNull(serverId, "serverId");
        bootstrapServers = List.copyOf(bootstrapServers);
    }

    /** The owner of a listener's records, with {@code bootstrap.servers} as configured ({@code h1:9092,h2:9092}). */
    public static SpoolOwner of(String serverId, boolean serverIdFromIdentification, String bootstrapServers) {
        return new SpoolOwner(serverId, serverIdFromIdentification, normalise(bootstrapServers));
    }

    private static List<String> normalise(String bootstrapServers) {
        TreeSet<String> servers = new TreeSet<>();
        if (bootstrapServers != null) {
            for (String server : bootstrapServers.split(",")) {
                if (!server.isBlank()) {
                    servers.add(server.trim().toLowerCase(Locale.ROOT));
                }
            }
        }
        return new ArrayList<>(servers);
    }

    /**
     * Why records of {@code previous} must not be shipped by this owner, or null when they may. Another server id (or
     * the other way of choosing it) is another owner. Another cluster is one whose bootstrap servers have none in
     * common with this one's: a list that only gained or lost a broker still names the same cluster.
     */
    public String conflictWith(SpoolOwner previous) {
        if (!serverId.equals(previous.serverId) || serverIdFromIdentification != previous.serverIdFromIdentification) {
            return "they are keyed by server id " + previous.describeServerId() + ", this listener's is "
                    + describeServerId();
        }
        if (!bootstrapServers.isEmpty() && !previous.bootstrapServers.isEmpty()
                && Collections.disjoint(bootstrapServers, previous.bootstrapServers)) {
            return "they are for the Kafka cluster at " + String.join(",", previous.bootstrapServers)
                    + ", this listener's is at " + String.join(",", bootstrapServers);
        }
        return null;
    }

    /** The flags that ship a spool of this owner: {@code --server-id ... --bootstrap-servers ...}. */
    public String flags() {
        return "--server-id " + serverId + (serverIdFromIdentification ? " --server-id-from-identification" : "")
                + " --bootstrap-servers " + String.join(",", bootstrapServers);
    }

    private String describeServerId() {
        return serverIdFromIdentification ? "from supervisord's identification (else " + serverId + ")" : serverId;
    }

    /** The owner recorded in {@code dir}, or null when none is (a new spool, or one of an earlier listener). */
    static SpoolOwner read(Path dir) throws IOException {
        String text;
        try {
            text = Files.readString(dir.resolve(FILE_NAME), StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return null;
        }
        Properties properties = new Properties();
        properties.load(new StringReader(text));
        String serverId = properties.getProperty("server.id");
        if (serverId == null || serverId.isBlank()) {
            return null;
        }
        return of(serverId, Boolean.parseBoolean(properties.getProperty("server.id.from.identification")),
                properties.getProperty("bootstrap.servers"));
    }

    /** Records this owner in {@code dir}: written to a temporary file, then renamed over the old one. */
    void write(Path dir) throws IOException {
        String text = "# Whose records this spool holds; a listener with another server id or Kafka cluster sets"
                + " them aside.\n"
                + "server.id=" + escape(serverId) + "\n"
                + "server.id.from.identification=" + serverIdFromIdentification + "\n"
                + "bootstrap.servers=" + escape(String.join(",", bootstrapServers)) + "\n";
        Path tmp = dir.resolve(FILE_NAME + ".tmp");
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        try {
            Files.move(tmp, dir.resolve(FILE_NAME), StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, dir.resolve(FILE_NAME), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** A value as a properties file needs it (backslashes, and the characters that would end or split it). */
    private static String escape(String value) {
        StringBuilder out = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '=', ':', '#', '!' -> out.append('\\').append(c);
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
