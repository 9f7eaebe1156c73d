package io.supervisorkafka.listener.supervisor.xmlrpc;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;
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
 * <p>When it can, it looks a fifth as often and nudges sooner: supervisord writes a line to its main log when it
 * reaps a child ({@code exited:}, after queueing the event) or spawns one ({@code spawned:}), so the waker waits for
 * writes to that file (inotify, through the JDK's {@link WatchService}) and looks then, and otherwise only at every
 * {@link #WATCHED_LOOK_EVERY}th interval; the nudge follows a logged reap at once instead of up to an interval
 * later. The main log is the first regular file supervisord holds open for appending below its first socket
 * ({@link #mainLog}: it opens it before its sockets and any child's log). It polls every {@code interval} instead
 * when that file cannot be found or watched (a log to syslog or {@code /dev/stdout}, or supervisord's
 * {@code /proc/PID/fd} not readable by the listener's user), and switches to polling for good when the log's
 * directory (which usually holds the children's output logs too) is written more often than it would
 * look. What the log does not show (a child reaped a turn late, a zombie whose pipes something else still holds, and
 * at {@code loglevel=warn} or higher the expected exits and the spawns) waits for the next periodic look.
 *
 * <p>What the periodic look is for, a child that died while the log says nothing, a pidfd tells without polling; Java
 * 17 cannot open one, so a {@link ChildExitWatch} (a Python helper) does, and while it runs the looks without a
 * reason come once every {@link #EXIT_WATCHED_LOOK}. Keeping a {@code /mainlogtail} request open instead makes
 * supervisord take one more turn after a wake-up, but only when its last look at that request is over 100 ms old, and
 * not when it reaps the child one turn late: 12 of 30 kills were then dispatched at once, the others after a second.
 */
public final class SupervisordWaker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SupervisordWaker.class);
    /** The longest /proc/PID/stat line: a 64-character command name and 52 numbers of up to 20 digits. */
    private static final int STAT_BYTES = 1200;
    /**
     * Polling, children are checked for zombies at every this many looks. A child that dies closes its pipes, which
     * wakes supervisord, which reaps it then or, when it got there before the child was a zombie, in its next turn
     * (up to a second later); the list changes and the next look sees it. A zombie lasts when supervisord was that
     * quick (a quarter of the kills in a test), or when something else holds the child's pipes open (a process it
     * started): those wait a few looks.
     */
    private static final int ZOMBIE_LOOK_EVERY = 5;
    /**
     * While the main log is watched, a look (with zombies) at every this many intervals even when it is not written:
     * supervisord often handles the closed pipes of a dying child before the child is a zombie, and then reaps it
     * (and logs {@code exited:}) only in its next turn, up to a second later: a quarter of the kills in a test of 60.
     * Polling, zombies were looked for at every fifth look too, so that case keeps its delay, and the other looks
     * are the log's writes.
     */
    static final int WATCHED_LOOK_EVERY = ZOMBIE_LOOK_EVERY;

    /**
     * How long the log's directory is watched before its writes are compared with the looks polling would make:
     * more wake-ups than that switches to polling.
     */
    static final Duration BUSY_WINDOW = Duration.ofSeconds(10);

    /**
     * While the main log is watched and children's deaths are told by a {@link ChildExitWatch}: the longest time
     * between two looks even when neither says anything. The looks are then for what neither tells: a child spawned
     * while supervisord logs nothing about spawns ({@code loglevel=warn}), to be watched. Until then such a child's
     * death waits for supervisord's own turn (it polls with a one-second timeout), as it would without the listener;
     * a look costs a quiet host's listener ~250 us, a tenth of its CPU at one a second (QuietHostBenchmark).
     */
    static final Duration EXIT_WATCHED_LOOK = Duration.ofSeconds(5);
    /**
     * After a nudge, this many looks follow at the watched cadence ({@link #WATCHED_LOOK_EVERY} intervals), whatever
     * tells of the next change: supervisord dispatches the event of a reap only in its next turn, and does not log an
     * expected exit at {@code loglevel=warn}.
     */
    static final int LOOKS_AFTER_A_NUDGE = 10;

    private final Path childrenFile;
    /** supervisord's main log, watched instead of polling; null: poll. */
    private final Path mainLog;
    /** The Python that runs the child-exit watch; null: none, zombies are looked for periodically. */
    private final String python;
    private volatile ChildExitWatch exitWatch;
    private int looksAfterANudge;
    /** Connects to supervisord's socket and closes the connection; true when it could. */
    private final BooleanSupplier nudge;
    private final Duration interval;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile long wakes;
    private volatile boolean watching;
    /**
     * Set by the log's thread when the main log was written and by the child-exit watch when a child died, cleared
     * by this thread before it looks.
     */
    private volatile boolean lookWanted;
    /** What set {@link #lookWanted} last: {@link Look#LOG_WRITTEN} or {@link Look#CHILD_EXITED}. */
    private volatile Look wantedBy = Look.PERIODIC;
    private long looks;
    /** Looks taken, by what brought them ({@link Look}'s order); read by tests to tell why a wake-up came. */
    private final AtomicLongArray looksBy = new AtomicLongArray(Look.values().length);
    private volatile WatchService watch;
    /**
     * Waits for the log's writes ({@code supervisord-log}): a blocking wait on the WatchService's queue, so that
     * this thread's periodic look is a plain park. Waiting on the queue with a timeout cost ~50 us more a look.
     */
    private Thread logThread;
    private long windowStart;
    private long windowWakeUps;
    /** The children list as last read ({@code lastLength} bytes), and the one being read: swapped after each look. */
    private byte[] last = new byte[4096];
    private int lastLength;
    private byte[] now = new byte[4096];
    private int nowLength;
    private final byte[] stat = new byte[STAT_BYTES];
    /** The stat file of each child in {@link #last}. */
    private final List<RandomAccessFile> childStats = new ArrayList<>();

    /**
     * Watches the children listed in {@code childrenFile}, looking when {@code mainLog} is written or, when it is
     * null, every {@code interval}; {@link #start()} starts the thread.
     */
    SupervisordWaker(Path childrenFile, Path mainLog, Duration interval, BooleanSupplier nudge) {
        this(childrenFile, mainLog, null, interval, nudge);
    }

    /**
     * As above, and with {@code python} (when not null) running a {@link ChildExitWatch} that tells at once when a
     * child dies: while it runs and the main log is watched, nothing is looked at periodically but once every
     * {@link #EXIT_WATCHED_LOOK}.
     */
    SupervisordWaker(Path childrenFile, Path mainLog, String python, Duration interval, BooleanSupplier nudge) {
        this.childrenFile = childrenFile;
        this.mainLog = mainLog;
        this.python = python;
        this.nudge = nudge;
        this.interval = interval;
        this.thread = new Thread(this::run, "supervisord-waker");
        this.thread.setDaemon(true);
    }

    /**
     * The supervisord this process is a child of: its pid, and its main log ({@link #mainLog}), null when it has none
     * this process can find.
     */
    record Parent(long pid, Path mainLog) {
        /** The supervisord that is our parent, or empty when our parent is not one. */
        static Optional<Parent> ofThisProcess() {
            return ProcessHandle.current().parent().map(ProcessHandle::pid).filter(SupervisordWaker::isSupervisord)
                    .map(pid -> new Parent(pid,
                            SupervisordWaker.mainLog(Path.of("/proc", Long.toString(pid))).orElse(null)));
        }
    }

    /**
     * A started waker for {@code parent}, or empty when that is not possible here; with {@code exitWatch}, told of
     * its children's deaths by a {@link ChildExitWatch} while it watches the main log.
     */
    static Optional<SupervisordWaker> startForParent(Parent parent, SupervisorEndpoint endpoint, Duration interval,
                                                     boolean exitWatch) {
        if (endpoint == null || interval.isZero() || interval.isNegative()) {
            return Optional.empty();
        }
        long pid = parent.pid();
        Path children = Path.of("/proc", Long.toString(pid), "task", Long.toString(pid), "children");
        if (!Files.isReadable(children)) {
            LOG.info("no {} on this kernel: supervisord's events may reach us up to 1 s after a child exits",
                    children);
            return Optional.empty();
        }
        return Optional.of(new SupervisordWaker(children, parent.mainLog(), exitWatch ? ChildExitWatch.pythonOf(pid) : null,
                interval, () -> connect(endpoint)).start());
    }

    /**
     * supervisord's main log: the regular file it holds open for appending with the lowest descriptor, below its
     * first socket (it opens its log, then its HTTP servers' sockets, then spawns the children and opens their logs).
     * Its standard output counts only when no such file comes after it: with {@code nodaemon} redirected to a file, it
     * echoes the log unless {@code silent}, but the log file has every line. Empty when there is none (syslog, a
     * terminal, {@code /dev/stdout}) or its descriptors cannot be read (another user's process).
     */
    static Optional<Path> mainLog(Path procDir) {
        List<Integer> descriptors = new ArrayList<>();
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(procDir.resolve("fd"))) {
            for (Path fd : fds) {
                try {
                    descriptors.add(Integer.parseInt(fd.getFileName().toString()));
                } catch (NumberFormatException ignored) {
                    // not a descriptor
                }
            }
        } catch (IOException | SecurityException e) {
            return Optional.empty();
        }
        descriptors.sort(null);
        Path standard = null;
        for (int fd : descriptors) {
            try {
                Path target = Files.readSymbolicLink(procDir.resolve("fd").resolve(Integer.toString(fd)));
                if (target.toString().startsWith("socket:")) {
                    break; // the files after it are the children's logs
                }
                if (target.isAbsolute() && appendsTo(procDir.resolve("fdinfo").resolve(Integer.toString(fd)))
                        && Files.isRegularFile(target)) {
                    if (fd > 2) {
                        return Optional.of(target);
                    }
                    standard = standard == null ? target : standard;
                }
            } catch (IOException | SecurityException | UnsupportedOperationException closed) {
                // closed meanwhile, or not readable: the next one
            }
        }
        return Optional.ofNullable(standard);
    }

    /** Whether the descriptor's {@code fdinfo} says it was opened for writing, appending (O_WRONLY|O_APPEND). */
    private static boolean appendsTo(Path fdinfo) throws IOException {
        for (String line : Files.readAllLines(fdinfo, StandardCharsets.US_ASCII)) {
            if (line.startsWith("flags:")) {
                int flags = Integer.parseInt(line.substring("flags:".length()).trim(), 8);
                return (flags & O_APPEND) != 0 && (flags & O_ACCMODE) != 0;
            }
        }
        return false;
    }

    private static final int O_APPEND = 02000;
    private static final int O_ACCMODE = 03;

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
            startWatching();
            if (python != null && watching) {
                exitWatch = ChildExitWatch.start(python, pid -> lookNow()).orElse(null);
                watchExits();
            }
            while (running) {
                awaitNextLook();
                if (!watching && exitWatch != null) {
                    // Polling from now on (the log's directory is busy, or gone): the watch would save no look.
                    exitWatch.close();
                    exitWatch = null;
                }
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
                    watchExits();
                    wake();
                } else if ((watching || ++looks % ZOMBIE_LOOK_EVERY == 0) && hasZombie()) {
                    wake();
                }
            }
        } catch (InterruptedException e) {
            // closed
        } catch (IOException e) {
            LOG.debug("cannot read {}: {}", childrenFile, e.toString());
        } finally {
            closeStats();
            stopWatching();
            if (exitWatch != null) {
                exitWatch.close();
            }
        }
    }

    /** Tells the child-exit watch the children now listed; drops it when it is gone (its thread said so). */
    private void watchExits() {
        if (exitWatch != null && !exitWatch.watch(last, lastLength)) {
            exitWatch.close();
            exitWatch = null;
        }
    }

    /** What brought a look. */
    enum Look { LOG_WRITTEN, CHILD_EXITED, PERIODIC, POLLING }

    /** From another thread: look now (a child died). */
    private void lookNow() {
        wantedBy = Look.CHILD_EXITED;
        lookWanted = true;
        LockSupport.unpark(thread);
    }

    private void startWatching() {
        if (mainLog == null || mainLog.getParent() == null) {
            return;
        }
        try {
            WatchService service = mainLog.getFileSystem().newWatchService();
            watch = service;
            // CREATE too: a rotated log is a new file of the same name.
            mainLog.getParent().register(service, StandardWatchEventKinds.ENTRY_MODIFY,
                    StandardWatchEventKinds.ENTRY_CREATE);
            windowStart = System.nanoTime();
            watching = true;
            Thread looker = Thread.currentThread();
            logThread = new Thread(() -> watchLog(service, looker), "supervisord-log");
            logThread.setDaemon(true);
            logThread.start();
            LOG.debug("looking at supervisord's children when {} is written", mainLog);
        } catch (IOException | RuntimeException e) {
            LOG.debug("cannot watch {} ({}): looking every {} ms", mainLog, e.toString(), interval.toMillis());
            stopWatching();
        }
    }

    private void stopWatching() {
        watching = false;
        WatchService service = watch;
        watch = null;
        if (service != null) {
            try {
                service.close(); // ends the log's thread
            } catch (IOException ignored) {
                // nothing held
            }
        }
    }

    /** On the log's thread: tells {@code looker} of each write to the main log, until the watch is closed. */
    private void watchLog(WatchService service, Thread looker) {
        try {
            while (watching) {
                WatchKey key = service.take();
                boolean written = false;
                for (WatchEvent<?> event : key.pollEvents()) {
                    written |= event.kind() == StandardWatchEventKinds.OVERFLOW
                            || mainLog.getFileName().equals(event.context());
                }
                if (!key.reset()) {
                    LOG.info("{} is no longer watchable: looking at supervisord's children every {} ms",
                            mainLog.getParent(), interval.toMillis());
                    stopWatching();
                } else if (busy()) {
                    LOG.info("{} is written more often than every {} ms (the children's logs?): looking at"
                            + " supervisord's children every {} ms instead", mainLog.getParent(),
                            interval.toMillis(), interval.toMillis());
                    stopWatching();
                } else if (written) {
                    wantedBy = Look.LOG_WRITTEN;
                    lookWanted = true;
                } else {
                    continue;
                }
                LockSupport.unpark(looker);
            }
        } catch (InterruptedException | ClosedWatchServiceException e) {
            // closed
        }
    }

    /**
     * Watching: until the main log is written or a child dies, or {@link #WATCHED_LOOK_EVERY} intervals pass
     * ({@link #EXIT_WATCHED_LOOK} while a child-exit watch runs and nothing was nudged lately). Polling: one interval.
     */
    private void awaitNextLook() throws InterruptedException {
        if (watching) {
            long wait = interval.toNanos() * WATCHED_LOOK_EVERY;
            if (looksAfterANudge > 0) {
                looksAfterANudge--;
            } else if (exitWatch != null && exitWatch.alive()) {
                wait = Math.max(wait, EXIT_WATCHED_LOOK.toNanos());
            }
            long deadline = System.nanoTime() + wait;
            for (long left = deadline - System.nanoTime(); left > 0 && watching && !lookWanted && running;
                 left = deadline - System.nanoTime()) {
                LockSupport.parkNanos(this, left);
            }
            looksBy.incrementAndGet((lookWanted ? wantedBy : Look.PERIODIC).ordinal());
            lookWanted = false; // before the look: a write during it makes the next look come at once
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
            return;
        }
        Thread.sleep(interval.toMillis());
        looksBy.incrementAndGet(Look.POLLING.ordinal());
    }

    /** On the log's thread: whether the watch woke it more often within the window than polling would look. */
    private boolean busy() {
        windowWakeUps++;
        long elapsed = System.nanoTime() - windowStart;
        long polls = BUSY_WINDOW.toNanos() / Math.max(1, interval.toNanos());
        if (windowWakeUps > polls) {
            return true;
        }
        if (elapsed >= BUSY_WINDOW.toNanos()) {
            windowStart = System.nanoTime();
            windowWakeUps = 0;
        }
        return false;
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
        looksAfterANudge = LOOKS_AFTER_A_NUDGE;
        if (nudge.getAsBoolean()) {
            wakes++;
        }
        if (LOG.isDebugEnabled()) {
            LOG.debug("woke supervisord; looks so far {}", looksByCause());
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
        stopWatching();
    }

    /** Whether it waits for writes to supervisord's main log rather than polling (for tests). */
    boolean watching() {
        return watching;
    }

    /**
     * The looks taken so far by what brought them, e.g. {@code {LOG_WRITTEN=1, PERIODIC=2}} (for tests' failure
     * messages and the debug log: a wake-up nothing should have brought says where it came from).
     */
    String looksByCause() {
        Map<Look, Long> counts = new EnumMap<>(Look.class);
        for (Look look : Look.values()) {
            if (looksBy.get(look.ordinal()) > 0) {
                counts.put(look, looksBy.get(look.ordinal()));
            }
        }
        return counts + (watching ? ", watching" : ", polling");
    }

    /** The child-exit watch's helper pid, while one runs (for tests). */
    OptionalLong exitWatchPid() {
        ChildExitWatch watch = exitWatch;
        return watch != null && watch.alive() ? OptionalLong.of(watch.pid()) : OptionalLong.empty();
    }
}
