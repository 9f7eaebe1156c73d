package io.supervisorkafka.streams.supervisor;

import io.supervisorkafka.schemas.CheckStatus;
import io.supervisorkafka.schemas.ServiceCheck;

/**
 * What {@link ProcessCheckEmitter} keeps per watched process (store {@value ProcessCheckEmitter#STORE}, JSON): the
 * status of its last {@code supervisord.process.status} check, and the check held for an exit record, if any.
 *
 * @param last           the status of the last check decided (sent, or held in {@code held}): the next one's
 *                       {@code previous}
 * @param held           a check held for the listener's record of the exit that caused it, or null
 * @param awaitedExit    the id of that exit event: its record carries it
 * @param exitExpected   that EXITED event's {@code expected} flag, for the message; else null
 * @param heldUntil      wall-clock time when the held check goes out without the record, epoch ms
 */
public record ProcessCheckState(CheckStatus last, ServiceCheck held, String awaitedExit, Boolean exitExpected,
                                long heldUntil) {

    static ProcessCheckState sent(CheckStatus status) {
        return new ProcessCheckState(status, null, null, null, 0);
    }
}
