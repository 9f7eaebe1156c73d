package io.supervisorkafka.listener.supervisor.xmlrpc;

import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Nudges supervisord when one of its children exits or starts, so the PROCESS_STATE event reaches us at once.
 *
 * <p>Why: supervisord's main loop reaps a dead child when the child's pipes close, but it hands the resulting event
 * to its listeners only in the <em>next</em> turn of the loop, and when nothing else happens that turn waits the
 * full one-second poll timeout (supervisord.py {@code runforever}: {@code poll(1)}, then {@code transition()}, then
 * {@code reap()}). A {@code kill -9} would reach Kafka a second late. A connection to supervisord's own HTTP socket
 * ends that wait: the loop wakes on the accept and dispatches the pending event.
 *
 * <p>How: every {@code interval} it reads the list of supervisord's children from
 * {@code /proc/PID/task/PID/children} (supervisord is single-threaded) and the state of each child from
 * {@code /proc/CHILD/stat}. When the list changed (a child was reaped or spawned) or a child is a zombie (dead, not
 * yet reaped: supervisord may be asleep in its poll), it connects to the XML-RPC socket and closes the connection
 * at once. No request is sent and supervisord logs nothing. Off when the parent is not supervisord or the kernel has
 * no children file.
 */
public final class SupervisordWaker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SupervisordWaker.class);

    private final Path childrenFile;
    private final SupervisorEndpoint endpoint;
    private final Duration interval;
    private final Thread thread;
    private volatile boolean running = true;
    private long wakes;

    private SupervisordWaker(Path childrenFile, SupervisorEndpoint endpoint, Duration interval) {
        this.childrenFile = childrenFile;
        this.endpoint = endpoint;
        this.interval = interval;
        this.thread = new Thread(this::run, "supervisord-waker");
        this.thread.setDaemon(true);
    }

    /** A started waker for the supervisord that is our parent, or empty when that is not possible here. */
    public static Optional<SupervisordWaker> startForParent(SupervisorEndpoint endpoint, Duration interval) {
        if (endpoint == null || interval.isZero() || interval.isNegative()) {
            return Optional.empty();
        }
        Optional<ProcessHandle> parent = ProcessHandle.current().parent();
        if (parent.isEmpty() || !isSupervisord(parent.get().pid())) {
            return Optional.empty();
        }
        long pid = parent.get().pid();
        Path children = Path.of("/proc", Long.toString(pid), "task", Long.toString(pid), "children");
        if (!Files.isReadable(children)) {
            LOG.info("no {} on this kernel: supervisord's events may reach us up to 1 s after a child exits",
                    children);
            return Optional.empty();
        }
        SupervisordWaker waker = new SupervisordWaker(children, endpoint, interval);
        waker.thread.start();
        return Optional.of(waker);
    }

    private static boolean isSupervisord(long pid) {
        try {
            String cmdline = new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline")),
                    StandardCharsets.UTF_8);
            return cmdline.contains("supervisord");
        } catch (IOException e) {
            return false;
        }
    }

    private void run() {
        byte[] last = readChildren();
        while (running) {
            try {
                Thread.sleep(interval.toMillis());
            } catch (InterruptedException e) {
                return;
            }
            byte[] now = readChildren();
            if (now == null) {
                return; // supervisord is gone
            }
            if (!Arrays.equals(now, last) || hasZombie(now)) {
                last = now;
                wake();
            }
        }
    }

    private byte[] readChildren() {
        try {
            return Files.readAllBytes(childrenFile);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            return new byte[0];
        }
    }

    private static boolean hasZombie(byte[] children) {
        String list = new String(children, StandardCharsets.US_ASCII).trim();
        if (list.isEmpty()) {
            return false;
        }
        for (String pid : list.split(" ")) {
            try {
                String stat = new String(Files.readAllBytes(Path.of("/proc", pid, "stat")), StandardCharsets.US_ASCII);
                // The state follows the command name, which is in parentheses and may itself hold ") ".
                int end = stat.lastIndexOf(") ");
                if (end > 0 && end + 2 < stat.length() && stat.charAt(end + 2) == 'Z') {
                    return true;
                }
            } catch (IOException gone) {
                return true; // reaped since the list was read: supervisord has an event for us
            }
        }
        return false;
    }

    private void wake() {
        try (SocketChannel channel = endpoint.openChannel()) {
            channel.connect(endpoint.socketAddress());
            wakes++;
        } catch (IOException | RuntimeException e) {
            LOG.debug("cannot nudge supervisord at {}: {}", endpoint.display(), e.toString());
        }
    }

    /** How many times supervisord was nudged. */
    public long wakes() {
        return wakes;
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
    }
}
