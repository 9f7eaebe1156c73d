package io.supervisorkafka.listener.supervisor.protocol;

/**
 * One event as read from supervisord.
 *
 * @param headerLine        the header line's bytes, without the newline
 * @param header            its tokens
 * @param payload           the payload's bytes (valid UTF-8, {@code len} code points); null if it was too long to keep
 * @param payloadCodePoints the payload length in code points ({@code len})
 */
public record EventEnvelope(byte[] headerLine, EventHeader header, byte[] payload, long payloadCodePoints) {

    /** Whether the payload was read (to stay in step with supervisord) but not kept, being longer than allowed. */
    public boolean payloadDiscarded() {
        return payload == null;
    }
}
