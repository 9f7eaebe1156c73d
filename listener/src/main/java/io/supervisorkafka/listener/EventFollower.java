package io.supervisorkafka.listener;

import io.supervisorkafka.listener.supervisor.protocol.EventHeader;

/**
 * A {@link Source} that follows supervisord's events: the protocol loop tells it of each event it stored, after the
 * spool has it and before it is acknowledged.
 */
public interface EventFollower {
    /**
     * An event is in the spool. Called on the protocol loop, whose turnaround supervisord waits for: must return at
     * once, with no I/O, no lock another thread holds for long, no logging. Work goes to a thread of the source's own.
     *
     * @param header     the event's header
     * @param payload    the event's payload (UTF-8); not to be changed
     * @param serverId   the server id the event's record carries
     * @param instance   the supervisord run the event came from
     * @param observedAt when the listener read it, epoch ms
     */
    void stored(EventHeader header, byte[] payload, String serverId, String instance, long observedAt);
}
