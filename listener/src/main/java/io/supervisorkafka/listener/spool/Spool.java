package io.supervisorkafka.listener.spool;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An append-only, on-disk queue of records between the supervisord protocol loop and the Kafka shipper.
 *
 * <p>Layout: a directory (0700) of segment files named by the sequence number of their first record
 * ({@code 00000000000000000042.seg}, 0600), each starting with an 8-byte magic and holding frames
 * {@code [int32 length][int32 CRC32C of body][body]}; a {@code checkpoint} file with the position of the first record
 * not yet acknowledged by Kafka; and a {@code spool.lock} file locked while a listener uses the directory.
 *
 * <p>Durability: an append is one {@code write()} of the whole frame, so once {@link #append} returns the record is in
 * the page cache and survives {@code kill -9} of the listener; {@link #sync()} (called by a background thread every
 * fsync interval) makes it survive a machine crash too. On {@link #open}, a torn or corrupt tail of the newest segment
 * (a crash in the middle of a write) is truncated with a warning.
 *
 * <p>Size: segments whose records are all behind the checkpoint are deleted. When an append would take the spool past
 * its maximum, the {@link SpoolFullPolicy} decides: drop the oldest segment (shipped or not), or make the appender wait.
 *
 * <p>Thread safety: appends (the protocol loop, the snapshot collector), commits and reads (the shipper) and syncs (the
 * fsync thread) may come from different threads; one lock guards changes to the segment table, held only for in-memory
 * work and the single write of an append. The threads other than the protocol loop are niced, and a niced thread
 * preempted while holding the lock stalls the loop's next append; so the shipper reads the table and the checkpoint
 * without the lock, and nobody unlinks, renames or fsyncs a file while holding it.
 */
public final class Spool implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Spool.class);

    static final byte[] SEGMENT_MAGIC = {'S', 'K', 'S', 'P', 'O', 'O', 'L', '1'};
    static final int SEGMENT_HEADER_BYTES = SEGMENT_MAGIC.length;
    static final int FRAME_HEADER_BYTES = 8;
    /** A frame longer than this is taken for corruption when reading. */
    static final int MAX_RECORD_BYTES = 64 * 1024 * 1024;

    private static final Pattern SEGMENT_NAME = Pattern.compile("(\\d{20})\\.seg");
    private static final String CHECKPOINT_FILE = "checkpoint";
    private static final String CHECKPOINT_TMP_FILE = "checkpoint.tmp";
    private static final String LOCK_FILE = "spool.lock";
    private static final int CHECKPOINT_MAGIC = 0x534b4350; // "SKCP"
    private static final int CHECKPOINT_VERSION = 1;
    private static final int CHECKPOINT_BYTES = 4 + 4 + 8 + 8 + 8 + 4;

    private static final FileAttribute<Set<PosixFilePermission>> PRIVATE_FILE =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));

    /** Thrown by {@link #offer} when the spool is full and the policy is {@link SpoolFullPolicy#BLOCK}. */
    public static final class FullException extends IOException {
        FullException(String message) {
            super(message);
        }
    }

    /** Thrown when a record can never fit: larger than half the spool or than {@link #MAX_RECORD_BYTES}. */
    public static final class TooLargeException extends IOException {
        TooLargeException(String message) {
            super(message);
        }
    }

    /** Thrown by appends once the spool is closed (the listener is stopping). */
    public static final class ClosedException extends IOException {
        ClosedException() {
            super("the spool is closed");
        }
    }

    /**
     * Counters and sizes, for logs, tests and the listener's own metrics.
     *
     * @param droppedRecords records deleted unshipped by {@link SpoolFullPolicy#DROP_OLDEST}
     * @param refusedRecords records {@link #offer} refused (FullException) because the spool was full under
     *                       {@link SpoolFullPolicy#BLOCK}
     */
    public record Stats(int segments, long bytes, long nextSeq, long checkpointSeq, long droppedSegments,
                        long droppedRecords, long droppedBytes, long refusedRecords) {
        /** Records appended but not yet acknowledged by Kafka. */
        public long unshipped() {
            return nextSeq - checkpointSeq;
        }
    }

    private static final class Segment {
        final long base;
        final Path path;
        /** Written under the lock after the bytes are in the file; read without it by {@link #readView}. */
        volatile long size;

        Segment(long base, Path path, long size) {
            this.base = base;
            this.path = path;
            this.size = size;
        }
    }

    /** What a reader needs to know about the segment at its position; taken without the lock. */
    record ReadView(SpoolPosition reposition, Path path, long readableEnd, long nextBase) {
    }

    private final SpoolConfig config;
    private final Path dir;
    private final FileChannel lockChannel;
    private final FileLock dirLock;

    private final ReentrantLock lock = new ReentrantLock();
    /** Signalled on every append, commit, deletion and on close. */
    private final Condition changed = lock.newCondition();
    /** Changed under the lock; concurrent so that the shipper reads it without the lock ({@link #readView}). */
    private final ConcurrentSkipListMap<Long, Segment> segments = new ConcurrentSkipListMap<>();
    /** Files of segments already out of the table, unlinked by whoever held the lock once it is released. */
    private final List<Path> segmentsToUnlink = new ArrayList<>();
    /** Sealed segments' channels, kept open until the fsync thread has forced them: sealing never waits on disk. */
    private final List<FileChannel> sealedAwaitingSync = new ArrayList<>();
    private final Object checkpointFileLock = new Object();

    private volatile Segment active;
    private FileChannel activeChannel;
    /** Volatile: the shipper checks for new records without the lock (see {@link #awaitRecord}). */
    private volatile long nextSeq;
    /** The base of the oldest segment, published for readers that skip the lock while reading one segment. */
    private volatile long firstBase;
    /** The shipper, while it waits for a record; the appender unparks it. */
    private volatile Thread recordWaiter;
    /**
     * The shipper, while it holds bulk records back; an append by {@link #append} or {@link #offer}, or one that
     * leaves the spool {@link #halfFull}, unparks it.
     */
    private volatile Thread promptWaiter;
    /**
     * Set, under the lock, with whatever {@link #sync} has to force; cleared when it takes them. Volatile so that the
     * fsync thread can wait for it without the lock ({@link #awaitUnsynced}).
     */
    private volatile boolean unsynced;
    /** The fsync thread, while it waits for something to force; whatever makes the spool dirty unparks it. */
    private volatile Thread syncWaiter;
    /** Changed under the lock; volatile so that the shipper reads it without the lock ({@link #halfFull}). */
    private volatile long totalBytes;
    /** Changed under the lock; volatile so that the shipper reads it without the lock. */
    private volatile SpoolPosition checkpoint;
    private long checkpointSeqOnDisk = -1;
    private boolean dataDirty;
    private boolean dirDirty;
    private volatile boolean closed;
    private int blockedAppenders;
    private long droppedSegments;
    private long droppedRecords;
    private long droppedBytes;
    private long refusedRecords;
    private volatile long setAsideRecords;
    private volatile long lastAppendNanos = System.nanoTime();
    /** The sequence number of the last record appended by {@link #append} or {@link #offer}; -1 before any. */
    private volatile long lastPromptSeq = -1;

    private Spool(SpoolConfig config, FileChannel lockChannel, FileLock dirLock) {
        this.config = config;
        this.dir = config.dir();
        this.lockChannel = lockChannel;
        this.dirLock = dirLock;
    }

    /**
     * Opens (creating if needed) the spool in {@code config.dir()}: locks the directory, recovers the newest segment
     * (truncating a torn tail) and loads the checkpoint.
     */
    public static Spool open(SpoolConfig config) throws IOException {
        return open(config, null);
    }

    /**
     * Opens the spool for {@code owner}: as {@link #open(SpoolConfig)}, but records that another owner left unshipped
     * (another server id, another Kafka cluster: see {@link SpoolOwner#conflictWith}) are first moved to a sibling
     * directory, {@code <dir>.set-aside-<UTC time>}, with one warning naming it and how to ship it; they are counted
     * in {@link #setAsideRecords()}. The owner is recorded in the directory.
     *
     * @param owner whose records the spool holds from now on; null: no check
     */
    public static Spool open(SpoolConfig config, SpoolOwner owner) throws IOException {
        Path dir = config.dir();
        if (!PrivateFiles.createDirectory(dir)) {
            log.warn("cannot make spool directory {} owner-only (0700): it is not ours", dir);
        }
        FileChannel lockChannel = openPrivate(dir.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock dirLock;
        try {
            dirLock = lockChannel.tryLock();
        } catch (OverlappingFileLockException e) {
            dirLock = null;
        }
        if (dirLock == null) {
            lockChannel.close();
            throw new IOException("spool directory " + dir + " is in use by another listener; give each listener its"
                    + " own spool directory");
        }
        Spool spool = new Spool(config, lockChannel, dirLock);
        try {
            if (owner != null) {
                spool.claimFor(owner);
            }
            spool.recover();
            return spool;
        } catch (IOException | RuntimeException e) {
            spool.closeQuietly();
            throw e;
        }
    }

    /** Sets aside what another owner left unshipped (under the directory lock, before recovery) and records ours. */
    private void claimFor(SpoolOwner owner) throws IOException {
        SpoolOwner previous = SpoolOwner.read(dir);
        if (owner.equals(previous)) {
            return;
        }
        String conflict = previous == null ? null : owner.conflictWith(previous);
        if (conflict != null) {
            long unshipped = unshippedOnDisk();
            if (unshipped > 0) {
                Path aside = setAside(previous);
                setAsideRecords = unshipped;
                log.warn("spool {} holds {} records not yet in Kafka that are not this listener's ({}): set aside in"
                        + " {}, not shipped; to ship them, run the listener once with --spool-dir {} {}. This listener"
                        + " starts with an empty spool", dir, unshipped, conflict, aside, aside, previous.flags());
            }
        }
        owner.write(dir);
    }

    /** Records in the segment files after the checkpoint, counted without opening the spool. */
    private long unshippedOnDisk() throws IOException {
        SpoolPosition saved = readCheckpointFile();
        long shippedBefore = saved == null ? 0 : saved.seq();
        long unshipped = 0;
        for (Path path : segmentFilesOnDisk()) {
            Matcher m = SEGMENT_NAME.matcher(path.getFileName().toString());
            if (m.matches()) {
                long base = Long.parseLong(m.group(1));
                long end = base + countRecords(new Segment(base, path, Files.size(path)));
                unshipped += Math.max(0, end - Math.max(base, shippedBefore));
            }
        }
        return unshipped;
    }

    private List<Path> segmentFilesOnDisk() throws IOException {
        List<Path> found = new ArrayList<>();
        try (var stream = Files.list(dir)) {
            for (Path path : (Iterable<Path>) stream::iterator) {
                String name = path.getFileName().toString();
                if (SEGMENT_NAME.matcher(name).matches() || name.endsWith(".seg.corrupt")) {
                    found.add(path);
                }
            }
        }
        found.sort(null);
        return found;
    }

    /** Moves the segments and the checkpoint to a new sibling directory, itself a spool of {@code previous}. */
    private Path setAside(SpoolOwner previous) throws IOException {
        String stamp = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").format(OffsetDateTime.now(ZoneOffset.UTC));
        Path aside = dir.resolveSibling(dir.getFileName() + ".set-aside-" + stamp);
        for (int n = 2; Files.exists(aside); n++) {
            aside = dir.resolveSibling(dir.getFileName() + ".set-aside-" + stamp + "-" + n);
        }
        PrivateFiles.createDirectory(aside);
        for (Path path : segmentFilesOnDisk()) {
            Files.move(path, aside.resolve(path.getFileName()));
        }
        Path checkpointFile = dir.resolve(CHECKPOINT_FILE);
        if (Files.exists(checkpointFile)) {
            Files.move(checkpointFile, aside.resolve(CHECKPOINT_FILE));
        }
        previous.write(aside);
        return aside;
    }

    private void recover() throws IOException {
        List<Segment> found = new ArrayList<>();
        try (var stream = Files.list(dir)) {
            for (Path path : (Iterable<Path>) stream::iterator) {
                Matcher m = SEGMENT_NAME.matcher(path.getFileName().toString());
                if (m.matches()) {
                    found.add(new Segment(Long.parseLong(m.group(1)), path, Files.size(path)));
                }
            }
        }
        found.sort((a, b) -> Long.compare(a.base, b.base));
        Files.deleteIfExists(dir.resolve(CHECKPOINT_TMP_FILE));

        // Sealed segments were forced before the next one was started; only check they are ours.
        for (int i = 0; i < found.size() - 1; i++) {
            Segment segment = found.get(i);
            if (hasMagic(segment.path)) {
                segments.put(segment.base, segment);
            } else {
                quarantine(segment.path, "it does not start with the spool segment header");
            }
        }
        SpoolPosition savedCheckpoint = readCheckpointFile();
        if (!found.isEmpty()) {
            recoverNewest(found.get(found.size() - 1));
        }
        if (active == null) {
            // A fresh spool, or its only segment was not ours: continue the sequence after the checkpoint so that
            // the checkpoint stays meaningful.
            long base = Math.max(savedCheckpoint == null ? 0 : savedCheckpoint.seq(),
                    segments.isEmpty() ? 0 : segments.lastKey() + countRecords(segments.lastEntry().getValue()));
            startSegment(base);
        }
        for (Segment segment : segments.values()) {
            totalBytes += segment.size;
        }
        checkpoint = validateCheckpoint(savedCheckpoint);
        checkpointSeqOnDisk = savedCheckpoint == null ? -1 : savedCheckpoint.seq();
        deleteShippedSegments();
        unlink(takeSegmentsToUnlink());
        log.debug("spool {} open: {} segments, {} bytes, records {}..{}, checkpoint {}", dir, segments.size(),
                totalBytes, segments.firstKey(), nextSeq, checkpoint.seq());
    }

    /** Scans the newest segment frame by frame and truncates it after the last whole, intact frame. */
    private void recoverNewest(Segment segment) throws IOException {
        FileChannel channel = openPrivate(segment.path, StandardOpenOption.READ, StandardOpenOption.WRITE);
        try {
            long size = channel.size();
            if (size < SEGMENT_HEADER_BYTES) {
                // Torn while being created: start it again.
                channel.truncate(0);
                channel.write(ByteBuffer.wrap(SEGMENT_MAGIC), 0);
                size = SEGMENT_HEADER_BYTES;
            } else if (!hasMagic(channel)) {
                channel.close();
                quarantine(segment.path, "it does not start with the spool segment header");
                return;
            }
            long offset = SEGMENT_HEADER_BYTES;
            long records = 0;
            ByteBuffer header = ByteBuffer.allocate(FRAME_HEADER_BYTES);
            String problem = null;
            while (offset < size) {
                if (offset + FRAME_HEADER_BYTES > size) {
                    problem = "a torn frame header";
                    break;
                }
                header.clear();
                readFully(channel, header, offset);
                header.flip();
                int length = header.getInt();
                int crc = header.getInt();
                if (length < 0 || length > MAX_RECORD_BYTES) {
                    problem = "an impossible record length " + length;
                    break;
                }
                if (offset + FRAME_HEADER_BYTES + length > size) {
                    problem = "a torn record (" + (size - offset - FRAME_HEADER_BYTES) + " of " + length + " bytes)";
                    break;
                }
                ByteBuffer body = ByteBuffer.allocate(length);
                readFully(channel, body, offset + FRAME_HEADER_BYTES);
                if (crc32c(body.array()) != crc) {
                    problem = "a record whose CRC32C does not match";
                    break;
                }
                offset += FRAME_HEADER_BYTES + length;
                records++;
            }
            if (problem != null) {
                log.warn("spool segment {} ends with {} at offset {}: truncating {} bytes (a write cut short by a"
                        + " machine crash, or damage on disk)", segment.path, problem, offset, size - offset);
                channel.truncate(offset);
                channel.force(true);
            }
            segment.size = offset;
            segments.put(segment.base, segment);
            active = segment;
            activeChannel = channel;
            nextSeq = segment.base + records;
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** The number of whole, well-framed records at the start of a segment. */
    private static long countRecords(Segment segment) throws IOException {
        return walkFrames(segment, Long.MAX_VALUE).records();
    }

    /** How far the whole, well-framed records at the start of a segment go, up to {@code maxRecords} of them. */
    private record FrameWalk(long records, long offset) {
    }

    private static FrameWalk walkFrames(Segment segment, long maxRecords) throws IOException {
        long offset = SEGMENT_HEADER_BYTES;
        long records = 0;
        try (FileChannel channel = FileChannel.open(segment.path, StandardOpenOption.READ)) {
            ByteBuffer header = ByteBuffer.allocate(FRAME_HEADER_BYTES);
            while (records < maxRecords && offset + FRAME_HEADER_BYTES <= segment.size) {
                header.clear();
                readFully(channel, header, offset);
                int length = header.getInt(0);
                if (length < 0 || offset + FRAME_HEADER_BYTES + length > segment.size) {
                    break;
                }
                offset += FRAME_HEADER_BYTES + length;
                records++;
            }
        }
        return new FrameWalk(records, offset);
    }

    private SpoolPosition validateCheckpoint(SpoolPosition saved) throws IOException {
        long first = segments.firstKey();
        if (saved == null || saved.seq() <= first) {
            return startOf(first);
        }
        if (saved.seq() >= nextSeq) {
            if (saved.seq() > nextSeq) {
                log.warn("spool checkpoint {} is past the last record {} (records lost in a machine crash before"
                        + " they were fsynced); continuing from the end", saved.seq(), nextSeq);
            }
            return new SpoolPosition(active.base, active.size, nextSeq);
        }
        Segment segment = segments.floorEntry(saved.seq()).getValue();
        if (segment.base == saved.segmentBase() && saved.offset() >= SEGMENT_HEADER_BYTES
                && saved.offset() <= segment.size) {
            return saved;
        }
        // The saved offset does not fit the segment (it was quarantined or rewritten): find the record by counting.
        FrameWalk walk = walkFrames(segment, saved.seq() - segment.base);
        return new SpoolPosition(segment.base, walk.offset(), segment.base + walk.records());
    }

    // ---------------------------------------------------------------------------------------------- appending

    /**
     * Appends a record with one write and returns its sequence number. When the spool is full, drops the oldest
     * segment or, with {@link SpoolFullPolicy#BLOCK}, waits until the shipper frees space.
     */
    public long append(SpoolEntry entry) throws IOException {
        return append(entry, true, true);
    }

    /**
     * Like {@link #append}, for a record of a kind that comes in floods and that nobody waits for (a process's
     * output, REMOTE_COMMUNICATION, ticks): the shipper may hold it back while a burst lasts, until a record appended
     * by {@link #append} or {@link #offer} comes after it ({@link #lastPromptSeq}).
     */
    public long appendBulk(SpoolEntry entry) throws IOException {
        return append(entry, true, false);
    }

    /** Like {@link #append}, but never waits: with {@link SpoolFullPolicy#BLOCK} a full spool throws FullException. */
    public long offer(SpoolEntry entry) throws IOException {
        return append(entry, false, true);
    }

    /**
     * Appends an event read by the protocol loop, as {@link #append} (or {@link #appendBulk} when {@code bulk}) of the
     * {@link SpoolEntry.RawEvent} it makes, from a header and payload in the first bytes of the loop's reused arrays:
     * framed in this thread's array, with no object made for it.
     */
    public long appendEvent(long observedAt, String serverId, String instance, byte[] header, int headerLength,
                            byte[] payload, int payloadLength, boolean bulk) throws IOException {
        return append(eventFrame(observedAt, serverId, instance, header, headerLength, payload, payloadLength), true,
                !bulk);
    }

    private long append(SpoolEntry entry, boolean mayWait, boolean prompt) throws IOException {
        return append(entry instanceof SpoolEntry.RawEvent event ? eventFrame(event.observedAt(), event.serverId(),
                event.instance(), event.header(), event.header().length, event.payload(), event.payload().length)
                : ByteBuffer.wrap(frame(entry)), mayWait, prompt);
    }

    private long append(ByteBuffer buf, boolean mayWait, boolean prompt) throws IOException {
        int length = buf.remaining();
        if (length > MAX_RECORD_BYTES || length > config.maxBytes() / 2) {
            throw new TooLargeException("a record of " + length + " bytes does not fit a spool of "
                    + config.maxBytes() + " bytes");
        }
        lock.lock();
        try {
            checkOpen();
            if (active.size > SEGMENT_HEADER_BYTES && active.size + length > config.segmentBytes()) {
                roll();
            }
            makeRoom(length, mayWait);
            long position = active.size;
            try {
                // FileChannel writes a regular file's buffer with one write(2); the loop only guards the contract.
                while (buf.hasRemaining()) {
                    position += activeChannel.write(buf, position);
                }
            } catch (IOException e) {
                // Leave no partial frame behind for the next append to follow.
                try {
                    activeChannel.truncate(active.size);
                } catch (IOException ignored) {
                    // recovery truncates it on the next open
                }
                throw e;
            }
            active.size += length;
            totalBytes += length;
            dataDirty = true;
            dirtied();
            lastAppendNanos = System.nanoTime();
            if (prompt) {
                lastPromptSeq = nextSeq;
            }
            changed.signalAll();
            return nextSeq++;
        } finally {
            unlockThenUnlink();
            Thread waiter = recordWaiter;
            if (waiter != null) {
                LockSupport.unpark(waiter);
            }
            Thread holder = prompt || halfFull() ? promptWaiter : null;
            if (holder != null) {
                LockSupport.unpark(holder);
            }
        }
    }

    /**
     * The frame of an event, written into the same array for each event its thread appends (the protocol loop: one
     * after another, and what it allocates sets how often a young collection stops it in a burst). An event larger
     * than {@link #MAX_KEPT_BYTES} gets an array of its own, so that one large event does not stay in memory.
     */
    static final class EventFrame {
        static final ThreadLocal<EventFrame> OF_THIS_THREAD = ThreadLocal.withInitial(EventFrame::new);
        static final int MAX_KEPT_BYTES = 64 * 1024;

        private byte[] array = new byte[1024];
        private ByteBuffer buffer = ByteBuffer.wrap(array);
        private final CRC32C checksum = new CRC32C();

        /** The event's frame, from position 0 to its limit; null when it is larger than {@link #MAX_KEPT_BYTES}. */
        ByteBuffer frame(long observedAt, String serverId, String instance, byte[] header, int headerLength,
                         byte[] payload, int payloadLength) {
            byte[] server = FrameBytes.SERVER_IDS.bytes(serverId);
            byte[] origin = FrameBytes.INSTANCES.bytes(instance);
            int length = FRAME_HEADER_BYTES
                    + SpoolEntry.RawEvent.encodedLength(server, origin, headerLength, payloadLength);
            if (length > MAX_KEPT_BYTES) {
                return null;
            }
            if (length > array.length) {
                array = new byte[Math.min(MAX_KEPT_BYTES, Math.max(length, 2 * array.length))];
                buffer = ByteBuffer.wrap(array);
            }
            SpoolEntry.RawEvent.encodeInto(array, FRAME_HEADER_BYTES, observedAt, server, origin, header,
                    headerLength, payload, payloadLength);
            checksum.reset();
            putFrameHeader(array, length - FRAME_HEADER_BYTES, checksum);
            buffer.clear().limit(length);
            return buffer;
        }
    }

    /**
     * The frame {@link #append} writes for an event whose header and payload are the first bytes of these arrays (they
     * may be longer), from position 0 to the limit: in this thread's array ({@link EventFrame}), good until the
     * thread's next call, unless the event is too large to keep.
     */
    public static ByteBuffer eventFrame(long observedAt, String serverId, String instance, byte[] header,
                                        int headerLength, byte[] payload, int payloadLength) {
        ByteBuffer frame = EventFrame.OF_THIS_THREAD.get().frame(observedAt, serverId, instance, header, headerLength,
                payload, payloadLength);
        return frame != null ? frame : ByteBuffer.wrap(frame((SpoolEntry) new SpoolEntry.RawEvent(observedAt,
                serverId, instance, Arrays.copyOf(header, headerLength), Arrays.copyOf(payload, payloadLength))));
    }

    /** The bytes {@link #append} writes for {@code entry}: its frame header, then its encoding. */
    public static byte[] frame(SpoolEntry entry) {
        byte[] frame = entry.encode(FRAME_HEADER_BYTES);
        putFrameHeader(frame, frame.length - FRAME_HEADER_BYTES, new CRC32C());
        return frame;
    }

    /** Writes the frame header before a body of {@code bodyLength} bytes: its length, then its CRC32C. */
    private static void putFrameHeader(byte[] frame, int bodyLength, CRC32C checksum) {
        checksum.update(frame, FRAME_HEADER_BYTES, bodyLength);
        int checksumAt = FrameBytes.putInt(frame, 0, bodyLength);
        FrameBytes.putInt(frame, checksumAt, (int) checksum.getValue());
    }

    private void makeRoom(int length, boolean mayWait) throws IOException {
        boolean warnedBlocking = false;
        while (totalBytes + length > config.maxBytes()) {
            if (deleteShippedSegments() > 0) {
                continue;
            }
            if (config.fullPolicy() == SpoolFullPolicy.DROP_OLDEST) {
                if (!dropOldest()) {
                    throw new TooLargeException("spool of " + config.maxBytes() + " bytes cannot take " + length
                            + " more bytes");
                }
                continue;
            }
            if (checkpoint.seq() >= nextSeq && active.size > SEGMENT_HEADER_BYTES) {
                // Everything is shipped but sits in the active segment: seal it so that it can be deleted.
                roll();
                continue;
            }
            if (!mayWait) {
                refusedRecords++;
                throw new FullException("spool full (" + totalBytes + " of " + config.maxBytes() + " bytes)");
            }
            if (!warnedBlocking) {
                log.warn("spool full ({} of {} bytes, {} records not yet in Kafka): not acknowledging events until"
                        + " the shipper frees space (policy block)", totalBytes, config.maxBytes(),
                        nextSeq - checkpoint.seq());
                warnedBlocking = true;
            }
            blockedAppenders++;
            try {
                changed.await(1, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("interrupted while waiting for spool space");
            } finally {
                blockedAppenders--;
            }
            checkOpen();
        }
        if (warnedBlocking) {
            log.warn("spool has space again: acknowledging events");
        }
    }

    /** Deletes the oldest segment, sealing the active one first if it is the only one. False if nothing to drop. */
    private boolean dropOldest() throws IOException {
        Segment oldest = segments.firstEntry().getValue();
        if (oldest == active) {
            if (active.base == nextSeq) {
                return false;
            }
            roll();
            oldest = segments.firstEntry().getValue();
        }
        long end = endSeq(oldest);
        long lost = Math.max(0, end - Math.max(oldest.base, checkpoint.seq()));
        delete(oldest);
        if (checkpoint.seq() < end) {
            checkpoint = startOf(segments.firstKey());
        }
        droppedSegments++;
        droppedRecords += lost;
        droppedBytes += oldest.size;
        log.warn("spool full (max {} bytes): dropped the oldest segment {} with {} records not yet in Kafka (policy"
                + " drop-oldest; dropped so far: {} segments, {} records)", config.maxBytes(),
                oldest.path.getFileName(), lost, droppedSegments, droppedRecords);
        return true;
    }

    /** Seals the active segment and starts a new one. Never waits on the disk: the fsync thread forces the old one. */
    private void roll() throws IOException {
        if (active.base == nextSeq) {
            return; // empty: nothing to seal
        }
        sealedAwaitingSync.add(activeChannel);
        dirtied();
        activeChannel = null;
        startSegment(nextSeq);
        totalBytes += SEGMENT_HEADER_BYTES;
    }

    private void startSegment(long base) throws IOException {
        Path path = dir.resolve(segmentName(base));
        FileChannel channel;
        try {
            channel = openPrivate(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                    StandardOpenOption.READ);
        } catch (FileAlreadyExistsException e) {
            throw new IOException("spool segment " + path + " already exists: the spool directory was changed by"
                    + " something else", e);
        }
        channel.write(ByteBuffer.wrap(SEGMENT_MAGIC), 0);
        Segment segment = new Segment(base, path, SEGMENT_HEADER_BYTES);
        segments.put(base, segment);
        active = segment;
        activeChannel = channel;
        nextSeq = base;
        dirDirty = true;
        dataDirty = true;
        dirtied();
    }

    private int deleteShippedSegments() throws IOException {
        int deleted = 0;
        while (segments.size() > 1) {
            Segment oldest = segments.firstEntry().getValue();
            if (oldest == active || endSeq(oldest) > checkpoint.seq()) {
                break;
            }
            delete(oldest);
            deleted++;
        }
        if (deleted > 0) {
            changed.signalAll();
        }
        return deleted;
    }

    /**
     * Takes the segment out of the table; its file is unlinked once the lock is released ({@link #unlink}), so that
     * no thread holds the lock through a filesystem operation the protocol loop's next append would wait for. A crash
     * in between leaves a segment behind the checkpoint, which {@link #open} deletes.
     */
    private void delete(Segment segment) {
        segments.remove(segment.base);
        publishFirstBase();
        totalBytes -= segment.size;
        segmentsToUnlink.add(segment.path);
        dirDirty = true;
        dirtied();
    }

    /** Releases the lock, then unlinks the files of the segments {@link #delete} took out of the table under it. */
    private void unlockThenUnlink() {
        List<Path> paths = takeSegmentsToUnlink();
        lock.unlock();
        unlink(paths);
    }

    /** Under the lock: the files {@link #delete} left to unlink, for the caller to unlink after releasing it. */
    private List<Path> takeSegmentsToUnlink() {
        if (segmentsToUnlink.isEmpty()) {
            return List.of();
        }
        List<Path> paths = List.copyOf(segmentsToUnlink);
        segmentsToUnlink.clear();
        return paths;
    }

    /** Without the lock. A file that cannot be unlinked now is behind the checkpoint, and {@link #open} retries. */
    private void unlink(List<Path> paths) {
        for (Path path : paths) {
            try {
                Files.deleteIfExists(path);
            } catch (IOException e) {
                log.warn("cannot delete spool segment {}: {}", path, e.toString());
            }
        }
    }

    /** After a segment left the table, under the lock. */
    private void publishFirstBase() {
        firstBase = segments.isEmpty() ? nextSeq : segments.firstKey();
    }

    private long endSeq(Segment segment) {
        if (segment == active) {
            return nextSeq;
        }
        Long next = segments.higherKey(segment.base);
        return next == null ? nextSeq : next;
    }

    private static SpoolPosition startOf(long base) {
        return new SpoolPosition(base, SEGMENT_HEADER_BYTES, base);
    }

    private void checkOpen() throws ClosedException {
        if (closed) {
            throw new ClosedException();
        }
    }

    // ------------------------------------------------------------------------------------------- checkpoint

    /** The position of the first record Kafka has not acknowledged. */
    public SpoolPosition checkpoint() {
        return checkpoint;
    }

    /**
     * Records that every record before {@code position} is in Kafka: saves the checkpoint (atomically, fsynced) and
     * deletes the segments that are now entirely shipped. Positions at or before the current checkpoint are ignored.
     */
    public void commit(SpoolPosition position) throws IOException {
        lock.lock();
        try {
            checkOpen();
            if (position.seq() <= checkpoint.seq()) {
                return;
            }
            if (position.seq() > nextSeq) {
                throw new IllegalArgumentException("checkpoint " + position.seq() + " is past the end " + nextSeq);
            }
            checkpoint = position;
        } finally {
            lock.unlock();
        }
        boolean saved = writeCheckpointFile(position);
        lock.lock();
        try {
            if (closed) {
                return;
            }
            if (saved) {
                dirDirty = true; // the rename is durable once the directory is fsynced
                dirtied();
            }
            deleteShippedSegments();
            if (blockedAppenders > 0 && checkpoint.seq() >= nextSeq && active.size > SEGMENT_HEADER_BYTES) {
                roll();
                deleteShippedSegments();
            }
            changed.signalAll();
        } finally {
            unlockThenUnlink();
        }
    }

    /** Saves the checkpoint file unless a later one is saved already; whether it did. Without the lock. */
    private boolean writeCheckpointFile(SpoolPosition position) throws IOException {
        synchronized (checkpointFileLock) {
            if (position.seq() <= checkpointSeqOnDisk) {
                return false;
            }
            ByteBuffer buf = ByteBuffer.allocate(CHECKPOINT_BYTES);
            buf.putInt(CHECKPOINT_MAGIC).putInt(CHECKPOINT_VERSION).putLong(position.seq())
                    .putLong(position.segmentBase()).putLong(position.offset());
            buf.putInt(crc32c(buf.array(), 0, CHECKPOINT_BYTES - 4));
            buf.flip();
            Path tmp = dir.resolve(CHECKPOINT_TMP_FILE);
            try (FileChannel channel = openPrivate(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                while (buf.hasRemaining()) {
                    channel.write(buf);
                }
                channel.force(true);
            }
            try {
                Files.move(tmp, dir.resolve(CHECKPOINT_FILE), StandardCopyOption.ATOMIC_MOVE,
                        StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, dir.resolve(CHECKPOINT_FILE), StandardCopyOption.REPLACE_EXISTING);
            }
            checkpointSeqOnDisk = position.seq();
            return true;
        }
    }

    /** The saved checkpoint, or null when there is none or it is damaged (then everything is replayed). */
    private SpoolPosition readCheckpointFile() throws IOException {
        Path path = dir.resolve(CHECKPOINT_FILE);
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(path);
        } catch (NoSuchFileException e) {
            return null;
        }
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        if (bytes.length != CHECKPOINT_BYTES || buf.getInt(0) != CHECKPOINT_MAGIC
                || buf.getInt(CHECKPOINT_BYTES - 4) != crc32c(bytes, 0, CHECKPOINT_BYTES - 4)) {
            log.warn("spool checkpoint {} is damaged: replaying the whole spool (Kafka may get duplicates)", path);
            return null;
        }
        buf.position(8);
        long seq = buf.getLong();
        long base = buf.getLong();
        long offset = buf.getLong();
        return new SpoolPosition(base, offset, seq);
    }

    // ---------------------------------------------------------------------------------------------- reading

    /** A reader from {@code from}, normally {@link #checkpoint()}. */
    public SpoolReader reader(SpoolPosition from) {
        return new SpoolReader(this, from);
    }

    /**
     * Without the lock: the shipper is niced, and a niced thread preempted while holding it would stall the protocol
     * loop's next append. A view may be stale by the time it is used, never wrong for the reader: a segment's size is
     * published after its bytes are written, and a segment read as the active one (no next) is looked at again once
     * its readable end is reached.
     */
    ReadView readView(SpoolPosition position) {
        Segment current = active; // before the table: a segment added after this read is never taken for the active
        long first = segments.firstKey();
        if (position.seq() < first) {
            return new ReadView(startOf(first), null, 0, -1);
        }
        Segment segment = segments.get(position.segmentBase());
        if (segment == null) {
            Long next = segments.higherKey(position.segmentBase());
            return new ReadView(startOf(next == null ? current.base : next), null, 0, -1);
        }
        long readableEnd = segment.size;
        Long next = segment == current ? null : segments.higherKey(segment.base);
        return new ReadView(null, segment.path, readableEnd, next == null ? -1 : next);
    }

    /** A segment file vanished under the reader (deleted by hand): forget it so reading can go on. */
    void forgetMissingSegment(long base) {
        lock.lock();
        try {
            Segment segment = segments.get(base);
            if (segment != null && segment != active && !Files.exists(segment.path)) {
                log.warn("spool segment {} disappeared: its records are lost", segment.path);
                segments.remove(base);
                publishFirstBase();
                totalBytes -= segment.size;
            }
        } finally {
            lock.unlock();
        }
    }

    /** {@link System#nanoTime()} of the last append. */
    public long lastAppendNanos() {
        return lastAppendNanos;
    }

    /**
     * Whether the segments take more than half the spool's maximum: the shipper is behind, and holding a burst back
     * would fill it (the oldest records dropped, or the protocol loop waiting, as the policy says).
     */
    public boolean halfFull() {
        return totalBytes > config.maxBytes() / 2;
    }

    /** The sequence number of the last record not appended by {@link #appendBulk}; -1 before any. */
    public long lastPromptSeq() {
        return lastPromptSeq;
    }

    /**
     * Waits until a record at or after {@code seq} exists, the timeout passes, the spool closes or the waiting thread
     * is unparked (its owner stopping it): the caller looks again in every case. For one waiting thread, the shipper:
     * it parks instead of waiting on the lock's condition, because a thread woken from a condition must take the lock
     * again, and the shipper is niced: preempted while holding the lock, it would stall the protocol loop's next
     * append until it gets a CPU again.
     */
    public void awaitRecord(long seq, Duration timeout) throws InterruptedException {
        recordWaiter = Thread.currentThread();
        try {
            // Set the waiter before looking: an append after this look finds it and unparks.
            if (seq >= nextSeq && !closed) {
                LockSupport.parkNanos(this, timeout.toNanos());
            }
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
        } finally {
            recordWaiter = null;
        }
    }

    /**
     * Like {@link #awaitRecord}, for a record at or after {@code seq} not appended by {@link #appendBulk}, or an
     * append that leaves the spool {@link #halfFull}: the shipper holding back a burst of bulk records is woken by
     * what ends the hold, not by each record of the burst. False once the spool is closed.
     */
    public boolean awaitPromptRecord(long seq, Duration timeout) throws InterruptedException {
        promptWaiter = Thread.currentThread();
        try {
            if (lastPromptSeq < seq && !halfFull() && !closed) {
                LockSupport.parkNanos(this, timeout.toNanos());
            }
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
            return !closed;
        } finally {
            promptWaiter = null;
        }
    }

    /** Whether a record at or after {@code seq} was appended. */
    public boolean hasRecord(long seq) {
        return seq < nextSeq;
    }

    /** Whether the segment at {@code base} may still exist: false once it was deleted or dropped. */
    boolean mayHoldSegment(long base) {
        return base >= firstBase && !closed;
    }

    // --------------------------------------------------------------------------------------- sync and close

    /**
     * Forces appended records and sealed segments to disk, and the directory after segments were created or deleted.
     * Called by the fsync thread, never on the hot path.
     */
    public void sync() throws IOException {
        FileChannel data;
        List<FileChannel> sealed;
        boolean directory;
        lock.lock();
        try {
            if (closed || !dataDirty && !dirDirty && sealedAwaitingSync.isEmpty()) {
                return;
            }
            data = dataDirty ? activeChannel : null;
            dataDirty = false;
            sealed = new ArrayList<>(sealedAwaitingSync);
            sealedAwaitingSync.clear();
            directory = dirDirty;
            dirDirty = false;
            unsynced = false;
        } finally {
            lock.unlock();
        }
        for (FileChannel channel : sealed) {
            try (channel) {
                channel.force(true);
            }
        }
        if (data != null) {
            try {
                data.force(false);
            } catch (ClosedChannelException e) {
                // closed by close(), which forces it itself
            }
        }
        if (directory) {
            try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
                channel.force(true);
            } catch (IOException e) {
                log.debug("cannot fsync spool directory {}: {}", dir, e.toString());
            }
        }
    }

    /**
     * Waits until something awaits {@link #sync}, the timeout passes, the spool closes or the waiting thread is
     * unparked (its owner stopping it): the caller looks again in every case. For one waiting thread, the fsync
     * thread: on a quiet host it sleeps until the next append or checkpoint instead of waking every fsync interval to
     * find nothing to force (each wake-up of a thread costs tens of microseconds of CPU in a VM).
     */
    public void awaitUnsynced(Duration timeout) {
        syncWaiter = Thread.currentThread();
        try {
            // Set the waiter before looking: whatever dirties the spool after this look finds it and unparks.
            if (!unsynced && !closed) {
                LockSupport.parkNanos(this, timeout.toNanos());
            }
        } finally {
            syncWaiter = null;
        }
    }

    /** Under the lock, after setting what {@link #sync} forces: wakes the fsync thread if it waits. */
    private void dirtied() {
        unsynced = true;
        Thread waiter = syncWaiter;
        if (waiter != null) {
            LockSupport.unpark(waiter);
        }
    }

    public Stats stats() {
        lock.lock();
        try {
            return new Stats(segments.size(), totalBytes, nextSeq, checkpoint.seq(), droppedSegments,
                    droppedRecords, droppedBytes, refusedRecords);
        } finally {
            lock.unlock();
        }
    }

    public SpoolConfig config() {
        return config;
    }

    /** Records another owner left unshipped, which {@link #open(SpoolConfig, SpoolOwner)} set aside. */
    public long setAsideRecords() {
        return setAsideRecords;
    }

    /** Forces everything to disk, wakes waiting appenders (they get ClosedException) and unlocks the directory. */
    @Override
    public void close() throws IOException {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            changed.signalAll();
            Thread waiter = recordWaiter;
            if (waiter != null) {
                LockSupport.unpark(waiter);
            }
            Thread holder = promptWaiter;
            if (holder != null) {
                LockSupport.unpark(holder);
            }
            Thread syncing = syncWaiter;
            if (syncing != null) {
                LockSupport.unpark(syncing);
            }
            for (FileChannel channel : sealedAwaitingSync) {
                try (channel) {
                    channel.force(true);
                }
            }
            sealedAwaitingSync.clear();
            if (activeChannel != null) {
                try (FileChannel channel = activeChannel) {
                    channel.force(true);
                }
            }
        } finally {
            unlockThenUnlink();
            try {
                if (dirLock.isValid()) {
                    dirLock.release();
                }
            } finally {
                lockChannel.close();
            }
        }
    }

    private void closeQuietly() {
        try {
            close();
        } catch (IOException | RuntimeException e) {
            log.debug("closing spool after failed open: {}", e.toString());
        }
    }

    // -------------------------------------------------------------------------------------------- utilities

    static String segmentName(long base) {
        return String.format("%020d.seg", base);
    }

    static int crc32c(byte[] bytes) {
        return crc32c(bytes, 0, bytes.length);
    }

    static int crc32c(byte[] bytes, int offset, int length) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, offset, length);
        return (int) crc.getValue();
    }

    static void readFully(FileChannel channel, ByteBuffer buf, long position) throws IOException {
        long at = position;
        while (buf.hasRemaining()) {
            int n = channel.read(buf, at);
            if (n < 0) {
                throw new java.io.EOFException("unexpected end of spool segment at " + at);
            }
            at += n;
        }
    }

    private static boolean hasMagic(Path path) throws IOException {
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            return hasMagic(channel);
        }
    }

    private static boolean hasMagic(FileChannel channel) throws IOException {
        if (channel.size() < SEGMENT_HEADER_BYTES) {
            return false;
        }
        ByteBuffer magic = ByteBuffer.allocate(SEGMENT_HEADER_BYTES);
        readFully(channel, magic, 0);
        return java.util.Arrays.equals(magic.array(), SEGMENT_MAGIC);
    }

    private void quarantine(Path path, String why) throws IOException {
        Path aside = path.resolveSibling(path.getFileName() + ".corrupt");
        log.warn("spool file {} is set aside as {}: {}", path, aside.getFileName(), why);
        Files.move(path, aside, StandardCopyOption.REPLACE_EXISTING);
    }

    private static FileChannel openPrivate(Path path, StandardOpenOption... options) throws IOException {
        Set<StandardOpenOption> set = Set.of(options);
        try {
            return FileChannel.open(path, set, PRIVATE_FILE);
        } catch (UnsupportedOperationException e) {
            return FileChannel.open(path, set);
        }
    }

    @Override
    public String toString() {
        return "Spool[" + dir + "]";
    }

    /** For tests: the segment files, oldest first. */
    List<Path> segmentFiles() {
        lock.lock();
        try {
            return segments.values().stream().map(s -> s.path).toList();
        } finally {
            lock.unlock();
        }
    }
}
