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
        try (ScratchDirectory scratch = ScratchDirectory.create(parent, "bench-", false)) {
            path = scratch.path();
            assertThat(path.getParent()).isEqualTo(parent);
            assertThat(path.getFileName().toString()).startsWith("bench-");
            Files.writeString(Files.createDirectories(scratch.resolve("broker/logs/topic-0")).resolve("00.log"), "x");
            Files.writeString(scratch.resolve("listener.log"), "y");
            scratch.completed();
        }
        assertThat(path).doesNotExist();
        assertThat(parent).isEmptyDirectory();
    }

    @Test
    void closingAfterTheDirectoryWasRemovedIsNoError() throws Exception {
        ScratchDirectory scratch = ScratchDirectory.create(parent, "bench-", false);
        Files.delete(scratch.path());
        scratch.completed();
        scratch.close();
        assertThat(parent).isEmptyDirectory();
    }

    @Test
    void keptWhenAskedForALookAtTheLogs() throws Exception {
        ScratchDirectory scratch = ScratchDirectory.create(parent, "bench-", true);
        Files.writeString(scratch.resolve("listener.log"), "y");
        scratch.completed();
        scratch.close();
        assertThat(scratch.resolve("listener.log")).hasContent("y");
    }

    @Test
    void keptWhenTheRunDidNotComplete() throws Exception {
        Path log = null;
        try (ScratchDirectory scratch = ScratchDirectory.create(parent, "bench-", false)) {
            log = Files.writeString(scratch.resolve("broker.log"), "why it failed");
            throw new IllegalStateException("the benchmark failed");
        } catch (IllegalStateException expected) {
            assertThat(log).hasContent("why it failed");
        }
    }
}
