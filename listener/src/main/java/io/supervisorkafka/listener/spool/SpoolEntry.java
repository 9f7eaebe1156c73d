package io.supervisorkafka.listener.spool;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * What one spool record holds. The hot path stores an event as supervisord sent it ({@link RawEvent}) so that
 * acknowledging costs no JSON; the snapshot collector stores finished Kafka records ({@link ReadyRecord}).
 */
public sealed interface SpoolEntry {

    byte TYPE_RAW_EVENT = 1;
    byte TYPE_READY_RECORD = 2;

    /**
     * An event as read from supervisord, with what identifies its origin at the time it was read: the server id and
     * the supervisord instance are those of the listener that read it, not of the one that later ships it.
     *
     * @param observedAt epoch ms when the listener read the event
     * @param header     the header line, without its newline
     * @param payload    the payload, UTF-8, exactly {@code len} code points
     */
    record RawEvent(long observedAt, String serverId, String instance, byte[] header, byte[] payload)
            implements SpoolEntry {
        public RawEvent {
            Objects.requireNonNull(serverId, "serverId");
            Objects.requireNonNull(instance, "instance");
            Objects.requireNonNull(header, "header");
            Objects.requireNonNull(payload, "payload");
        }

        /** The length of an event's encoding without headroom, with these bytes of the server id and instance. */
        static int encodedLength(byte[] serverIdBytes, byte[] instanceBytes, int headerLength, int payloadLength) {
            return 1 + 8 + 4 + serverIdBytes.length + 4 + instanceBytes.length + 4 + headerLength + 4 + payloadLength;
        }

        /**
         * Writes {@link #encode}'s bytes at {@code at} of {@code target}, which has {@link #encodedLength} bytes there,
         * from a header and payload in the first bytes of arrays that may be longer (the protocol loop's reused ones):
         * every event's frame, without a buffer object or an entry. The server id's and instance's bytes are taken once
         * by the caller for both calls: another thread's event may change the ones kept meanwhile.
         */
        static void encodeInto(byte[] target, int at, long observedAt, byte[] serverIdBytes, byte[] instanceBytes,
                               byte[] header, int headerLength, byte[] payload, int payloadLength) {
            target[at] = TYPE_RAW_EVENT;
            int next = FrameBytes.putLong(target, at + 1, observedAt);
            next = FrameBytes.putBytes(target, next, serverIdBytes);
            next = FrameBytes.putBytes(target, next, instanceBytes);
            next = FrameBytes.putBytes(target, next, header, headerLength);
            FrameBytes.putBytes(target, next, payload, payloadLength);
        }
    }

    /** A record ready for Kafka: topic, key, value and record timestamp (epoch ms). */
    record ReadyRecord(String topic, byte[] key, byte[] value, long timestamp) implements SpoolEntry {
        public ReadyRecord {
            Objects.requireNonNull(topic, "topic");
            Objects.requireNonNull(value, "value");
        }
    }

    /**
     * The bytes of this entry as stored in a spool record, after {@code headroom} bytes left zero: the spool frames a
     * record in the same array, one allocation and no copy per event on the protocol loop.
     */
    default byte[] encode(int headroom) {
        // Java 17 has no pattern matching for switch; the sealed hierarchy keeps this if/else exhaustive.
        if (this instanceof RawEvent e) {
            byte[] server = FrameBytes.SERVER_IDS.bytes(e.serverId());
            byte[] instance = FrameBytes.INSTANCES.bytes(e.instance());
            byte[] frame = new byte[headroom + RawEvent.encodedLength(server, instance, e.header().length,
                    e.payload().length)];
            RawEvent.encodeInto(frame, headroom, e.observedAt(), server, instance, e.header(), e.header().length,
                    e.payload(), e.payload().length);
            return frame;
        }
        ReadyRecord r = (ReadyRecord) this;
        byte[] topic = utf8(r.topic());
        int keyLength = r.key() == null ? 0 : r.key().length;
        ByteBuffer buf = ByteBuffer.allocate(headroom + 1 + 8 + 4 + topic.length + 4 + keyLength + 4
                + r.value().length);
        buf.position(headroom);
        buf.put(TYPE_READY_RECORD).putLong(r.timestamp());
        putBytes(buf, topic);
        if (r.key() == null) {
            buf.putInt(-1);
        } else {
            putBytes(buf, r.key());
        }
        putBytes(buf, r.value());
        return buf.array();
    }

    /** The entry stored in a spool record; IllegalArgumentException if the bytes are not one. */
    static SpoolEntry decode(byte[] bytes) {
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        try {
            byte type = buf.get();
            SpoolEntry entry = switch (type) {
                case TYPE_RAW_EVENT -> {
                    long observedAt = buf.getLong();
                    String server = string(getBytes(buf));
                    String instance = string(getBytes(buf));
                    byte[] header = getBytes(buf);
                    byte[] payload = getBytes(buf);
                    yield new RawEvent(observedAt, server, instance, header, payload);
                }
                case TYPE_READY_RECORD -> {
                    long timestamp = buf.getLong();
                    String topic = string(getBytes(buf));
                    byte[] key = getBytes(buf);
                    byte[] value = getBytes(buf);
                    yield new ReadyRecord(topic, key, value, timestamp);
                }
                default -> throw new IllegalArgumentException("unknown spool entry type " + type);
            };
            if (buf.hasRemaining()) {
                throw new IllegalArgumentException("spool entry has " + buf.remaining() + " trailing bytes");
            }
            return entry;
        } catch (BufferUnderflowException | NegativeArraySizeException e) {
            throw new IllegalArgumentException("spool entry is truncated", e);
        }
    }

    private static void putBytes(ByteBuffer buf, byte[] bytes) {
        buf.putInt(bytes.length).put(bytes);
    }

    private static byte[] getBytes(ByteBuffer buf) {
        int length = buf.getInt();
        if (length == -1) {
            return null;
        }
        if (length < 0 || length > buf.remaining()) {
            throw new IllegalArgumentException("bad length " + length + " in spool entry");
        }
        byte[] bytes = new byte[length];
        buf.get(bytes);
        return bytes;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String string(byte[] bytes) {
        if (bytes == null) {
            throw new IllegalArgumentException("missing string in spool entry");
        }
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
