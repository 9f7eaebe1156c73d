package io.supervisorkafka.listener.supervisor.protocol;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.zip.CRC32C;

/**
 * Finds the events supervisord discarded before the listener could read them, from the {@code poolserial} of the
 * events it did read.
 *
 * <p>supervisord numbers the events of each {@code [eventlistener:x]} pool 0, 1, 2, ... as it queues them
 * (process.py {@code _acceptEvent}); when the pool's buffer ({@code buffer_size}) is full it drops the oldest queued
 * event, whose number is then never seen. So, for a pool with one listener process:
 * <ul>
 * <li>the next serial after {@code n} is {@code n + 1}; {@code n + k} means {@code k - 1} events were discarded;</li>
 * <li>{@code n} again is the event that was in flight when the previous listener process died, which supervisord
 * sends again (a redelivery, not a gap);</li>
 * <li>a serial below {@code n} is a new pool: supervisord restarted or reloaded, and a new pool counts from 0 again.
 * The decrease is not a gap, but the serials below the first one received in the new pool are: supervisord discarded
 * them while the listener was starting. The same holds when the last serial seen belongs to an earlier run of
 * supervisord (another {@code instance}).</li>
 * </ul>
 * The last serial seen is kept in a small file (in the spool directory), written with one positional write before
 * the event is acknowledged, like the spool's own appends: it survives {@code kill -9} and restarts of the listener.
 * Without that file (the listener's first start, or a spool directory new to it) the first event sets the baseline.
 *
 * <p>Used by the protocol loop only: not thread-safe, and it never logs.
 */
public final class PoolSerials implements AutoCloseable {
    /** The file's name in the spool directory. */
    public static final String FILE_NAME = "poolserial";

    private static final int MAGIC = 0x534b5053; // "SKPS"
    private static final int MAX_TEXT_BYTES = 4096;

    /**
     * The events discarded before one that was received.
     *
     * @param pool     the pool
     * @param lost     how many serials were never received
     * @param first    the first serial lost
     * @param received the serial of the event received after them
     */
    public record Gap(String pool, long lost, long first, long received) {
    }

    /** The last serial of a pool, as persisted. */
    record Last(String instance, String pool, long serial) {
    }

    private FileChannel file;
    private final Map<String, Long> lastByPool = new HashMap<>();
    private final Last persisted;
    /** The record last written, reused while the instance and pool stay the same. */
    private ByteBuffer record;
    private String recordInstance;
    private String recordPool;

    private PoolSerials(FileChannel file, Last persisted) {
        this.file = file;
        this.persisted = persisted;
    }

    /** Gap detection that remembers the last serial in {@code path} (created 0600 if missing). */
    public static PoolSerials open(Path path) throws IOException {
        Last last = read(path);
        FileChannel channel;
        try {
            channel = FileChannel.open(path, java.util.Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE),
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        }
        return new PoolSerials(channel, last);
    }

    /** Gap detection within this process only, nothing persisted. */
    public static PoolSerials inMemory() {
        return new PoolSerials(null, null);
    }

    /**
     * Takes note of an event that is in the spool and about to be acknowledged: returns the gap before it, or null.
     * {@link #persist} then remembers it across restarts.
     *
     * @param instance   the supervisord run ({@code pid-startMillis})
     * @param pool       the header's {@code pool}
     * @param poolSerial the header's {@code poolserial}
     */
    public Gap observe(String instance, String pool, long poolSerial) {
        Objects.requireNonNull(instance, "instance");
        Objects.requireNonNull(pool, "pool");
        Long previous = lastByPool.put(pool, poolSerial);
        return previous != null ? gapAfter(pool, previous, poolSerial) : firstOfPool(instance, pool, poolSerial);
    }

    private Gap firstOfPool(String instance, String pool, long poolSerial) {
        if (persisted == null) {
            return null; // nothing known: this event is the baseline
        }
        if (!persisted.instance().equals(instance)) {
            return newPool(pool, poolSerial); // supervisord restarted: its pools count from 0 again
        }
        return persisted.pool().equals(pool) ? gapAfter(pool, persisted.serial(), poolSerial) : null;
    }

    private static Gap gapAfter(String pool, long last, long received) {
        if (received > last + 1) {
            return new Gap(pool, received - last - 1, last + 1, received);
        }
        if (received < last) {
            return newPool(pool, received); // reloaded: a new pool counts from 0 again
        }
        return null; // the next one, or the in-flight event sent again after a listener restart
    }

    private static Gap newPool(String pool, long received) {
        return received > 0 ? new Gap(pool, received, 0, received) : null;
    }

    /**
     * Remembers the serial of an event for the next start of the listener, with one positional write (no fsync).
     * Nothing when in memory only.
     */
    public void persist(String instance, String pool, long poolSerial) throws IOException {
        if (file == null) {
            return;
        }
        if (record == null || !instance.equals(recordInstance) || !pool.equals(recordPool)) {
            byte[] text = (instance + "\n" + pool).getBytes(StandardCharsets.UTF_8);
            if (text.length > MAX_TEXT_BYTES) {
                return; // not a supervisord pool name; nothing sensible to remember
            }
            record = ByteBuffer.allocate(4 + 4 + text.length + 8 + 4).putInt(MAGIC).putInt(text.length).put(text);
            recordInstance = instance;
            recordPool = pool;
        }
        encode(record, poolSerial);
        // One positional write: in the page cache once it returns, so it survives kill -9 like a spool append.
        while (record.hasRemaining()) {
            file.write(record, record.position());
        }
    }

    /**
     * Completes {@code [magic][text length][instance \n pool]} in {@code buf} with {@code [serial][CRC32C of what
     * precedes]}, ready to be written from 0.
     */
    static ByteBuffer encode(ByteBuffer buf, long serial) {
        int serialAt = buf.capacity() - 12;
        buf.clear();
        buf.putLong(serialAt, serial);
        CRC32C crc = new CRC32C();
        crc.update(buf.array(), 0, serialAt + 8);
        buf.putInt(serialAt + 8, (int) crc.getValue());
        return buf;
    }

    /** The persisted last serial, or null when the file is missing, empty or damaged. */
    static Last read(Path path) throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(path);
        } catch (NoSuchFileException e) {
            return null;
        }
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        if (buf.remaining() < 8 || buf.getInt() != MAGIC) {
            return null;
        }
        int length = buf.getInt();
        if (length < 0 || length > MAX_TEXT_BYTES || buf.remaining() < length + 12) {
            return null;
        }
        byte[] text = new byte[length];
        buf.get(text);
        long serial = buf.getLong();
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, buf.position());
        if (buf.getInt() != (int) crc.getValue() || serial < 0) {
            return null;
        }
        String[] parts = new String(text, StandardCharsets.UTF_8).split("\n", 2);
        return parts.length == 2 ? new Last(parts[0], parts[1], serial) : null;
    }

    /** Whether serials are remembered across restarts (false in memory, or after {@link #close()}). */
    public boolean persistent() {
        return file != null;
    }

    /** Stops remembering serials (they are still compared in memory). */
    @Override
    public void close() throws IOException {
        FileChannel closing = file;
        file = null;
        if (closing != null) {
            closing.close();
        }
    }
}
