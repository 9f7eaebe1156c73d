package io.supervisorkafka.streams.supervisor;

import io.supervisorkafka.schemas.ProcessStatus;

/**
 * One process's status before and after an input, forwarded by {@link ProcessStatusDeriver} so that downstream
 * processors know the previous status without a store of their own.
 *
 * @param before       the stored status before, or null when the process was not known
 * @param after        the status now, or null when the process is gone (a tombstone)
 * @param exitExpected for an EXITED event, supervisord's {@code expected} flag; null otherwise
 */
public record ProcessStatusChange(String server, ProcessStatus before, ProcessStatus after, Boolean exitExpected) {

    public ProcessStatusChange {
        if (before == null && after == null) {
            throw new IllegalArgumentException("a change needs a status before or after");
        }
    }

    public boolean removed() {
        return after == null;
    }
}
