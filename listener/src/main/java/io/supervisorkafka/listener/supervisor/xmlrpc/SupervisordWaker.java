package io.supervisorkafka.listener.supervisor.xmlrpc;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
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
 *
 * <p>This runs on every host all the time, so a look costs as little as it can: the files stay open and are read
 * again from offset 0 (procfs regenerates them) with {@link RandomAccessFile}, into arrays kept from one look to the
 * next, compared as bytes; a child's stat file is opened once per child, and reading it fails once the child is
 * reaped. On the 2-core reference VM a look costs about 70 us of CPU, most of it the thread's wake-up itself (a bare
 * sleep-and-wake costs 45-50 us there, 30 us in C); a {@code FileChannel} read into a heap buffer, as before, cost
 * about 50 us more (a temporary direct buffer, the interruptible-I/O bookkeeping). So the interval is what the CPU
 * depends on: see {@code SupervisorSourceConfig}'s {@code listener.supervisor.wake.interval}.
 *
 * <p>Not polling was weighed and is not possible from Java 17 alone: a pidfd (poll on a non-child's exit) needs a
 * system call Java cannot make; inotify (the JDK's WatchService) watches whole directories, and supervisord's log
 * directory usually holds its children's output logs too (a wake-up per line a busy program writes); keeping a
 * {@code /mainlogtail} request open makes supervisord take one more turn after a wake-up, but only when its last
 * look at that request is over 100 ms old, and not when it reaps the child one turn late: 12 of 30 kills were then
 * dispatched at once, the others after a second.
 */
public final class SupervisordWaker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SupervisordWaker.class);
    /** The longest /proc/PID/stat line: a 64-character command name and 52 numbers of up to 20 digits. */
    private static final int STAT_BYTES = 1200;
    /**
     * Children are checked for zombies at every this many looks. A child that dies closes its pipes, which wakes
     * supervisord, which reaps it at once: the list changes and the next look sees it. A zombie lasts only when
     * something else holds the child's pipes open (a process it started); that rarer case may wait a few looks.
     */
    private static final int ZOMBIE_LOOK_EVERY = 5;

    private final Path childrenFile;
    /** Connects to supervisord's socket and closes the connection; true when it could. */
    private final BooleanSupplier nudge;
    private final Duration interval;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile long wakes;
    private long looks;
    /** The children list as last read ({@code lastLength} bytes), and the one being read: swapped after each look. */
    private byte[] last = new byte[4096];
    private int lastLength;
    private byte[] now = new byte[4096];
    private int nowLength;
    private final byte[] stat = new byte[STAT_BYTES];
    /** The stat file of each child in {@link #last}. */
    private final List<RandomAccessFile> childStats = new ArrayList<>();

    /** Watches the children listed in {@code childrenFile}; {@link #start()} starts the thread. */
    SupervisordWaker(Path childrenFile, Duration interval, BooleanSupplier nudge) {
        this.childrenFile = childrenFile;
        this.nudge = nudge;
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
        return Optional.of(new SupervisordWaker(children, interval, () -> connect(endpoint)).start());
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
        try (RandomAccessFile children = new RandomAccessFile(childrenFile.toFile(), "r")) {
            lastLength = read(children, true);
            if (lastLength < 0) {
                return;
            }
            openStats();
            while (running) {
                Thread.sleep(interval.toMillis());
                nowLength = read(children, false);
                if (nowLength < 0) {
                    return; // supervisord is gone
                }
                if (!Arrays.equals(now, 0, nowLength, last, 0, lastLength)) {
                    byte[] swap = last;
                    last = now;
                    lastLength = nowLength;
                    now = swap;
                    openStats();
                    wake();
                } else if (++looks % ZOMBIE_LOOK_EVERY == 0 && hasZombie()) {
                    wake();
                }
            }
        } catch (InterruptedException e) {
            // closed
        } catch (IOException e) {
            LOG.debug("cannot read {}: {}", childrenFile, e.toString());
        } finally {
            closeStats();
        }
    }

    /** Reads the whole file into {@link #last} or {@link #now}; its length, or -1 when the file is gone. */
    private int read(RandomAccessFile file, boolean intoLast) {
        while (true) {
            byte[] into = intoLast ? last : now;
            int n;
            try {
                file.seek(0);
                n = file.read(into, 0, into.length);
            } catch (IOException e) {
                return -1;
            }
            if (n < into.length) {
                return Math.max(n, 0); // -1: no children, an empty file
            }
            // A list longer than the array (hundreds of programs): read it again into a bigger one.
            if (intoLast) {
                last = new byte[into.length * 2];
            } else {
                now = new byte[into.length * 2];
            }
        }
    }

    private void openStats() {
        closeStats();
        int start = -1;
        for (int i = 0; i <= lastLength; i++) {
            boolean digit = i < lastLength && last[i] >= '0' && last[i] <= '9';
            if (digit && start < 0) {
                start = i;
            } else if (!digit && start >= 0) {
                String pid = new String(last, start, i - start, StandardCharsets.US_ASCII);
                start = -1;
                try {
                    childStats.add(new RandomAccessFile("/proc/" + pid + "/stat", "r"));
                } catch (IOException gone) {
                    // reaped since the list was read: the next look sees the list change
                }
            }
        }
    }

    private void closeStats() {
        for (RandomAccessFile file : childStats) {
            try {
                file.close();
            } catch (IOException ignored) {
                // read-only
            }
        }
        childStats.clear();
    }

    private boolean hasZombie() {
        for (RandomAccessFile file : childStats) {
            int n;
            try {
                file.seek(0);
                n = file.read(stat, 0, stat.length);
            } catch (IOException reaped) {
                return true; // reaped since the list was read: supervisord has an event for us
            }
            // The state follows the command name, which is in parentheses and may itself hold ") ".
            for (int i = n - 3; i > 0; i--) {
                if (stat[i] == ')' && stat[i + 1] == ' ') {
                    if (stat[i + 2] == 'Z') {
                        return true;
                    }
                    break;
                }
            }
        }
        return false;
    }

    SupervisordWaker start() {
        thread.start();
        return this;
    }

    private void wake() {
        if (nudge.getAsBoolean()) {
            wakes++;
        }
    }

    private static boolean connect(SupervisorEndpoint endpoint) {
        try (SocketChannel channel = endpoint.openChannel()) {
            channel.connect(endpoint.socketAddress());
            return true;
        } catch (IOException | RuntimeException e) {
            LOG.debug("cannot nudge supervisord at {}: {}", endpoint.display(), e.toString());
            return false;
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
