package io.supervisorkafka.listener;

import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.InputStream;
import java.io.ObjectInputFilter;
import java.io.OutputStream;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Spec;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The {@code [eventlistener:kafka]} process: supervisord events and XML-RPC snapshots to Kafka through a local spool.
 *
 * <p>stdout carries the eventlistener protocol and nothing else: the protocol stream is taken from file descriptor 1
 * before anything else runs, and {@code System.out} is pointed at stderr so that no library can write a stray byte
 * into it. Logs go to stderr.
 */
@Command(name = ListenerMain.NAME, mixinStandardHelpOptions = true, versionProvider = ListenerMain.Version.class,
        usageHelpAutoWidth = true, usageHelpWidth = 100, abbreviateSynopsis = true,
        description = {"supervisord eventlistener: publishes every event to the Kafka topic supervisor.events and"
                + " XML-RPC snapshots to supervisor.snapshots, through an on-disk spool that survives broker outages"
                + " and restarts; optional sources (gunicorn, the Docker engine) publish through the same spool.",
                "Run it as [eventlistener:kafka] with stdout for the protocol (help and logs go to stderr). For each"
                + " setting: the flag, else the --config file's key, else the environment variable, else the"
                + " default."},
        footer = {"", "Durations: 500ms, 30s, 5m, 1h or PT30S. Sizes: bytes, or with k, m, g (binary): 256m, 256MiB.",
                "The config file's keys other than listener.* are Kafka producer properties, passed unchanged.",
                "Exit codes: 0 stdin closed; 1 spool or pipe failure; 2 bad configuration; 3 protocol broken."})
public final class ListenerMain implements Callable<Integer> {
    static final String NAME = "supervisor-kafka-listener";

    @Spec
    CommandSpec spec;

    private final InputStream protocolIn;
    private final OutputStream protocolOut;

    ListenerMain(InputStream protocolIn, OutputStream protocolOut) {
        this.protocolIn = protocolIn;
        this.protocolOut = protocolOut;
    }

    public static void main(String[] args) {
        // Before anything else: after this, only the protocol writer can reach file descriptor 1.
        OutputStream protocolOut = new FileOutputStream(FileDescriptor.out);
        InputStream protocolIn = new FileInputStream(FileDescriptor.in);
        System.setOut(System.err);
        System.setIn(InputStream.nullInputStream());
        configureLogging();
        // The listener never needs Java deserialization; refuse it JVM-wide, whatever a library might attempt.
        ObjectInputFilter.Config.setSerialFilter(info -> ObjectInputFilter.Status.REJECTED);

        CommandLine commandLine = commandLine(new ListenerMain(protocolIn, protocolOut));
        commandLine.setOut(new java.io.PrintWriter(System.err, true));
        commandLine.setErr(new java.io.PrintWriter(System.err, true));
        int exitCode = commandLine.execute(args);
        System.exit(exitCode);
    }

    /** The command line: a flag for every option that has one ({@link ConfigLoader#OPTIONS}), and the help. */
    static CommandLine commandLine(ListenerMain main) {
        CommandLine commandLine = new CommandLine(main);
        for (OptionGroup group : ConfigLoader.OPTIONS) {
            for (ListenerOption option : group.options()) {
                if (option.flag() == null) {
                    continue;
                }
                OptionSpec.Builder flag = OptionSpec.builder(option.flag());
                if (option.isSwitch()) {
                    flag.arity("0").type(boolean.class);
                } else {
                    flag.arity("1").type(String.class).paramLabel(option.paramLabel());
                }
                commandLine.getCommandSpec().addOption(flag.build());
            }
        }
        ListenerHelp.install(commandLine);
        commandLine.setParameterExceptionHandler(ListenerMain::usageError);
        return commandLine;
    }

    /** A mistake on the command line: one line, as for a bad value, instead of the whole help. */
    private static int usageError(ParameterException e, String[] args) {
        String message = e.getMessage();
        if (e instanceof UnmatchedArgumentException unmatched && !unmatched.getSuggestions().isEmpty()) {
            message += "; did you mean " + String.join(" or ", unmatched.getSuggestions()) + "?";
        }
        e.getCommandLine().getErr().println(NAME + ": " + message + " (see --help)");
        return e.getCommandLine().getCommandSpec().exitCodeOnInvalidInput();
    }

    /** The flags given, by option; a switch given is {@code "true"}. */
    static Map<ListenerOption, String> givenFlags(ParseResult parsed) {
        Map<ListenerOption, String> given = new HashMap<>();
        for (OptionGroup group : ConfigLoader.OPTIONS) {
            for (ListenerOption option : group.options()) {
                OptionSpec matched = option.flag() == null ? null : parsed.matchedOption(option.flag());
                if (matched != null) {
                    Object value = matched.getValue(); // a switch's is Boolean.TRUE
                    given.put(option, String.valueOf(value));
                }
            }
        }
        return given;
    }

    @Override
    public Integer call() {
        ListenerConfig config;
        try {
            config = ConfigLoader.load(givenFlags(spec.commandLine().getParseResult()), System.getenv(),
                    ConfigLoader.hostName());
        } catch (IllegalArgumentException e) {
            System.err.println(NAME + ": " + e.getMessage());
            return 2;
        }
        Listener listener = Listener.create(config);
        // supervisord stops the listener with SIGTERM: let the spool be fsynced and the shipper drain briefly.
        Runtime.getRuntime().addShutdownHook(new Thread(listener::close, "listener-shutdown"));
        int exitCode;
        if (config.withoutEventListener()) {
            exitCode = listener.runWithoutEventListener();
        } else {
            // Here, not in Listener.run: this is the JVM's main thread, the loop's alone for the process's life.
            ProtocolThread.becomeProtocolThread(config.protocolPriority());
            exitCode = listener.run(protocolIn, protocolOut);
        }
        listener.close();
        return exitCode;
    }

    /** slf4j-simple reads these when the first logger is created: stderr, INFO, Kafka's chatter at WARN. */
    static void configureLogging() {
        setDefault("org.slf4j.simpleLogger.logFile", "System.err");
        setDefault("org.slf4j.simpleLogger.defaultLogLevel", "info");
        setDefault("org.slf4j.simpleLogger.log.org.apache.kafka", "warn");
        // Logs every reconnect attempt while the broker is down, and an ERROR per attempt while Kafka refuses the
        // credentials; the shipper reports failed deliveries and refusals itself, refusals once a minute.
        setDefault("org.slf4j.simpleLogger.log.org.apache.kafka.clients.NetworkClient", "off");
        // Jetty (the docker plugin endpoints) announces its version and every start and stop at INFO.
        setDefault("org.slf4j.simpleLogger.log.org.eclipse.jetty", "warn");
        setDefault("org.slf4j.simpleLogger.showDateTime", "true");
        setDefault("org.slf4j.simpleLogger.dateTimeFormat", "yyyy-MM-dd'T'HH:mm:ss.SSSXXX");
        setDefault("org.slf4j.simpleLogger.showThreadName", "true");
        setDefault("org.slf4j.simpleLogger.showShortLogName", "true");
    }

    private static void setDefault(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }

    /** The version from the build (version.properties is filtered by Maven). */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() throws Exception {
            java.util.Properties properties = new java.util.Properties();
            try (InputStream in = ListenerMain.class.getResourceAsStream("/supervisor-kafka-listener.properties")) {
                if (in != null) {
                    properties.load(in);
                }
            }
            return new String[] {"supervisor-kafka-listener " + properties.getProperty("version", "unknown")};
        }
    }
}
