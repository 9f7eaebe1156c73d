package io.supervisorkafka.streams.supervisor;

import io.supervisorkafka.schemas.ProcessExit;
import io.supervisorkafka.schemas.ProcessStatus;

/**
 * One process's status before and after an input, forwarded by {@link ProcessStatusDeriver} so that downstream
 * processors know the previous status without a store of their own.
 *
 * @param before       the stored status before, or null when the process was not known
 * @param after        the status now, or null when the process is gone (a tombstone)
 * @param exitExpected for an EXITED event, supervisord's {@code expected} flag; null otherwise
 * @param exit         the listener's exit record this change applied (it arrived, or had arrived before its event);
 *                     null otherwise
 * @param awaitedExit  for a change made by an exit event whose record has not arrived yet but is expected (the
 *                     server's listener publishes them): the event's id, which that record will carry; else null
 * @param lastOfInput  whether this is the last change one input made (a snapshot changes many processes at once), so
 *                     that a processor summing changes forwards what the input ends with, once
 */
public record ProcessStatusChange(String server, ProcessStatus before, ProcessStatus after, Boolean exitExpected,
                                  ProcessExit exit, String awaitedExit, boolean lastOfInput) {

    public ProcessStatusChange {
        if (before == null && after == null) {
            throw new IllegalArgumentException("a change needs a status before or after");
        }
    }

    /** The only change of its input. */
    public ProcessStatusChange(String server, ProcessStatus before, ProcessStatus after, Boolean exitExpected,
                               ProcessExit exit, String awaitedExit) {
        this(server, before, after, exitExpected, exit, awaitedExit, true);
    }

    /** The only change of its input, without exit record. */
    public ProcessStatusChange(String server, ProcessStatus before, ProcessStatus after, Boolean exitExpected) {
        this(server, before, after, exitExpected, null, null);
    }

    /** This change, marked as the last or not the last of its input. */
    public ProcessStatusChange withLastOfInput(boolean last) {
        return last == lastOfInput ? this
                : new ProcessStatusChange(server, before, after, exitExpected, exit, awaitedExit, last);
    }

    public boolean removed() {
        return after == null;
    }
}
