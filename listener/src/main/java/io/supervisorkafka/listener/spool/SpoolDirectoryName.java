package io.supervisorkafka.listener.spool;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.zip.CRC32C;

/**
 * The directory of its own a listener takes under the spool root (the default {@code /var/lib/supervisor-kafka/spool}
 * or {@code $SUPERVISOR_KAFKA_SPOOL_DIR}) when no spool directory is given: one per supervisord and listener process,
 * so that two supervisord on one host, or two listeners of one supervisord, never share (and fight over) a spool.
 *
 * <p>supervisord tells each process it runs who it is ({@code SUPERVISOR_PROCESS_NAME}) and where supervisord itself
 * answers ({@code SUPERVISOR_SERVER_URL}, its socket or port, unique on the host). The name is made of both, readable,
 * plus a checksum of them that keeps names apart that the readable part would merge: for example
 * {@code kafka-var_run_supervisor.sock-5c3e0f1a}. Both stay the same across restarts of the listener and of
 * supervisord, so the listener finds its spool again. Without a server URL (no {@code [unix_http_server]} or
 * {@code [inet_http_server]}) supervisord's command line stands in for it (its {@code -c} configuration file).
 *
 * <p>Kept apart from {@link Spool} (and without a logger): the configuration uses it before the listener is READY.
 */
public final class SpoolDirectoryName {
    private static final int MAX_READABLE = 80;

    private SpoolDirectoryName() {
    }

    /**
     * The listener's directory under the root, or null when it does not run under supervisord (neither variable is
     * set): then it uses the root itself, as a listener run by hand or the docker plugin always has.
     *
     * @param processName            {@code SUPERVISOR_PROCESS_NAME}, or null
     * @param serverUrl              {@code SUPERVISOR_SERVER_URL}, or null
     * @param supervisordCommandLine supervisord's command line, or null: used when there is no server URL
     */
    public static String of(String processName, String serverUrl, String supervisordCommandLine) {
        boolean named = processName != null && !processName.isBlank();
        boolean located = serverUrl != null && !serverUrl.isBlank();
        if (!named && !located) {
            return null;
        }
        String process = named ? processName.trim() : "listener";
        String where = located ? withoutSchemeAndCredentials(serverUrl.trim())
                : supervisordCommandLine == null ? "supervisord" : supervisordCommandLine;
        CRC32C crc = new CRC32C();
        crc.update((process + "\n" + where).getBytes(StandardCharsets.UTF_8));
        String readable = safe(process) + "-" + safe(where);
        if (readable.length() > MAX_READABLE) {
            readable = readable.substring(0, MAX_READABLE);
        }
        return readable + "-" + String.format(Locale.ROOT, "%08x", crc.getValue());
    }

    /** {@code unix:///run/supervisor.sock} → {@code /run/supervisor.sock}; {@code http://u:p@h:9001} → {@code h:9001}. */
    private static String withoutSchemeAndCredentials(String url) {
        String rest = url;
        int scheme = rest.indexOf("://");
        if (scheme >= 0) {
            rest = rest.substring(scheme + 3);
        }
        int at = rest.lastIndexOf('@');
        int slash = rest.indexOf('/');
        if (at >= 0 && (slash < 0 || at < slash)) {
            rest = rest.substring(at + 1);
        }
        return rest;
    }

    /** Letters, digits, {@code .}, {@code _} and {@code -}; anything else (slashes, colons, spaces) becomes {@code _}. */
    private static String safe(String text) {
        String replaced = text.replaceAll("[^A-Za-z0-9._-]+", "_").replaceAll("^[_.]+|_+$", "");
        return replaced.isEmpty() ? "_" : replaced;
    }

    /**
     * How many spool segment files {@code root} itself holds: listeners before spools had directories of their own
     * left them there, and a listener that uses a directory under the root does not ship them.
     */
    public static long segmentFilesIn(Path root) {
        if (!Files.isDirectory(root)) {
            return 0;
        }
        try (var files = Files.list(root)) {
            return files.filter(path -> path.getFileName().toString().endsWith(".seg")).count();
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }
}
