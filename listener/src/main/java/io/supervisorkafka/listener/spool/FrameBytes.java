package io.supervisorkafka.listener.spool;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Writes a spool frame's fields straight into its array, big-endian as {@link java.nio.ByteBuffer} reads them back,
 * without a buffer object per frame; and keeps the UTF-8 bytes of the strings every event's frame repeats (its server
 * id and supervisord instance). The protocol loop frames every event, and what it allocates sets how often a young
 * collection stops it in a burst.
 */
final class FrameBytes {
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    /** The server ids of events, as last encoded. */
    static final RepeatedUtf8 SERVER_IDS = new RepeatedUtf8();
    /** The supervisord instances of events, as last encoded. */
    static final RepeatedUtf8 INSTANCES = new RepeatedUtf8();

    private FrameBytes() {
    }

    /** Writes {@code value} at {@code at}; returns the position after it. */
    static int putInt(byte[] array, int at, int value) {
        INT.set(array, at, value);
        return at + Integer.BYTES;
    }

    /** Writes {@code value} at {@code at}; returns the position after it. */
    static int putLong(byte[] array, int at, long value) {
        LONG.set(array, at, value);
        return at + Long.BYTES;
    }

    /** Writes the length of {@code bytes}, then the bytes, at {@code at}; returns the position after them. */
    static int putBytes(byte[] array, int at, byte[] bytes) {
        return putBytes(array, at, bytes, bytes.length);
    }

    /** Writes {@code length}, then the first {@code length} of {@code bytes}, at {@code at}; returns what follows. */
    static int putBytes(byte[] array, int at, byte[] bytes, int length) {
        int from = putInt(array, at, length);
        System.arraycopy(bytes, 0, array, from, length);
        return from + length;
    }

    /** The UTF-8 bytes of a string that is usually the same as the last one; never modify what it returns. */
    static final class RepeatedUtf8 {
        private record Encoded(String text, byte[] bytes) {
        }

        private volatile Encoded last = new Encoded("", new byte[0]);

        byte[] bytes(String text) {
            Encoded encoded = last;
            if (!encoded.text().equals(text)) {
                encoded = new Encoded(text, text.getBytes(StandardCharsets.UTF_8));
                last = encoded;
            }
            return encoded.bytes();
        }
    }
}
