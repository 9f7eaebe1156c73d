package io.supervisorkafka.testkit;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * A benchmark program's working directory (brokers' logs, spools, state directories, supervisord's files), removed
 * when the program is done with it: a fleet benchmark leaves hundreds of megabytes, and runs add up. JUnit's
 * {@code @TempDir} does this for tests; benchmarks are programs. Declare it first in a try-with-resources so that it
 * is closed last, after every process that writes into it has been stopped, and call {@link #completed()} as the
 * last statement of the block: a run that fails before it keeps its directory, logs and all, and says where it is.
 * {@code -Dbench.keep=true} keeps it always.
 */
public final class ScratchDirectory implements AutoCloseable {

    static final String KEEP_PROPERTY = "bench.keep";

    private final Path path;
    private final boolean keep;
    private boolean completed;

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
        return create(parent, prefix, Boolean.getBoolean(KEEP_PROPERTY));
    }

    static ScratchDirectory create(Path parent, String prefix, boolean keep) throws IOException {
        return new ScratchDirectory(Files.createTempDirectory(parent, prefix), keep);
    }

    /** The run went through: its directory may go. */
    public void completed() {
        completed = true;
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
        if (!completed) {
            System.err.println("kept " + path + ": the run did not complete, its logs are there");
            return;
        }
        try {
            deleteRecursively(path);
        } catch (IOException e) {
            System.err.println("could not remove " + path + ": " + e);
        }
    }

    static void deleteRecursively(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        // Goes on past what it cannot remove (a file a daemon left to root alone), and reports the first such.
        IOException[] first = new IOException[1];
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
                remove(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException failure) {
                keepFirst(failure);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path directory, IOException failure) {
                keepFirst(failure);
                remove(directory);
                return FileVisitResult.CONTINUE;
            }

            private void remove(Path path) {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException e) {
                    keepFirst(e);
                }
            }

            private void keepFirst(IOException failure) {
                if (first[0] == null && failure != null) {
                    first[0] = failure;
                }
            }
        });
        if (first[0] != null) {
            throw first[0];
        }
    }
}
