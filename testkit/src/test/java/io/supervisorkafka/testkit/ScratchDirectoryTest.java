package io.supervisorkafka.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScratchDirectoryTest {

    @TempDir
    Path parent;

    @Test
    void closingRemovesTheDirectoryAndEverythingInIt() throws Exception {
        Path path;
        try (ScratchDirectory scratch = ScratchDirectory.create(parent, "bench-")) {
            path = scratch.path();
            assertThat(path.getParent()).isEqualTo(parent);
            assertThat(path.getFileName().toString()).startsWith("bench-");
            Files.writeString(Files.createDirectories(scratch.resolve("broker/logs/topic-0")).resolve("00.log"), "x");
            Files.writeString(scratch.resolve("listener.log"), "y");
        }
        assertThat(path).doesNotExist();
        assertThat(parent).isEmptyDirectory();
    }

    @Test
    void closingAfterTheDirectoryWasRemovedIsNoError() throws Exception {
        ScratchDirectory scratch = ScratchDirectory.create(parent, "bench-");
        Files.delete(scratch.path());
        scratch.close();
        assertThat(parent).isEmptyDirectory();
    }

    @Test
    void keptWhenAskedForALookAtTheLogs() throws Exception {
        System.setProperty(ScratchDirectory.KEEP_PROPERTY, "true");
        try {
            ScratchDirectory scratch = ScratchDirectory.create(parent, "bench-");
            Files.writeString(scratch.resolve("listener.log"), "y");
            scratch.close();
            assertThat(scratch.resolve("listener.log")).hasContent("y");
        } finally {
            System.clearProperty(ScratchDirectory.KEEP_PROPERTY);
        }
    }
}
