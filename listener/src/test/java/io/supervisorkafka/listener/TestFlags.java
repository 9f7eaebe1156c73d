package io.supervisorkafka.listener;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The flags of a command line as the listener's own parser hands them to {@link ConfigLoader}, for tests. */
public final class TestFlags {
    private TestFlags() {
    }

    /**
     * The flags given by {@code args}, parsed as {@code ListenerMain} parses them. A flag followed by a null value is
     * left out, so tests can pass optional values as they are.
     */
    public static Map<ListenerOption, String> parse(String... args) {
        List<String> given = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i] == null) {
                continue;
            }
            if (args[i].startsWith("--") && i + 1 < args.length && args[i + 1] == null) {
                i++;
                continue;
            }
            given.add(args[i]);
        }
        return ListenerMain.givenFlags(ListenerMain.commandLine(new ListenerMain(null, null))
                .parseArgs(given.toArray(String[]::new)));
    }
}
