package io.supervisorkafka.schemas;

/**
 * Why a process left its run (topic {@link Topics#PROCESS_EXITS}, key server id): one record per PROCESS_STATE_EXITED,
 * BACKOFF, FATAL and STOPPED event, published by the listener after the event itself, with what supervisord knows
 * only outside its events (they carry no exit status): its main log's {@code exited:}/{@code stopped:} line, the
 * process's {@code getProcessInfo}, and the tail of what the process wrote.
 *
 * @param server      the server id, as on the event
 * @param instance    the supervisord run that emitted the event ({@code pid-startMillis}), as on the event
 * @param serial      supervisord's serial of the exit event: {@code server/instance/serial} is the event's id
 * @param group       the process group
 * @param name        the process name
 * @param fromState   the state the event says the process left
 * @param toState     EXITED, BACKOFF, FATAL or STOPPED
 * @param expected    whether supervisord took the exit as expected (the exit code one of the program's
 *                    {@code exitcodes}): the EXITED event's {@code expected}, else the log's {@code exited:} line
 *                    ({@code not expected} for every exit too quick to reach RUNNING); null for a stop, or unknown
 * @param pid         the pid of the run that ended, when the event or the log names it
 * @param exitStatus  the exit status, when the run ended by exiting; null when a signal ended it or it is unknown
 * @param signal      the signal that ended the run ({@code SIGKILL}), or null
 * @param runSeconds  how long that run lasted: from supervisord's log (spawned to exited, to the millisecond), else
 *                    from the STARTING event to the exit event as the listener read them; null when unknown
 * @param outputTail  the last bytes the run wrote to stderr (to stdout when stderr is redirected), at most the
 *                    listener's {@code listener.exits.tail.bytes}; null when off or unavailable
 * @param outputStream {@code stderr} or {@code stdout}: where {@code outputTail} comes from; null with no tail
 * @param error       why some of the context could not be fetched (the record still carries what was found); null
 *                    when everything was fetched
 * @param observedAt  when the listener read the exit event, epoch ms (the Kafka record timestamp)
 * @param fetchedAt   when the context was fetched, epoch ms
 */
public record ProcessExit(
        String server,
        String instance,
        long serial,
        String group,
        String name,
        String fromState,
        String toState,
        Boolean expected,
        Long pid,
        Integer exitStatus,
        String signal,
        Double runSeconds,
        String outputTail,
        String outputStream,
        String error,
        long observedAt,
        long fetchedAt) {

    /** The id of the exit event this record explains, as {@link SupervisorEvent#eventId()}. */
    public String eventId() {
        return server + "/" + instance + "/" + serial;
    }

    /** The status key of the process, as {@link ProcessStatus#key()}. */
    public String processKey() {
        return ProcessStatus.key(server, group, name);
    }

    /** "exit status 3" or "signal SIGKILL", or null when neither is known. */
    public String cause() {
        if (signal != null) {
            return "signal " + signal;
        }
        return exitStatus == null ? null : "exit status " + exitStatus;
    }

    /** The last non-blank line of the output tail, or null. */
    public String lastOutputLine() {
        if (outputTail == null) {
            return null;
        }
        String[] lines = outputTail.split("\r?\n");
        for (int i = lines.length - 1; i >= 0; i--) {
            if (!lines[i].isBlank()) {
                return lines[i].strip();
            }
        }
        return null;
    }
}
