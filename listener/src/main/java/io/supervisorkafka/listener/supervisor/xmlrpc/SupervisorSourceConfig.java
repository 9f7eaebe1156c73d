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
 */
public record SupervisorSourceConfig(SupervisorEndpoint endpoint, Credentials credentials, Duration snapshotInterval,
                                     Duration rpcTimeout, Duration wakeInterval) {

    public static final OptionGroup OPTIONS = new OptionGroup("supervisord source (XML-RPC snapshots)",
            "Events come from supervisord's eventlistener protocol and need no option; these are the XML-RPC"
                    + " snapshots and the wake-up of supervisord's loop.");
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
                    + " `0s` turns it off."));

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
        String url = options.string(URL);
        if (url == null || url.isBlank()) {
            if (!interval.isZero()) {
                notices.add("no supervisor URL (" + URL.flag() + ", " + URL.key() + " or " + URL.env()
                        + "): XML-RPC snapshots are off");
            }
            return new SupervisorSourceConfig(null, null, interval, timeout, wake);
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
        return new SupervisorSourceConfig(parsed.endpoint(), credentials, interval, timeout, wake);
    }
}
