package io.supervisorkafka.listener.supervisor.protocol;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * supervisord's eventlistener protocol, listener side (supervisor/dispatchers.py, supervisor/process.py).
 *
 * <pre>
 * listener:    READY\n
 * supervisord: ver:3.0 server:supervisor serial:21 pool:listener poolserial:10 eventname:PROCESS_STATE_RUNNING len:54\n
 *              &lt;payload: len code points&gt;
 * listener:    RESULT 2\nOK          (then READY\n again)
 * </pre>
 *
 * <p>supervisord 4 computes {@code len} with Python's {@code len()} on the payload <em>text</em>, so it counts Unicode
 * code points, not bytes and not UTF-16 units: the payload is read as UTF-8 and counted code point by code point
 * (an astral character is one). Nothing is decoded to a String here: the bytes are validated, counted and kept.
 *
 * <p>Not thread-safe: one protocol loop owns it.
 */
public final class EventListenerProtocol {
    /** A header line is ~120 bytes; a longer one means the stream is garbage. */
    public static final int MAX_HEADER_BYTES = 64 * 1024;
    /** Longer payloads are read (to stay in step) but not kept: they could not be a Kafka record anyway. */
    public static final long DEFAULT_MAX_PAYLOAD_CODE_POINTS = 1024 * 1024;

    private static final byte[] READY = "READY\n".getBytes(StandardCharsets.US_ASCII);
    /** The result and the next READY in one write: supervisord parses both from its buffer. */
    private static final byte[] OK_THEN_READY = "RESULT 2\nOKREADY\n".getBytes(StandardCharsets.US_ASCII);

    private final InputStream in;
    private final OutputStream out;
    private final long maxPayloadCodePoints;
    private final byte[] buffer = new byte[16 * 1024];
    private final ReceivedEvent current = new ReceivedEvent();
    private int position;
    private int limit;

    public EventListenerProtocol(InputStream in, OutputStream out) {
        this(in, out, DEFAULT_MAX_PAYLOAD_CODE_POINTS);
    }

    public EventListenerProtocol(InputStream in, OutputStream out, long maxPayloadCodePoints) {
        this.in = in;
        this.out = out;
        this.maxPayloadCodePoints = maxPayloadCodePoints;
    }

    /** Tells supervisord the listener can take an event. */
    public void ready() throws IOException {
        out.write(READY);
        out.flush();
    }

    /** Acknowledges the event just read ({@code RESULT 2\nOK}) and asks for the next one ({@code READY\n}). */
    public void acknowledgeAndReady() throws IOException {
        out.write(OK_THEN_READY);
        out.flush();
    }

    /**
     * Reads the next event: its header line and its payload, as an {@link EventEnvelope} of its own.
     *
     * @return the event, or null when supervisord closed stdin between events
     * @throws ProtocolException when the input breaks the protocol; its {@link ProtocolException#kind()} tells whether
     *                           the stream can go on
     */
    public EventEnvelope readEvent() throws IOException {
        ReceivedEvent event = read();
        return event == null ? null : event.toEnvelope();
    }

    /**
     * Reads the next event into this protocol's {@link ReceivedEvent}, whose arrays are reused for the one after: the
     * protocol loop's way, which allocates nothing for an event as supervisord writes it.
     *
     * @return the event, good until the next read, or null when supervisord closed stdin between events
     * @throws ProtocolException as {@link #readEvent}
     */
    public ReceivedEvent read() throws IOException {
        ReceivedEvent event = current;
        event.releaseLargeArrays();
        if (!readHeaderLine(event)) {
            return null;
        }
        event.readHeader();
        long length = event.declaredLength();
        if (length < 0) {
            String len = event.header().tokens().get("len");
            throw new ProtocolException(ProtocolException.Kind.UNRECOVERABLE, (len == null
                    ? "event header has no len token"
                    : "event header has an invalid len '" + len + "'")
                    + ", so the payload cannot be delimited: [" + abbreviate(event.headerText()) + "]");
        }
        event.payloadCodePoints = length;
        if (length > maxPayloadCodePoints) {
            skipPayload(length, event);
            event.payloadKept = false;
            event.payloadLength = 0;
        } else {
            readPayload((int) length, event);
            event.payloadKept = true;
        }
        return event;
    }

    /** Reads the header line, without its newline, into {@code event}'s array; false at the end of the input. */
    private boolean readHeaderLine(ReceivedEvent event) throws IOException {
        int lineLength = 0;
        boolean started = false;
        while (true) {
            if (position == limit && !fill()) {
                if (!started) {
                    return false;
                }
                throw new ProtocolException(ProtocolException.Kind.TRUNCATED_AT_EOF,
                        "stdin closed in the middle of an event header line ("
                                + lineLength + " bytes read)");
            }
            started = true;
            int newline = indexOf(buffer, position, limit, (byte) '\n');
            int end = newline < 0 ? limit : newline;
            int chunk = end - position;
            if (lineLength + chunk > MAX_HEADER_BYTES) {
                throw new ProtocolException(ProtocolException.Kind.UNRECOVERABLE,
                        "event header line longer than " + MAX_HEADER_BYTES + " bytes: not the eventlistener protocol");
            }
            if (event.headerLine.length < lineLength + chunk) {
                event.headerLine = Arrays.copyOf(event.headerLine,
                        Math.max(event.headerLine.length * 2, lineLength + chunk));
            }
            System.arraycopy(buffer, position, event.headerLine, lineLength, chunk);
            lineLength += chunk;
            position = end;
            if (newline >= 0) {
                position++; // the newline
                if (lineLength > 0 && event.headerLine[lineLength - 1] == '\r') {
                    lineLength--;
                }
                event.headerLength = lineLength;
                return true;
            }
        }
    }

    /** The header line {@code [0, length)} of {@code line} as text; supervisord's headers are ASCII. */
    static String decodeHeader(byte[] line, int length) throws ProtocolException {
        if (isAscii(line, length)) {
            return new String(line, 0, length, StandardCharsets.US_ASCII); // no decoder to allocate
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(line, 0, length))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new ProtocolException(ProtocolException.Kind.UNRECOVERABLE,
                    "event header line is not valid UTF-8: not the eventlistener protocol");
        }
    }

    /** Whether the first {@code length} bytes are ASCII. */
    static boolean isAscii(byte[] bytes, int length) {
        for (int i = 0; i < length; i++) {
            if (bytes[i] < 0) {
                return false;
            }
        }
        return true;
    }

    /** Reads {@code codePoints} UTF-8 encoded code points, validating each sequence, into {@code event}'s array. */
    private void readPayload(int codePoints, ReceivedEvent event) throws IOException {
        byte[] payload = ensureCapacity(event.payload, Math.min(codePoints, ReceivedEvent.MAX_KEPT_BYTES), codePoints);
        int size = 0;
        int remaining = codePoints;
        try {
            while (remaining > 0) {
                if (position == limit && !fill()) {
                    throw truncatedPayload(codePoints, remaining, event);
                }
                // ASCII fast path: copy the run of single-byte code points in one go.
                int run = Math.min(limit - position, remaining);
                int ascii = 0;
                while (ascii < run && buffer[position + ascii] >= 0) {
                    ascii++;
                }
                if (ascii > 0) {
                    payload = ensureCapacity(payload, size + ascii, codePoints);
                    System.arraycopy(buffer, position, payload, size, ascii);
                    size += ascii;
                    position += ascii;
                    remaining -= ascii;
                    continue;
                }
                payload = ensureCapacity(payload, size + 4, codePoints);
                size += readMultiByteCodePoint(payload, size, codePoints, remaining, event);
                remaining--;
            }
        } finally {
            event.payload = payload;
            event.payloadLength = size;
        }
    }

    /** Reads and validates {@code codePoints} code points without keeping them. */
    private void skipPayload(long codePoints, ReceivedEvent event) throws IOException {
        byte[] scratch = new byte[4];
        long remaining = codePoints;
        while (remaining > 0) {
            if (position == limit && !fill()) {
                throw truncatedPayload(codePoints, remaining, event);
            }
            if (buffer[position] >= 0) {
                position++;
            } else {
                readMultiByteCodePoint(scratch, 0, codePoints, remaining, event);
            }
            remaining--;
        }
    }

    /**
     * Reads one multi-byte UTF-8 sequence (RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF) into
     * {@code target} and returns its length.
     */
    private int readMultiByteCodePoint(byte[] target, int at, long codePoints, long remaining, ReceivedEvent event)
            throws IOException {
        int lead = buffer[position] & 0xff;
        int continuation;
        int secondMin = 0x80;
        int secondMax = 0xbf;
        if (lead >= 0xc2 && lead <= 0xdf) {
            continuation = 1;
        } else if (lead >= 0xe0 && lead <= 0xef) {
            continuation = 2;
            if (lead == 0xe0) {
                secondMin = 0xa0;
            } else if (lead == 0xed) {
                secondMax = 0x9f;
            }
        } else if (lead >= 0xf0 && lead <= 0xf4) {
            continuation = 3;
            if (lead == 0xf0) {
                secondMin = 0x90;
            } else if (lead == 0xf4) {
                secondMax = 0x8f;
            }
        } else {
            throw invalidUtf8(lead, codePoints, remaining, event);
        }
        target[at] = buffer[position++];
        for (int i = 1; i <= continuation; i++) {
            if (position == limit && !fill()) {
                throw truncatedPayload(codePoints, remaining, event);
            }
            int b = buffer[position] & 0xff;
            int min = i == 1 ? secondMin : 0x80;
            int max = i == 1 ? secondMax : 0xbf;
            if (b < min || b > max) {
                throw invalidUtf8(b, codePoints, remaining, event);
            }
            target[at + i] = buffer[position++];
        }
        return continuation + 1;
    }

    private static byte[] ensureCapacity(byte[] bytes, int needed, int codePoints) {
        if (needed <= bytes.length) {
            return bytes;
        }
        long maxBytes = 4L * codePoints;
        int grown = (int) Math.min(maxBytes, Math.max((long) needed, 2L * bytes.length));
        return Arrays.copyOf(bytes, grown);
    }

    private ProtocolException truncatedPayload(long codePoints, long remaining, ReceivedEvent event) {
        return new ProtocolException(ProtocolException.Kind.TRUNCATED_AT_EOF,
                "stdin closed in the middle of the payload of " + describe(event) + " ("
                        + (codePoints - remaining) + " of " + codePoints + " code points read)");
    }

    private ProtocolException invalidUtf8(int b, long codePoints, long remaining, ReceivedEvent event) {
        return new ProtocolException(ProtocolException.Kind.UNRECOVERABLE,
                String.format("invalid UTF-8 byte 0x%02x in the payload of %s after %d of %d code points: the"
                        + " payload length cannot be counted", b, describe(event), codePoints - remaining, codePoints));
    }

    private static String describe(ReceivedEvent event) {
        return event.eventName() + " serial " + event.header().tokens().get("serial");
    }

    private boolean fill() throws IOException {
        int n;
        do {
            n = in.read(buffer, 0, buffer.length);
        } while (n == 0);
        if (n < 0) {
            position = limit = 0;
            return false;
        }
        position = 0;
        limit = n;
        return true;
    }

    private static int indexOf(byte[] bytes, int from, int to, byte wanted) {
        for (int i = from; i < to; i++) {
            if (bytes[i] == wanted) {
                return i;
            }
        }
        return -1;
    }

    private static String abbreviate(String text) {
        return text.length() <= 300 ? text : text.substring(0, 300) + "...";
    }
}
