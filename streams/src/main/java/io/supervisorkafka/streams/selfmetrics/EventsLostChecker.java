package io.supervisorkafka.streams.selfmetrics;

import io.supervisorkafka.schemas.CheckStatus;
import io.supervisorkafka.schemas.ListenerMetrics;
import io.supervisorkafka.schemas.ServiceCheck;
import io.supervisorkafka.streams.common.CheckMessages;
import io.supervisorkafka.streams.common.JsonStores;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;

/**
 * {@code supervisor_kafka.listener.events_lost} per server, from the listener's {@code eventsLost} counter (events
 * supervisord discarded because the listener's event buffer overflowed): WARNING when a metrics record shows events
 * lost since the record before (for a listener that just started, since its start: it counts from there), OK when
 * the next one shows none. Sent on first sight and on change only, like the other checks; a record older than the
 * latest, or without the counter (a listener that does not count), changes nothing.
 */
public final class EventsLostChecker implements Processor<String, ListenerMetrics, String, ServiceCheck> {

    public static final String STORE = "listener-events-lost";

    private ProcessorContext<String, ServiceCheck> context;
    private KeyValueStore<String, ListenerEventsLost> servers;

    public static StoreBuilder<KeyValueStore<String, ListenerEventsLost>> storeBuilder() {
        return JsonStores.persistent(STORE, ListenerEventsLost.class);
    }

    @Override
    public void init(ProcessorContext<String, ServiceCheck> context) {
        this.context = context;
        this.servers = context.getStateStore(STORE);
    }

    @Override
    public void process(Record<String, ListenerMetrics> record) {
        ListenerMetrics metrics = record.value();
        if (metrics == null || metrics.eventsLost() == null) {
            return;
        }
        ListenerEventsLost last = servers.get(metrics.server());
        if (last != null && metrics.observedAt() < last.observedAt()) {
            return;
        }
        boolean sameRun = last != null && last.startedAt() == metrics.startedAt() && metrics.eventsLost() >= last.lost();
        long lost = sameRun ? metrics.eventsLost() - last.lost() : metrics.eventsLost();
        long from = sameRun ? last.observedAt() : metrics.startedAt();
        CheckStatus status = lost > 0 ? CheckStatus.WARNING : CheckStatus.OK;
        CheckStatus previous = last == null ? null : last.status();
        servers.put(metrics.server(), new ListenerEventsLost(metrics.server(), metrics.startedAt(),
                metrics.observedAt(), metrics.eventsLost(), status));
        if (status != previous) {
            ServiceCheck check = new ServiceCheck(ListenerSelfMetricsCatalog.EVENTS_LOST_CHECK.name(),
                    metrics.server(), null, null, status, previous, message(metrics, lost, from),
                    metrics.observedAt());
            context.forward(record.withKey(check.key()).withValue(check));
        }
    }

    /**
     * E.g. {@code supervisord on web-1 discarded 852 events before its listener read them, between
     * 2026-11-22T00:40:45Z and 2026-11-22T00:41:00Z (852 since the listener started at 2026-11-22T00:40:00Z): its
     * event buffer overflowed}.
     */
    static String message(ListenerMetrics metrics, long lost, long from) {
        String window = " between " + CheckMessages.iso(from) + " and " + CheckMessages.iso(metrics.observedAt());
        String total = metrics.eventsLost() + " since the listener started at "
                + CheckMessages.iso(metrics.startedAt());
        if (lost > 0) {
            return "supervisord on " + metrics.server() + " discarded " + lost + (lost == 1 ? " event" : " events")
                    + " before its listener read them," + window + " (" + total
                    + "): its event buffer overflowed, raise the listener's buffer_size";
        }
        return "no event of supervisord on " + metrics.server() + " lost" + window + " (" + total + ")";
    }
}
