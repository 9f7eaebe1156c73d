package io.supervisorkafka.listener.supervisor.protocol;

import java.io.IOException;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
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
 * The last serial seen is kept in a small file in the spool directory, memory-mapped: remembering a serial is a few
 * stores into the page cache, no system call (a positional write cost as much as the spool's own append, ~10 µs per
 * event on the reference machine), and like the spool's appends it survives {@code kill -9} and restarts of the
 * listener; the fsync thread forces it to disk with the spool ({@link #sync()}). Two slots are written in turn, each
 * with a sequence number and a checksum, so that a listener killed in the middle of a write leaves the other slot
 * whole. Without that file (the listener's first start, or a spool directory new to it) the first event sets the
 * baseline.
 *
 * <p>{@link #observe} and {@link #persist} are the protocol loop's alone; they never log.
 */
public final class PoolSerials implements AutoCloseable {
    /** The file's name in the spool directory. */
    public static final String FILE_NAME = "poolserial";

    private static final int MAGIC = 0x534b5053; // "SKPS"
    private static final int SLOT_BYTES = 2048;
    /** magic, sequence, serial, text length, then the text, then the CRC32C of all but the magic. */
    private static final int SLOT_HEADER_BYTES = 4 + 8 + 8 + 4;
    private static final int MAX_TEXT_BYTES = SLOT_BYTES - SLOT_HEADER_BYTES - 4;

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

    /** The mapped file, or null in memory only or once closed. */
    private volatile MappedByteBuffer map;
    /** Written since the last {@link #sync()}: a quiet host's fsync thread then has nothing to force. */
    private volatile boolean unsynced;
    /** The last serial of each pool, in a holder updated in place: the protocol loop boxes nothing per event. */
    private final Map<String, long[]> lastByPool = new HashMap<>();
    /** A slot's bytes from the sequence to the text, put together here for its checksum, then copied to the map. */
    private final byte[] slotImage = new byte[SLOT_BYTES];
    private final ByteBuffer slotImageBuffer = ByteBuffer.wrap(slotImage);
    private final CRC32C checksum = new CRC32C();
    private final Last persisted;
    /** The sequence number of the slot written last; the next write goes to the other slot. */
    private long sequence;
    private byte[] text;
    private String textInstance;
    private String textPool;

    private PoolSerials(MappedByteBuffer map, Last persisted, long sequence) {
        this.map = map;
        this.persisted = persisted;
        this.sequence = sequence;
    }

    /** Gap detection that remembers the last serial in {@code path} (created 0600 if missing). */
    public static PoolSerials open(Path path) throws IOException {
        try (FileChannel channel = openPrivate(path)) {
            long size = channel.size();
            if (size < 2L * SLOT_BYTES) {
                // Written, not left sparse: a store into a mapped hole could fault on a full disk.
                ByteBuffer zeros = ByteBuffer.allocate((int) (2L * SLOT_BYTES - size));
                while (zeros.hasRemaining()) {
                    channel.write(zeros, size + zeros.position());
                }
            }
            // The mapping outlives the channel.
            MappedByteBuffer map = channel.map(FileChannel.MapMode.READ_WRITE, 0, 2L * SLOT_BYTES);
            Slot a = readSlot(map, 0);
            Slot b = readSlot(map, SLOT_BYTES);
            Slot latest = a == null ? b : b == null || a.sequence() > b.sequence() ? a : b;
            return latest == null ? new PoolSerials(map, null, 0)
                    : new PoolSerials(map, latest.last(), latest.sequence());
        }
    }

    private static FileChannel openPrivate(Path path) throws IOException {
        Set<StandardOpenOption> options = Set.of(StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        try {
            return FileChannel.open(path, options,
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            return FileChannel.open(path, options);
        }
    }

    /** Gap detection within this process only, nothing persisted. */
    public static PoolSerials inMemory() {
        return new PoolSerials(null, null, 0);
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
        long[] last = lastByPool.get(pool);
        if (last == null) {
            lastByPool.put(pool, new long[] {poolSerial});
            return firstOfPool(instance, pool, poolSerial);
        }
        long previous = last[0];
        last[0] = poolSerial;
        return gapAfter(pool, previous, poolSerial);
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
     * Remembers the serial of an event for the next start of the listener: stores into the mapped file, in the slot
     * not written last. Nothing when in memory only.
     */
    public void persist(String instance, String pool, long poolSerial) {
        MappedByteBuffer slots = map;
        if (slots == null) {
            return;
        }
        if (text == null || !instance.equals(textInstance) || !pool.equals(textPool)) {
            byte[] encoded = (instance + "\n" + pool).getBytes(StandardCharsets.UTF_8);
            if (encoded.length > MAX_TEXT_BYTES) {
                return; // not a supervisord pool name; nothing sensible to remember
            }
            text = encoded;
            textInstance = instance;
            textPool = pool;
        }
        sequence++;
        int at = (int) (sequence % 2) * SLOT_BYTES;
        // Invalidate the slot first: a write cut short by kill -9 must not look whole with an old checksum.
        slots.putInt(at, 0);
        VarHandle.storeStoreFence();
        // The bytes after the magic go through slotImage: a checksum over a slice of the map would cost a buffer
        // object an event.
        int imageLength = SLOT_HEADER_BYTES - 4 + text.length;
        slotImageBuffer.putLong(0, sequence).putLong(8, poolSerial).putInt(16, text.length);
        System.arraycopy(text, 0, slotImage, SLOT_HEADER_BYTES - 4, text.length);
        checksum.reset();
        checksum.update(slotImage, 0, imageLength);
        slots.put(at + 4, slotImage, 0, imageLength);
        slots.putInt(at + 4 + imageLength, (int) checksum.getValue());
        VarHandle.storeStoreFence();
        slots.putInt(at, MAGIC);
        unsynced = true;
    }

    /** Forces the file to disk (the fsync thread, with the spool's); a machine crash loses at most what came since. */
    public void sync() {
        MappedByteBuffer slots = map;
        if (slots != null && unsynced) {
            // Cleared first: a write during the force is forced next time.
            unsynced = false;
            slots.force();
        }
    }

    /** One slot of the file, valid. */
    private record Slot(long sequence, Last last) {
    }

    /** The slot at {@code at}, or null when it was never written, is damaged or was cut short. */
    private static Slot readSlot(ByteBuffer slots, int at) {
        if (slots.getInt(at) != MAGIC) {
            return null;
        }
        long sequence = slots.getLong(at + 4);
        long serial = slots.getLong(at + 12);
        int length = slots.getInt(at + 20);
        if (length < 0 || length > MAX_TEXT_BYTES || serial < 0) {
            return null;
        }
        int crcAt = at + SLOT_HEADER_BYTES + length;
        CRC32C crc = new CRC32C();
        crc.update(slots.slice(at + 4, crcAt - at - 4));
        if (slots.getInt(crcAt) != (int) crc.getValue()) {
            return null;
        }
        byte[] text = new byte[length];
        slots.get(at + SLOT_HEADER_BYTES, text);
        String[] parts = new String(text, StandardCharsets.UTF_8).split("\n", 2);
        return parts.length == 2 ? new Slot(sequence, new Last(parts[0], parts[1], serial)) : null;
    }

    /** The persisted last serial in {@code path}, or null when there is none. */
    static Last read(Path path) throws IOException {
        try (PoolSerials serials = open(path)) {
            return serials.persisted;
        }
    }

    /** Whether serials are remembered across restarts (false in memory, or after {@link #close()}). */
    public boolean persistent() {
        return map != null;
    }

    /** Stops remembering serials (they are still compared in memory); the mapping goes with the garbage. */
    @Override
    public void close() {
        map = null;
    }
}
