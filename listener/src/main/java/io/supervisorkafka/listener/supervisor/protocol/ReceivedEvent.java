package io.supervisorkafka.listener.supervisor.protocol;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * The event {@link EventListenerProtocol#read} has just read, in arrays the protocol reuses for the next one: good
 * until the next read, so whoever keeps something copies it ({@link #payloadCopy}, {@link #toEnvelope}).
 *
 * <p>Why reused: every young collection of the listener's small heap stops the protocol loop for a few milliseconds,
 * and in a burst at supervisord's default {@code buffer_size=10} that is enough for supervisord to discard events.
 * Measured in {@code BurstBenchmark}, the bursts that lost events were those a collection fell into, and the loop was
 * what filled the young generation during a burst (the shipper holds a burst back until it ends; the other threads
 * allocate next to nothing on a quiet host). A usual header (ASCII, as supervisord writes it) is read from its bytes
 * through {@link EventHeader.Scan} without a String, and its server, pool and event name are the strings of the
 * header before while they repeat: the loop reads, checks, spools and acknowledges an event without an object.
 */
public final class ReceivedEvent {
    /** Arrays grown beyond this for one large event are not kept for the next. */
    static final int MAX_KEPT_BYTES = 64 * 1024;

    private final EventHeader.Scan scan = new EventHeader.Scan();
    private final AsciiBytes asciiHeader = new AsciiBytes();
    byte[] headerLine = new byte[256];
    int headerLength;
    byte[] payload = new byte[1024];
    int payloadLength;
    long payloadCodePoints;
    boolean payloadKept;
    /** The header as an object: made for a header that is not usual, else only when asked for. */
    private EventHeader header;
    private String server;
    private String pool;
    private String eventName;
    private long serial;
    private long poolSerial;
    private long declaredLength;

    /** Reads the header line now in {@link #headerLine}: its values, and the object only when it is not usual. */
    void readHeader() throws ProtocolException {
        header = null;
        if (asciiHeader.of(headerLine, headerLength) && scan.read(asciiHeader)) {
            server = scan.server;
            pool = scan.pool;
            eventName = scan.eventName;
            serial = scan.serial;
            poolSerial = scan.poolSerial;
            declaredLength = scan.payloadLength;
            return;
        }
        EventHeader parsed = EventHeader.parse(EventListenerProtocol.decodeHeader(headerLine, headerLength));
        header = parsed;
        server = parsed.server();
        pool = parsed.pool();
        eventName = parsed.eventName();
        serial = parsed.serial();
        poolSerial = parsed.poolSerial();
        declaredLength = parsed.payloadLength();
    }

    /** Drops an array a large event grew, so that one such event does not stay in memory. */
    void releaseLargeArrays() {
        if (headerLine.length > MAX_KEPT_BYTES) {
            headerLine = new byte[256];
        }
        if (payload.length > MAX_KEPT_BYTES) {
            payload = new byte[1024];
        }
    }

    /** The header as an object (allocates for a usual header: not for the loop's path). */
    public EventHeader header() {
        EventHeader made = header;
        if (made == null) {
            made = EventHeader.parse(headerText());
            header = made;
        }
        return made;
    }

    /** The header line as text, without its newline (allocates). */
    public String headerText() {
        return new String(headerLine, 0, headerLength, StandardCharsets.UTF_8);
    }

    /** The header line's bytes, in {@code [0, headerLength())}. */
    public byte[] headerBytes() {
        return headerLine;
    }

    public int headerLength() {
        return headerLength;
    }

    /** The payload's bytes (valid UTF-8), in {@code [0, payloadLength())}; see {@link #payloadDiscarded}. */
    public byte[] payloadBytes() {
        return payload;
    }

    public int payloadLength() {
        return payloadLength;
    }

    /** A copy of the header line, to keep. */
    public byte[] headerCopy() {
        return Arrays.copyOf(headerLine, headerLength);
    }

    /** A copy of the payload, to keep. */
    public byte[] payloadCopy() {
        return Arrays.copyOf(payload, payloadLength);
    }

    /** The payload length in code points ({@code len}). */
    public long payloadCodePoints() {
        return payloadCodePoints;
    }

    /** Whether the payload was read (to stay in step with supervisord) but not kept, being longer than allowed. */
    public boolean payloadDiscarded() {
        return !payloadKept;
    }

    /** The {@code len} token; -1 when missing or not a number. */
    long declaredLength() {
        return declaredLength;
    }

    public String server() {
        return server;
    }

    public String pool() {
        return pool;
    }

    public String eventName() {
        return eventName;
    }

    public long serial() {
        return serial;
    }

    public long poolSerial() {
        return poolSerial;
    }

    /** As {@link EventHeader#bulk}. */
    public boolean bulk() {
        return EventHeader.bulk(eventName);
    }

    /** As {@link EventHeader#problems}: empty, without allocating, for a good header. */
    public List<String> problems() {
        return EventHeader.problems(serial, poolSerial, pool, eventName);
    }

    /** The event as an {@link EventEnvelope} of its own (copies). */
    public EventEnvelope toEnvelope() {
        return new EventEnvelope(headerCopy(), header(),
                payloadKept ? payloadCopy() : null, payloadCodePoints);
    }

    /** An ASCII header's bytes as characters, without decoding them: one view, pointed at each header in turn. */
    private static final class AsciiBytes implements CharSequence {
        private byte[] bytes;
        private int length;

        /** Points this view at {@code [0, length)} of {@code bytes}; false (and not usable) when they are not ASCII. */
        boolean of(byte[] bytes, int length) {
            if (!EventListenerProtocol.isAscii(bytes, length)) {
                return false;
            }
            this.bytes = bytes;
            this.length = length;
            return true;
        }

        @Override
        public int length() {
            return length;
        }

        @Override
        public char charAt(int index) {
            return (char) bytes[index];
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return new String(bytes, start, end - start, StandardCharsets.US_ASCII);
        }

        @Override
        public String toString() {
            return new String(bytes, 0, length, StandardCharsets.US_ASCII);
        }
    }
}
