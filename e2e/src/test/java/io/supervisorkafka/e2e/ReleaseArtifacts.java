package io.supervisorkafka.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** The release artifacts the reactor built before this module: {@code dist/target/}'s tarball and Debian package. */
final class ReleaseArtifacts {
    private ReleaseArtifacts() {
    }

    static Path tarball() throws IOException {
        return theOne("supervisor-kafka-*.tar.gz");
    }

    static Path debianPackage() throws IOException {
        return theOne("supervisor-kafka_*_all.deb");
    }

    private static Path theOne(String glob) throws IOException {
        Path dir = Checkout.root().resolve("dist/target");
        List<Path> found;
        try (Stream<Path> files = Files.isDirectory(dir) ? Files.list(dir) : Stream.empty()) {
            var matcher = dir.getFileSystem().getPathMatcher("glob:" + glob);
            found = files.filter(f -> matcher.matches(f.getFileName())).toList();
        }
        if (found.size() != 1) {
            throw new IllegalStateException("expected one " + glob + " in " + dir + " (build with ./mvnw package), found "
                    + found);
        }
        return found.get(0);
    }
}
