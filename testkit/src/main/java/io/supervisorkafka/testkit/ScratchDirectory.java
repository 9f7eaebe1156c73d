package io.supervisorkafka.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * A benchmark program's working directory (brokers' logs, spools, state directories, supervisord's files), removed
 * when the program is done with it: a fleet benchmark leaves hundreds of megabytes, and runs add up. JUnit's
 * {@code @TempDir} does this for tests; benchmarks are programs. Declare it first in a try-with-resources so that it
 * is closed last, after every process that writes into it has been stopped. {@code -Dbench.keep=true} keeps it for
 * a look at the logs, and says where it is.
 */
public final class ScratchDirectory implements AutoCloseable {

    static final String KEEP_PROPERTY = "bench.keep";

    private final Path path;
    private final boolean keep;

    private ScratchDirectory(Path path, boolean keep) {
        this.path = path;
        this.keep = keep;
    }

    /** A new directory under the system's temporary directory, its name starting with {@code prefix}. */
    public static ScratchDirectory create(String prefix) throws IOException {
        return new ScratchDirectory(Files.createTempDirectory(prefix), Boolean.getBoolean(KEEP_PROPERTY));
    }

    /** The same under {@code parent}: where a Unix socket's path must stay short, {@code /tmp}. */
    public static ScratchDirectory create(Path parent, String prefix) throws IOException {
        return new ScratchDirectory(Files.createTempDirectory(parent, prefix), Boolean.getBoolean(KEEP_PROPERTY));
    }

    public Path path() {
        return path;
    }

    public Path resolve(String other) {
        return path.resolve(other);
    }

    @Override
    public void close() {
        if (keep) {
            System.err.println("kept " + path + " (-D" + KEEP_PROPERTY + "=true)");
            return;
        }
        try {
            deleteRecursively(path);
        } catch (IOException | UncheckedIOException e) {
            System.err.println("could not remove " + path + ": " + e);
        }
    }

    static void deleteRecursively(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                Files.deleteIfExists(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path directory, IOException failure) throws IOException {
                if (failure != null) {
                    throw failure;
                }
                Files.deleteIfExists(directory);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
