package io.supervisorkafka.listener;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * {@code docs/listener-options.md} is generated from the option definitions ({@link ConfigLoader#OPTIONS}): this test
 * renders it and fails when the committed file differs. Regenerate it with
 * {@code ./mvnw -B -pl listener -am test -Dtest=ListenerOptionsDocTest -Dgolden.update=true
 * -Dsurefire.failIfNoSpecifiedTests=false}.
 */
class ListenerOptionsDocTest {
    /** Surefire runs the tests in the module's directory. */
    private static final Path REFERENCE = Path.of(System.getProperty("basedir", "")).toAbsolutePath()
            .resolveSibling("docs").resolve("listener-options.md");

    @Test
    void theCommittedReferenceIsTheOneTheOptionDefinitionsGive() throws IOException {
        String rendered = render();
        if (Boolean.getBoolean("golden.update")) {
            Files.createDirectories(REFERENCE.getParent());
            Files.writeString(REFERENCE, rendered, StandardCharsets.UTF_8);
        }
        assertThat(REFERENCE).as("run with -Dgolden.update=true to create it").exists();
        String committed = Files.readString(REFERENCE, StandardCharsets.UTF_8);
        String outOfDate = REFERENCE + " is out of date: run with -Dgolden.update=true and commit the result";
        assertThat(committed.lines()).as(outOfDate).containsExactlyElementsOf(rendered.lines().toList());
        assertThat(committed).as(outOfDate).isEqualTo(rendered);
    }

    static String render() {
        StringBuilder doc = new StringBuilder("""
                # Listener options

                <!-- Generated from the listener's option definitions by ListenerOptionsDocTest: do not edit. Regenerate:
                ./mvnw -B -pl listener -am test -Dtest=ListenerOptionsDocTest -Dgolden.update=true -Dsurefire.failIfNoSpecifiedTests=false -->

                Every option of `bin/supervisor-kafka listener` (and of `bin/supervisor-kafka docker-plugin`, which adds
                `--no-eventlistener --docker-plugin`); `--help` prints the same. For each setting the listener takes the
                flag, else the `--config` file's key, else the environment variable, else the default.

                The config file is a Java properties file. The `listener.*` keys below are the listener's own, and an
                unknown one is an error (a typo does not pass silently); every other key is a Kafka producer property,
                passed to the producer unchanged: see [Config file](../listener/README.md#config-file).

                Durations: `500ms`, `30s`, `5m`, `1h` or ISO-8601 (`PT30S`). Sizes: bytes, or `k`, `m`, `g` (binary:
                `256m`, `256MiB`).
                """);
        for (OptionGroup group : ConfigLoader.OPTIONS) {
            doc.append("\n## ").append(group.title()).append("\n\n");
            if (group.about() != null) {
                doc.append(group.about()).append("\n\n");
            }
            doc.append("| option | config file key | environment | default | meaning |\n");
            doc.append("| --- | --- | --- | --- | --- |\n");
            for (ListenerOption option : group.options()) {
                doc.append("| ").append(option.flag() == null ? ""
                                : code(option.isSwitch() ? option.flag() : option.flag() + " " + option.paramLabel()))
                        .append(" | ").append(option.key() == null ? ""
                                : code(option.isSwitch() ? option.key() + "=true" : option.key()))
                        .append(" | ").append(option.env() == null ? "" : code(option.env()))
                        .append(" | ").append(option.shownDefault() != null ? cell(option.shownDefault())
                                : option.defaultValue() != null ? code(option.defaultValue()) : "")
                        .append(" | ").append(cell(option.description())).append(" |\n");
            }
        }
        return doc.toString();
    }

    private static String code(String text) {
        return cell("`" + text + "`");
    }

    /** A table cell: a pipe would end it. */
    private static String cell(String text) {
        return text.replace("|", "\\|");
    }
}
