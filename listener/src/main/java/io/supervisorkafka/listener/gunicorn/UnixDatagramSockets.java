package io.supervisorkafka.listener.gunicorn;

import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.channels.DatagramChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import org.newsclub.net.unix.AFUNIXDatagramChannel;
import org.newsclub.net.unix.AFUNIXSocketAddress;

/**
 * AF_UNIX SOCK_DGRAM sockets through junixsocket (Java 17's {@link DatagramChannel} has no unix datagrams). The only
 * class of the listener that names junixsocket: it (and junixsocket with its native library) is loaded only when
 * {@code --statsd-listen} is a path, so the UDP mode and the rest of the listener never load it.
 */
final class UnixDatagramSockets {
    /** {@code rw-rw----}: the StatsD clients (gunicorn workers) run as the owner or in the group. */
    static final Set<PosixFilePermission> PERMISSIONS = PosixFilePermissions.fromString("rw-rw----");
    private static final int S_IFMT = 0170000;
    private static final int S_IFSOCK = 0140000;

    private UnixDatagramSockets() {
    }

    /**
     * Binds a blocking unix datagram channel to {@code path}: a stale socket file is removed first (anything else at
     * the path is refused), the new one is made {@code 0660}. The caller deletes the file after closing the channel.
     */
    static DatagramChannel bind(Path path, int receiveBuffer) throws IOException {
        removeStale(path);
        AFUNIXDatagramChannel channel = AFUNIXDatagramChannel.open();
        boolean bound = false;
        try {
            // We delete the file ourselves, after the receive thread is done with the socket.
            channel.setDeleteOnClose(false);
            try {
                channel.setOption(StandardSocketOptions.SO_RCVBUF, receiveBuffer);
            } catch (IOException | UnsupportedOperationException e) {
                // Only a hint; the kernel default (net.core.rmem_default) serves.
            }
            channel.bind(AFUNIXSocketAddress.of(path.toFile()));
            bound = true;
            Files.setPosixFilePermissions(path, PERMISSIONS);
            return channel;
        } catch (IOException | RuntimeException e) {
            channel.close();
            if (bound) {
                Files.deleteIfExists(path);
            }
            throw e;
        }
    }

    /** Removes a socket file left by an earlier run; refuses to remove a regular file, directory or link. */
    static void removeStale(Path path) throws IOException {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        if (!isSocket(path)) {
            throw new IOException(path + " exists and is not a socket; not replacing it");
        }
        Files.deleteIfExists(path);
    }

    static boolean isSocket(Path path) throws IOException {
        try {
            Object mode = Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
            return ((Integer) mode & S_IFMT) == S_IFSOCK;
        } catch (UnsupportedOperationException | IllegalArgumentException e) {
            return Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).isOther();
        }
    }
}
