package io.supervisorkafka.listener.testing;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** stdout of an in-process protocol loop, readable while it runs. */
public final class ProtocolOutput extends ByteArrayOutputStream {
    public synchronized String text() {
        return toString(StandardCharsets.UTF_8);
    }
}
