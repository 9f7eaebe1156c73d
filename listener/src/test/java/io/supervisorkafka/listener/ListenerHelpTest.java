package io.supervisorkafka.listener;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code --help}: every option from its definition, wrapped at spaces only, on a usable width. */
class ListenerHelpTest {
    private static final int WIDTH = 100;

    private static String help() {
        // Not a terminal here: the configured width applies.
        return ListenerMain.commandLine(new ListenerMain(null, null)).getUsageMessage();
    }

    @Test
    void namesAreNeverBrokenAcrossLines() {
        String help = help();
        assertThat(help).contains("supervisor.events", "supervisor.snapshots", "unix:///path/supervisor.sock",
                "${java.io.tmpdir}/supervisor-kafka-spool-<server>", "http://HOST:PORT[/PATH]",
                "unix:///run/docker/metrics.sock", "/run/docker/plugins/supervisor-kafka.sock",
                "listener.server.id.from.identification=true", "-h, --help", "-V, --version");
        ConfigLoader.OPTIONS.forEach(group -> group.options().forEach(option -> {
            for (String name : new String[] {option.flag(), option.key(), option.env()}) {
                if (name != null) {
                    assertThat(help).as("%s whole", name).contains(name);
                }
            }
        }));
    }

    @Test
    void linesFitTheWidthUnlessOneWordIsLonger() {
        for (String line : help().split("\n")) {
            if (line.length() > WIDTH) {
                assertThat(line.trim()).as("a line over %d characters is a single word", WIDTH).doesNotContain(" ");
            }
        }
    }

    @Test
    void wrappingBreaksAtSpacesOnly() {
        assertThat(ListenerHelp.wrap("see unix:///run/supervisor-kafka/statsd.sock and supervisor.events", "  ", 20))
                .containsExactly("  see", "  unix:///run/supervisor-kafka/statsd.sock", "  and", "  supervisor.events");
        assertThat(ListenerHelp.wrap("a b c", "", 3)).isEqualTo(List.of("a b", "c"));
    }
}
