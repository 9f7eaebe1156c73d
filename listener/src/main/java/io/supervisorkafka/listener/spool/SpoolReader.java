package io.supervisorkafka.listener.spool;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads spool records in order from a position, following segment rolls and skipping what the spool dropped. Used by
 * one thread (the shipper); reads files without holding the spool's lock, up to the length the spool published.
 */
public final class SpoolReader implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SpoolReader.class);

    /**
     * One record.
     *
     * @param seq  its sequence number
     * @param body its bytes (an encoded {@link SpoolEntry})
     * @param next the position just after it: the checkpoint to commit once it is in Kafka
     */
    public record Entry(long seq, byte[] body, SpoolPosition next) {
        public SpoolEntry decode() {
            return SpoolEntry.decode(body);
        }
    }

    private final Spool spool;
    private final ByteBuffer frameHeader = ByteBuffer.allocate(Spool.FRAME_HEADER_BYTES);
    private SpoolPosition position;
    private FileChannel channel;
    private long channelBase = -1;
    private Spool.ReadView cachedView;
    private long cachedBase = -1;

    SpoolReader(Spool spool, SpoolPosition from) {
        this.spool = spool;
        this.position = from;
    }

    /** The position of the next record this reader returns. */
    public SpoolPosition position() {
        return position;
    }

    /** The next record, or null when the reader has caught up with the appends. */
    public Entry next() throws IOException {
        while (true) {
            Spool.ReadView view = view();
            if (view.reposition() != null) {
                position = view.reposition();
                continue;
            }
            long offset = position.offset();
            if (offset + Spool.FRAME_HEADER_BYTES <= view.readableEnd()) {
                try {
                    ensureChannel(position.segmentBase(), view.path());
                    frameHeader.clear();
                    Spool.readFully(channel, frameHeader, offset);
                } catch (NoSuchFileException e) {
                    cachedView = null;
                    spool.forgetMissingSegment(position.segmentBase());
                    continue;
                }
                int length = frameHeader.getInt(0);
                int crc = frameHeader.getInt(4);
                if (length < 0 || length > Spool.MAX_RECORD_BYTES
                        || offset + Spool.FRAME_HEADER_BYTES + length > view.readableEnd()) {
                    skipCorruptSegment(view, "an impossible record length " + length);
                    continue;
                }
                ByteBuffer body = ByteBuffer.allocate(length);
                try {
                    Spool.readFully(channel, body, offset + Spool.FRAME_HEADER_BYTES);
                } catch (EOFException e) {
                    skipCorruptSegment(view, "a record cut short");
                    continue;
                }
                if (Spool.crc32c(body.array()) != crc) {
                    skipCorruptSegment(view, "a record whose CRC32C does not match");
                    continue;
                }
                Entry entry = new Entry(position.seq(), body.array(), new SpoolPosition(position.segmentBase(),
                        offset + Spool.FRAME_HEADER_BYTES + length, position.seq() + 1));
                position = entry.next();
                return entry;
            }
            if (offset < view.readableEnd()) {
                skipCorruptSegment(view, "a torn frame header");
                continue;
            }
            if (view.nextBase() >= 0) {
                position = new SpoolPosition(view.nextBase(), Spool.SEGMENT_HEADER_BYTES, view.nextBase());
                continue;
            }
            return null;
        }
    }

    /**
     * A sealed segment that fails its checks cannot be resynchronised inside (the frame lengths are the only
     * markers): skip to the next segment, losing what is left of this one. The active segment was checked when the
     * spool was opened and is only appended to under the lock, so a failure there is an I/O error, not a skip.
     */
    private void skipCorruptSegment(Spool.ReadView view, String problem) throws IOException {
        if (view.nextBase() < 0) {
            throw new IOException("spool segment " + view.path() + " has " + problem + " at offset "
                    + position.offset());
        }
        log.warn("spool segment {} has {} at offset {}: skipping its remaining records (up to {}), they are lost",
                view.path(), problem, position.offset(), view.nextBase() - position.seq());
        position = new SpoolPosition(view.nextBase(), Spool.SEGMENT_HEADER_BYTES, view.nextBase());
    }

    /**
     * What can be read at the position: the spool's view (taken without its lock), looked up again only when the last
     * one is used up.
     */
    private Spool.ReadView view() {
        Spool.ReadView view = cachedView;
        if (view != null && view.reposition() == null && cachedBase == position.segmentBase()
                && position.offset() + Spool.FRAME_HEADER_BYTES <= view.readableEnd()
                && spool.mayHoldSegment(cachedBase)) {
            return view;
        }
        view = spool.readView(position);
        cachedView = view;
        cachedBase = position.segmentBase();
        return view;
    }

    private void ensureChannel(long base, Path path) throws IOException {
        if (channelBase == base && channel != null) {
            return;
        }
        closeChannel();
        channel = FileChannel.open(path, StandardOpenOption.READ);
        channelBase = base;
    }

    private void closeChannel() throws IOException {
        if (channel != null) {
            try {
                channel.close();
            } finally {
                channel = null;
                channelBase = -1;
            }
        }
    }

    @Override
    public void close() throws IOException {
        closeChannel();
    }
}
