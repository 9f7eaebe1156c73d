package io.supervisorkafka.listener;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes the calling thread the protocol loop's as the host sees it: named {@value #NAME} (what {@code top -H} and
 * {@code ps -L} show) and put in the configured scheduling class ({@link ProtocolPriority}). The class is set by a
 * short-lived thread of its own, so that the loop, which answers READY at once, never waits for {@code chrt}.
 */
public final class ProtocolThread {
    /** The thread's name, and the kernel's (at most 15 characters). */
    public static final String NAME = "protocol-loop";
    private static final Logger LOG = LoggerFactory.getLogger(ProtocolThread.class);

    private ProtocolThread() {
    }

    /** Names the calling thread and starts putting it in that class; a failure is one warning, never an error. */
    public static void becomeProtocolThread(ProtocolPriority priority) {
        Thread.currentThread().setName(NAME);
        if (priority.kind() == ProtocolPriority.Kind.NORMAL) {
            return;
        }
        long tid = currentThreadId();
        if (tid < 0) {
            LOG.warn("cannot put the protocol loop's thread at {}: no /proc/thread-self (not Linux?); it stays at"
                    + " normal priority", priority.described());
            return;
        }
        Thread raiser = new Thread(() -> raise(tid, priority), "protocol-priority");
        raiser.setDaemon(true);
        raiser.start();
    }

    /** The kernel's id of the calling thread, or -1 where {@code /proc/thread-self} does not say (not Linux). */
    static long currentThreadId() {
        try {
            Path self = Files.readSymbolicLink(Path.of("/proc/thread-self")); // PID/task/TID
            return Long.parseLong(self.getFileName().toString());
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private static void raise(long tid, ProtocolPriority priority) {
        for (List<String> command : priority.commands(tid)) {
            BackgroundThreads.CommandOutcome outcome = BackgroundThreads.runBriefly(command);
            if (!outcome.succeeded()) {
                LOG.warn("cannot put the protocol loop's thread at {} ({}: {}); it stays at normal priority, and in a"
                        + " burst supervisord may discard events its buffer_size cannot hold (give the listener root or"
                        + " CAP_SYS_NICE, or set listener.protocol.priority=normal to silence this)",
                        priority.described(), command.get(0), outcome.output());
                return;
            }
        }
        LOG.info("protocol loop's thread {} runs at {}", tid, priority.described());
    }
}
