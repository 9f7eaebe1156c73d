package io.supervisorkafka.listener.spool;

import java.util.Locale;

/** What the spool does when an append would take it past its maximum size. */
public enum SpoolFullPolicy {
    /**
     * Delete the oldest segment, shipped or not, with a stderr warning and a counter: the listener keeps acknowledging
     * events so supervisord never stalls, and the oldest unshipped events are the ones lost. The default: the newest
     * events are the ones that describe the current state.
     */
    DROP_OLDEST("drop-oldest"),
    /**
     * Stop acknowledging events until the shipper frees space: nothing is dropped by the listener, but supervisord
     * buffers (and past its own {@code buffer_size}, drops) events meanwhile.
     */
    BLOCK("block");

    private final String optionValue;

    SpoolFullPolicy(String optionValue) {
        this.optionValue = optionValue;
    }

    /** The value as written on the command line and in the config file. */
    public String optionValue() {
        return optionValue;
    }

    public static SpoolFullPolicy parse(String value) {
        String normalized = value.trim().toLowerCase(Locale.ROOT).replace('_', '-');
        for (SpoolFullPolicy policy : values()) {
            if (policy.optionValue.equals(normalized)) {
                return policy;
            }
        }
        throw new IllegalArgumentException("unknown spool full policy '" + value + "': use drop-oldest or block");
    }

    @Override
    public String toString() {
        return optionValue;
    }
}
