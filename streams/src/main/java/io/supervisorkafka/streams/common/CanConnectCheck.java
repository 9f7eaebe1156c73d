package io.supervisorkafka.streams.common;

import io.supervisorkafka.schemas.CheckStatus;
import io.supervisorkafka.schemas.ServiceCheck;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The {@code can_connect} service check of a component that a listener observes periodically on every server
 * (supervisord by its XML-RPC snapshots, the Docker engine by its scrapes): OK when the last observation succeeded,
 * CRITICAL with its error when it failed, UNKNOWN when none has arrived within the staleness limit. Emitted on first
 * sight and on change only (the alerting feed), with key {@code check|server}.
 *
 * <p>An observation older than the newest one seen says nothing about now and is ignored. Staleness is judged on
 * arrival (wall clock), so that a backlog being caught up raises no false alarm; since silence produces no record to
 * react to, the source's processor calls {@link #markStale} from a wall-clock punctuation.
 *
 * <p>Each source keeps its own record per server, a {@link State}, in its own store: the JSON layout of those records
 * is what running deployments hold, so it stays the source's.
 *
 * @param <S> the source's record per server
 */
public final class CanConnectCheck<S extends CanConnectCheck.State<S>> {

    /** What the check needs of the record a source keeps per server. */
    public interface State<S> {
        String server();

        /** The last status emitted; null until a first observation. */
        CheckStatus status();

        /** When that status began, epoch ms. */
        long since();

        /** {@code observedAt} of the newest observation, epoch ms. */
        long lastObservedAt();

        /** Wall-clock time the newest observation was processed, epoch ms. */
        long lastArrivalAt();

        S withStatus(CheckStatus status, long since);
    }

    /**
     * One observation of the component on a server.
     *
     * @param endpoint where it was observed, for the messages; null when unknown
     * @param error    why it failed; null when it succeeded
     * @param detail   what a successful observation tells of the component for the OK message, e.g. its version; or
     *                 null
     */
    public record Observation(String server, long observedAt, String endpoint, String error, String detail) {
        public boolean ok() {
            return error == null;
        }
    }

    /**
     * What an observation means for the check.
     *
     * @param status the status to keep
     * @param since  when it began
     * @param check  the check to emit; null when the status did not change
     */
    public record Verdict(CheckStatus status, long since, ServiceCheck check) {
    }

    private final String check;
    private final String component;
    private final String observation;
    private final Duration staleAfter;

    /**
     * @param check       the check's name, e.g. {@code supervisord.can_connect}
     * @param component   what is observed, as the messages name it: {@code supervisord}, {@code docker engine}
     * @param observation one observation, as the UNKNOWN message names it: {@code snapshot of supervisord}
     * @param staleAfter  how long without an observation before the check turns UNKNOWN
     */
    public CanConnectCheck(String check, String component, String observation, Duration staleAfter) {
        this.check = check;
        this.component = component;
        this.observation = observation;
        this.staleAfter = staleAfter;
    }

    /** The verdict on an observation, given the server's record; empty when the observation is older than it. */
    public Optional<Verdict> observe(S current, Observation observed) {
        if (current != null && observed.observedAt() < current.lastObservedAt()) {
            return Optional.empty();
        }
        CheckStatus status = observed.ok() ? CheckStatus.OK : CheckStatus.CRITICAL;
        CheckStatus previous = current == null ? null : current.status();
        if (previous == status) {
            return Optional.of(new Verdict(status, current.since(), null));
        }
        long since = observed.observedAt();
        String message = observed.ok()
                ? CheckMessages.reachable(component, observed.server(), observed.endpoint(), since, observed.detail())
                : CheckMessages.unreachable(component, observed.server(), observed.endpoint(), since,
                observed.error());
        return Optional.of(new Verdict(status, since, check(observed.server(), status, previous, message, since)));
    }

    /**
     * Turns UNKNOWN every server of {@code store} that has had no observation for longer than the staleness limit at
     * wall-clock time {@code now}, and hands each such check to {@code emit}.
     */
    public void markStale(KeyValueStore<String, S> store, long now, Consumer<ServiceCheck> emit) {
        List<S> stale = new ArrayList<>();
        // Read before any is written: the store is not to be changed under an open iterator.
        try (KeyValueIterator<String, S> all = store.all()) {
            all.forEachRemaining(entry -> {
                S server = entry.value;
                if (server != null && server.status() != null && server.status() != CheckStatus.UNKNOWN
                        && now - server.lastArrivalAt() > staleAfter.toMillis()) {
                    stale.add(server);
                }
            });
        }
        for (S server : stale) {
            store.put(server.server(), server.withStatus(CheckStatus.UNKNOWN, now));
            emit.accept(check(server.server(), CheckStatus.UNKNOWN, server.status(),
                    CheckMessages.stale(observation, server.server(), server.lastObservedAt(), staleAfter), now));
        }
    }

    private ServiceCheck check(String server, CheckStatus status, CheckStatus previous, String message, long at) {
        return new ServiceCheck(check, server, null, null, status, previous, message, at);
    }
}
