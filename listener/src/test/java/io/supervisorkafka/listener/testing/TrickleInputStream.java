package io.supervisorkafka.listener.testing;

import java.io.ByteArrayInputStream;
import java.io.InputStream;

/** Hands out at most {@code chunk} bytes per read, to split UTF-8 sequences and lines across reads. */
public final class TrickleInputStream extends InputStream {
    private final ByteArrayInputStream in;
    private final int chunk;

    public TrickleInputStream(byte[] bytes, int chunk) {
        this.in = new ByteArrayInputStream(bytes);
        this.chunk = chunk;
    }

    @Override
    public int read() {
        return in.read();
    }

    @Override
    public int read(byte[] b, int off, int len) {
        return in.read(b, off, Math.min(len, chunk));
    }
}
