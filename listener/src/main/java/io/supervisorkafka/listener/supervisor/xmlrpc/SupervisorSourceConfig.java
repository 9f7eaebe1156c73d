package io.supervisorkafka.listener.supervisor.xmlrpc;

import io.supervisorkafka.listener.ListenerOption;
import io.supervisorkafka.listener.OptionGroup;
import io.supervisorkafka.listener.OptionResolver;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The supervisord source: where its XML-RPC interface is, how to log in, how often to take a snapshot, how long a
 * snapshot may take, and how often to look for a reason to wake supervisord. Its options are declared here.
 *
 * @param endpoint         the XML-RPC endpoint, or null when unknown (snapshots are then off)
 * @param credentials      basic-auth credentials, or null
 * @param snapshotInterval time between snapshots; zero turns snapshots off
 * @param rpcTimeout       the deadline of one snapshot, from its first call: connect, request and the whole
 *                         response of every call must be done by then
 * @param wakeInterval     how often supervisord's children are checked to wake it when one exits or starts
 *                         ({@link SupervisordWaker}); zero turns it off
 * @param exits            whether each exit event is followed by a {@code supervisor.process-exits} record
 *                         ({@link ExitContextCollector})
 * @param exitTailBytes    how many bytes of the process's output an exit record carries at most; 0 none
 * @param exitWatch        whether the waker learns of a child's death from a {@link ChildExitWatch} (a Python
 *                         helper's pidfds) rather than by looking for zombies periodically
 */
public record SupervisorSourceConfig(SupervisorEndpoint endpoint, Credentials credentials, Duration snapshotInterval,
                                     Duration rpcTimeout, Duration wakeInterval, boolean exits, int exitTailBytes,
                                     boolean exitWatch) {

    public static final OptionGroup OPTIONS = new OptionGroup("supervisord source (XML-RPC snapshots, exit records)",
            "Events come from supervisord's eventlistener protocol and need no option; these are the XML-RPC"
                    + " snapshots, the records of why a process exited, and the wake-up of supervisord's loop.");
    public static final ListenerOption URL = OPTIONS.add(ListenerOption.key("listener.supervisor.url")
            .flag("--supervisor-url", "URL").env("SUPERVISOR_SERVER_URL")
            .shownDefault("none, snapshots off (supervisord sets `SUPERVISOR_SERVER_URL` for its listeners)")
            .description("supervisord's XML-RPC endpoint: `unix:///path/supervisor.sock` or `http://host:port[/path]`"
                    + " (`/RPC2` when no path). Needs supervisord's `[unix_http_server]` or `[inet_http_server]` and"
                    + " `[rpcinterface:supervisor]`."));
    public static final ListenerOption USERNAME = OPTIONS.add(ListenerOption.key("listener.supervisor.username")
            .env("SUPERVISOR_USERNAME")
            .description("Basic-auth user of the XML-RPC endpoint (`http://user:pass@host:port` works too)."));
    public static final ListenerOption PASSWORD = OPTIONS.add(ListenerOption.key("listener.supervisor.password")
            .env("SUPERVISOR_PASSWORD")
            .description("Basic-auth password. Never logged, never in records or error messages."));
    public static final ListenerOption SNAPSHOT_INTERVAL = OPTIONS.add(ListenerOption.key("listener.snapshot.interval")
            .flag("--snapshot-interval", "DURATION").defaultValue("30s")
            .description("Time between XML-RPC snapshots; `0s` turns them off."));
    public static final ListenerOption XMLRPC_TIMEOUT = OPTIONS.add(ListenerOption.key("listener.xmlrpc.timeout")
            .flag("--xmlrpc-timeout", "DURATION").defaultValue("10s")
            .description("Deadline of one snapshot from its first call: connecting, sending and reading the complete"
                    + " response of every call."));
    public static final ListenerOption WAKE_INTERVAL = OPTIONS.add(ListenerOption
            .key("listener.supervisor.wake.interval").defaultValue("20ms")
            .description("How often supervisord's children (`/proc/PID/task/PID/children`) are checked. When one"
                    + " exits or starts, the listener connects to supervisord's socket and closes the connection,"
                    + " which wakes supervisord's loop: the event is dispatched at once instead of up to 1 s later."
                    + " When supervisord logs to a file the listener can watch, it checks when that log is written"
                    + " (supervisord logs each exit and spawn) and otherwise at every fifth interval only, for what"
                    + " the log does not show yet (a child reaped late, a zombie). `0s` turns it off."));
    public static final ListenerOption EXIT_WATCH = OPTIONS.add(ListenerOption
            .key("listener.supervisor.wake.exit-watch").defaultValue("true")
            .description("While supervisord's main log is watched, learn of a child's death at once, without polling,"
                    + " from a helper process that waits on the children's pidfds: `child_exit_watch.py`, run by the"
                    + " Python that runs supervisord (Linux 5.3 and Python 3.9 or later; otherwise, and with `false`,"
                    + " the listener looks for dead children at every fifth wake interval). The helper costs about"
                    + " 9 MB resident and no CPU while nothing exits; it exits with the listener."));

    public static final ListenerOption EXITS = OPTIONS.add(ListenerOption.key("listener.exits")
            .defaultValue("true")
            .description("After each PROCESS_STATE_EXITED, BACKOFF, FATAL and STOPPED event, publish why the process"
                    + " left its run to `supervisor.process-exits`: the exit status or signal and `expected` from"
                    + " supervisord's main log (`readLog`), how long the run lasted, and the tail of its output, fetched"
                    + " off the protocol loop, the event itself never waiting for it (see the supervisor source's"
                    + " README). `false` turns it off."));
    public static final ListenerOption EXITS_TAIL_BYTES = OPTIONS.add(ListenerOption.key("listener.exits.tail.bytes")
            .defaultValue("2KiB")
            .description("At most this many of the last bytes the process wrote to stderr (to stdout when stderr is"
                    + " redirected or empty) go into its exit record, read from its log file or through XML-RPC; `0`"
                    + " leaves the output out. At most 64KiB."));

    /** The largest output tail: exit records stay small, and the XML-RPC answer that may carry it too. */
    public static final int MAX_EXIT_TAIL_BYTES = 64 * 1024;

    /** Without exit records' options: exit records on, with the default tail. */
    public SupervisorSourceConfig(SupervisorEndpoint endpoint, Credentials credentials, Duration snapshotInterval,
                                  Duration rpcTimeout, Duration wakeInterval) {
        this(endpoint, credentials, snapshotInterval, rpcTimeout, wakeInterval, true,
                (int) EXITS_TAIL_BYTES.defaultBytes(), true);
    }

    public SupervisorSourceConfig {
        Objects.requireNonNull(snapshotInterval, "snapshotInterval");
        Objects.requireNonNull(rpcTimeout, "rpcTimeout");
        Objects.requireNonNull(wakeInterval, "wakeInterval");
        if (snapshotInterval.isNegative()) {
            throw new IllegalArgumentException("snapshot interval must not be negative");
        }
        if (rpcTimeout.isNegative() || rpcTimeout.isZero()) {
            throw new IllegalArgumentException("XML-RPC timeout must be positive");
        }
        if (exitTailBytes < 0 || exitTailBytes > MAX_EXIT_TAIL_BYTES) {
            throw new IllegalArgumentException(EXITS_TAIL_BYTES.key() + " must be between 0 and "
                    + MAX_EXIT_TAIL_BYTES + " bytes");
        }
    }

    /** The same source without exit records (no events to follow: the listener runs without supervisord's). */
    public SupervisorSourceConfig withoutExits() {
        return new SupervisorSourceConfig(endpoint, credentials, snapshotInterval, rpcTimeout, wakeInterval, false,
                exitTailBytes, exitWatch);
    }

    public boolean snapshotsEnabled() {
        return endpoint != null && !snapshotInterval.isZero();
    }

    /**
     * The source as the options give it. The credentials: the key, else the environment, else the URL's own.
     *
     * @param notices receives a warning when snapshots are off for want of a URL
     */
    public static SupervisorSourceConfig from(OptionResolver options, List<String> notices) {
        Duration interval = options.duration(SNAPSHOT_INTERVAL);
        Duration timeout = options.duration(XMLRPC_TIMEOUT);
        Duration wake = options.duration(WAKE_INTERVAL);
        boolean exits = options.trueOrFalse(EXITS);
        boolean exitWatch = options.trueOrFalse(EXIT_WATCH);
        long tailBytes = options.bytes(EXITS_TAIL_BYTES);
        if (tailBytes < 0 || tailBytes > MAX_EXIT_TAIL_BYTES) {
            throw new IllegalArgumentException(options.resolve(EXITS_TAIL_BYTES).source() + ": at most "
                    + MAX_EXIT_TAIL_BYTES / 1024 + "KiB, not " + tailBytes + " bytes");
        }
        String url = options.string(URL);
        if (url == null || url.isBlank()) {
            if (!interval.isZero()) {
                notices.add("no supervisor URL (" + URL.flag() + ", " + URL.key() + " or " + URL.env()
                        + "): XML-RPC snapshots are off");
            }
            return new SupervisorSourceConfig(null, null, interval, timeout, wake, exits, (int) tailBytes, exitWatch);
        }
        SupervisorEndpoint.Parsed parsed = SupervisorEndpoint.parse(url);
        Credentials fromUrl = parsed.credentials();
        String username = options.string(USERNAME);
        String password = options.string(PASSWORD);
        if (username == null && fromUrl != null) {
            username = fromUrl.username();
        }
        if (password == null && fromUrl != null) {
            password = fromUrl.password();
        }
        Credentials credentials = username == null || username.isEmpty() ? null
                : new Credentials(username, password == null ? "" : password);
        return new SupervisorSourceConfig(parsed.endpoint(), credentials, interval, timeout, wake, exits,
                (int) tailBytes, exitWatch);
    }
}
