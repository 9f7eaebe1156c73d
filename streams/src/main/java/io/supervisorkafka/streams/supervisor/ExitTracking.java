package io.supervisorkafka.streams.supervisor;

import io.supervisorkafka.schemas.ProcessExit;

/**
 * What {@link ProcessStatusDeriver} keeps per process (store {@value ProcessStatusDeriver#EXITS_STORE}, JSON) to pair
 * exit events with the listener's records of why they happened, which come on another topic, usually after the
 * event and sometimes before it.
 *
 * @param eventId    the id of the process's latest exit event, or null when it had none
 * @param pid        that event's pid, or null
 * @param state      the state it entered, or null
 * @param observedAt when it was observed, epoch ms (0 without one)
 * @param explained  whether its record was applied to the status
 * @param early      a record that came before its event (newer than the latest exit event), waiting for it; or null
 * @param backoffId  when the latest exit is a FATAL: the id of the BACKOFF it follows if that one's record has not
 *                   arrived yet. FATAL ends no run of its own (supervisord gives up after the last try's BACKOFF), so
 *                   that record still tells why the process stopped; else null
 */
public record ExitTracking(String eventId, Long pid, String state, long observedAt, boolean explained,
                           ProcessExit early, String backoffId) {

    /** Whether {@code exit} is the record of the BACKOFF the latest exit, a FATAL, follows. */
    boolean explainsBackoffBy(ProcessExit exit) {
        return backoffId != null && backoffId.equals(exit.eventId());
    }

    /** Whether {@code exit} is the record of the latest exit event: the same event id, or the same pid and state. */
    boolean explainedBy(ProcessExit exit) {
        return explains(exit, eventId, pid, state);
    }

    static boolean explains(ProcessExit exit, String eventId, Long pid, String state) {
        if (eventId != null) {
            return eventId.equals(exit.eventId());
        }
        return pid != null && pid.equals(exit.pid()) && exit.toState().equals(state);
    }
}
