package io.supervisorkafka.streams.selfmetrics;

import io.supervisorkafka.schemas.CheckStatus;

/**
 * What {@link EventsLostChecker} keeps per server (store {@value EventsLostChecker#STORE}, JSON).
 *
 * @param startedAt  when the listener of the latest record started, epoch ms: its counters count from then
 * @param observedAt that record's observedAt, epoch ms
 * @param lost       its {@code eventsLost}
 * @param status     the status of the last {@code supervisor_kafka.listener.events_lost} check
 */
public record ListenerEventsLost(String server, long startedAt, long observedAt, long lost, CheckStatus status) {
}
