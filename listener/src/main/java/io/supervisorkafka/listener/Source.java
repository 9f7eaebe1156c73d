package io.supervisorkafka.listener;

import java.io.IOException;

/**
 * A source of records beside supervisord's events: supervisord's XML-RPC snapshots, gunicorn, the Docker engine. The
 * listener starts its sources once the spool is open, after READY, and each runs on background threads of its own
 * (niced, see {@link BackgroundThreads}), never on the protocol loop. What a source publishes goes through the spool,
 * so it reaches Kafka in order with the events and survives a broker outage.
 */
public interface Source extends AutoCloseable {
    /**
     * Starts the source's threads.
     *
     * @param sink     where the source publishes its records (the spool)
     * @param counters where the source registers its counters for the listener's metrics record
     * @throws IOException when the source cannot start (a socket it cannot bind); the listener then exits
     */
    void start(RecordSink sink, SourceCounters counters) throws IOException;

    /**
     * supervisord discarded events before the listener could read them: what the source derives from events may be
     * out of date, so it should take a fresh look at once (the supervisord source takes a snapshot). Called on a
     * background thread; returns without waiting for the work.
     */
    default void eventsLost() {
    }

    /**
     * Stops the source's threads; work under way ends by its own deadline. Safe to call when {@link #start} failed
     * half-way or never ran.
     */
    @Override
    void close();
}
