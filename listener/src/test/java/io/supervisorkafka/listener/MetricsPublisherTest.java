package io.supervisorkafka.listener;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.supervisorkafka.schemas.ListenerMetrics;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class MetricsPublisherTest {
    private final AtomicLong acknowledged = new AtomicLong();
    private final List<String> publishedOn = new CopyOnWriteArrayList<>();
    private final List<ListenerMetrics> published = new CopyOnWriteArrayList<>();

    private ListenerMetrics read() {
        return new ListenerMetrics("web-1", "4242-1700000000000", 1, 2, acknowledged.get(), 0, 0, 0, 0,
                new ListenerMetrics.Spool("block", 0, 1024, 0, 0, 0), Map.of());
    }

    private void spool(ListenerMetrics record) {
        publishedOn.add(Thread.currentThread().getName());
        published.add(record);
    }

    @Test
    void publishesEveryIntervalOnItsOwnThreadAndOnceMoreOnClose() {
        MetricsPublisher publisher = new MetricsPublisher(Duration.ofMillis(50), this::read, this::spool);
        publisher.start();
        await().atMost(Duration.ofSeconds(5)).until(() -> published.size() >= 2);
        assertThat(publishedOn).containsOnly(MetricsPublisher.THREAD);

        acknowledged.set(7);
        publisher.close();
        int afterClose = published.size();
        assertThat(published.get(afterClose - 1).eventsAcknowledged()).as("read when closing").isEqualTo(7);
        assertThat(publishedOn.get(afterClose - 1)).isEqualTo(Thread.currentThread().getName());
        await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(1))
                .until(() -> published.size() == afterClose);
    }

    @Test
    void aSinkThatThrowsDoesNotStopLaterPublications() {
        // An exception or an error thrown in a scheduled task would cancel the schedule silently.
        List<Throwable> failures = List.of(new IllegalStateException("spool closed"),
                new AssertionError("a bug"), new IllegalStateException("again"), new AssertionError("again"));
        AtomicLong calls = new AtomicLong();
        MetricsPublisher publisher = new MetricsPublisher(Duration.ofMillis(20), this::read, record -> {
            long call = calls.getAndIncrement();
            if (call < failures.size()) {
                Throwable failure = failures.get((int) call);
                if (failure instanceof Error error) {
                    throw error;
                }
                throw (RuntimeException) failure;
            }
            spool(record);
        });
        publisher.start();
        try {
            await().atMost(Duration.ofSeconds(5)).until(() -> published.size() >= 2);
        } finally {
            publisher.close();
        }
        assertThat(calls.get()).isGreaterThan(failures.size() + 1L);
        assertThat(publishedOn).contains(MetricsPublisher.THREAD);
    }

    @Test
    void aZeroIntervalPublishesNothingNotEvenOnClose() {
        MetricsPublisher publisher = new MetricsPublisher(Duration.ZERO, this::read, this::spool);
        publisher.start();
        publisher.close();
        assertThat(published).isEmpty();
    }

    @Test
    void sourceCountersAreReadWhenPublishedAndNamedAsTheSchemaRequires() {
        SourceCounters sources = new SourceCounters();
        AtomicLong ok = new AtomicLong(3);
        sources.register("snapshots.ok", ok::get);
        sources.register("statsd.malformed", () -> 1);
        ok.set(4);
        assertThat(sources.read()).containsExactly(Map.entry("snapshots.ok", 4L), Map.entry("statsd.malformed", 1L));
        assertThatThrownBy(() -> sources.register("Docker OK", () -> 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("source.counter");
    }
}
