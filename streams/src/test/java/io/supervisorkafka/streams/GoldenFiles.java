package io.supervisorkafka.streams;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Files committed as the expected output of the code (the golden outputs of the reference captures, the generated
 * documents), compared with what the code produces now; {@code -Dgolden.update=true} writes them instead.
 */
public final class GoldenFiles {

    /** The one flag that refreshes every golden file. */
    public static final boolean UPDATE = Boolean.getBoolean("golden.update");
    /** How to regenerate them, printed when one differs. */
    public static final String REGENERATE = "./mvnw -B -pl streams -am test -Dtest='GoldenOutputsTest,CatalogDocsTest'"
            + " -Dgolden.update=true -Dsurefire.failIfNoSpecifiedTests=false";

    private GoldenFiles() {
    }

    /** The streams module's directory: Maven runs the tests there and says so in {@code basedir}. */
    public static Path moduleDir() {
        return Path.of(System.getProperty("basedir", "")).toAbsolutePath();
    }

    public static Path repositoryRoot() {
        return moduleDir().getParent();
    }

    /** Compares {@code file} with {@code actual}, or writes it under {@code -Dgolden.update=true}. */
    public static void assertFile(Path file, String actual) {
        if (UPDATE) {
            write(file, actual);
            return;
        }
        String expected = Files.exists(file) ? read(file) : null;
        if (!actual.equals(expected)) {
            fail(describe(file) + (expected == null ? " is missing"
                    : " differs from what the code produces:\n" + difference(lines(expected), lines(actual)))
                    + "\nIf the change is intended, regenerate with:\n  " + REGENERATE);
        }
    }

    /**
     * Compares the JSON-lines files of {@code dir}, one per key of {@code linesByFile}, with those lines in any order,
     * or writes them (and deletes the files of names no longer produced) under {@code -Dgolden.update=true}.
     */
    public static void assertLineFiles(Path dir, Map<String, List<String>> linesByFile) {
        List<String> problems = new ArrayList<>();
        TreeSet<String> present = existingFiles(dir);
        for (Map.Entry<String, List<String>> file : linesByFile.entrySet()) {
            List<String> actual = file.getValue().stream().sorted().toList();
            Path path = dir.resolve(file.getKey());
            present.remove(file.getKey());
            if (UPDATE) {
                write(path, actual.stream().map(line -> line + "\n").collect(Collectors.joining()));
            } else if (!Files.exists(path)) {
                problems.add(describe(path) + " is missing: the code now produces " + actual.size() + " records");
            } else {
                List<String> expected = lines(read(path)).stream().sorted().toList();
                if (!expected.equals(actual)) {
                    problems.add(describe(path) + " differs from what the code produces:\n"
                            + difference(expected, actual));
                }
            }
        }
        for (String stale : present) {
            if (UPDATE) {
                delete(dir.resolve(stale));
            } else {
                problems.add(describe(dir.resolve(stale)) + " is no longer produced");
            }
        }
        if (!problems.isEmpty()) {
            fail(String.join("\n", problems) + "\nIf the change is intended, regenerate with:\n  " + REGENERATE);
        }
    }

    private static String difference(List<String> expected, List<String> actual) {
        List<String> missing = new ArrayList<>(expected);
        actual.forEach(missing::remove);
        List<String> added = new ArrayList<>(actual);
        expected.forEach(added::remove);
        StringBuilder text = new StringBuilder();
        missing.stream().limit(20).forEach(line -> text.append("- ").append(line).append('\n'));
        added.stream().limit(20).forEach(line -> text.append("+ ").append(line).append('\n'));
        if (missing.size() > 20 || added.size() > 20) {
            text.append("(").append(missing.size()).append(" lines gone, ").append(added.size())
                    .append(" lines new in all)\n");
        }
        if (missing.isEmpty() && added.isEmpty()) {
            text.append("(the same lines in another order)\n");
        }
        return text.toString();
    }

    private static TreeSet<String> existingFiles(Path dir) {
        TreeSet<String> names = new TreeSet<>();
        if (Files.isDirectory(dir)) {
            try (Stream<Path> files = Files.list(dir)) {
                files.forEach(file -> names.add(file.getFileName().toString()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return names;
    }

    private static String describe(Path file) {
        return repositoryRoot().relativize(file.toAbsolutePath()).toString();
    }

    private static List<String> lines(String text) {
        List<String> lines = new ArrayList<>(List.of(text.split("\n", -1)));
        if (lines.get(lines.size() - 1).isEmpty()) {
            lines.remove(lines.size() - 1);
        }
        return lines;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void write(Path file, String content) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, content, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void delete(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
