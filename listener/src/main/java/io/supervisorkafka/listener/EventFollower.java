package io.supervisorkafka.listener;

import io.supervisorkafka.listener.supervisor.protocol.ReceivedEvent;

/**
 * A {@link Source} that follows supervisord's events: the protocol loop tells it of each event it stored, after the
 * spool has it and before it is acknowledged.
 */
public interface EventFollower {
    /**
     * An event is in the spool. Called on the protocol loop, whose turnaround supervisord waits for: must return at
     * once, with no I/O, no lock another thread holds for long, no logging. Work goes to a thread of the source's own.
     *
     * @param event      the event, good only during this call: the protocol reads the next one into the same arrays,
     *                   so what is kept is copied ({@link ReceivedEvent#payloadCopy()}); and only for the events the
     *                   follower acts on, the loop making no object for the others
     * @param serverId   the server id the event's record carries
     * @param instance   the supervisord run the event came from
     * @param observedAt when the listener read it, epoch ms
     */
    void stored(ReceivedEvent event, String serverId, String instance, long observedAt);
}
