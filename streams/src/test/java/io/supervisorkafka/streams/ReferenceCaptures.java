package io.supervisorkafka.streams;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The reference captures of the real components, test resources under {@code /reference/}: they are kept once,
 * beside the listener's tests in {@code listener/src/test/resources/}, and {@code streams/pom.xml} declares them as
 * test resources of this module.
 */
public final class ReferenceCaptures {

    private ReferenceCaptures() {
    }

    /** The text of a capture, e.g. {@code /reference/docker/dockerd-20.10-metrics.txt}. */
    public static String read(String resource) {
        try (InputStream in = ReferenceCaptures.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("test resource " + resource + " is missing (see streams/pom.xml)");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
