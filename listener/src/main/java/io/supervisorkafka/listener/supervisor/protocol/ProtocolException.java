package io.supervisorkafka.listener.supervisor.protocol;

import java.io.IOException;

/** The input from supervisord does not follow the eventlistener protocol. */
public final class ProtocolException extends IOException {

    /** Whether the listener can tell where the next event starts. */
    public enum Kind {
        /** supervisord closed stdin in the middle of an event: it is stopping; nothing to resynchronise. */
        TRUNCATED_AT_EOF,
        /**
         * The byte stream cannot be resynchronised (no usable {@code len}, invalid UTF-8 in a payload, a header line
         * that never ends): the listener must exit non-zero so supervisord restarts it with a fresh pipe.
         */
        UNRECOVERABLE
    }

    private final Kind kind;

    public ProtocolException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
