package io.supervisorkafka.streams.gunicorn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.assertj.core.api.Assertions.within;

import io.supervisorkafka.testkit.SchemaValidator;
import io.supervisorkafka.schemas.StatsdMetrics;
import io.supervisorkafka.schemas.Topics;
import org.junit.jupiter.api.Test;

/** The capture's interval is the record the listener publishes for it (its gunicorn README shows that record). */
class GunicornStatsdCaptureTest {
    private static final long T0 = 1_795_307_160_000L;

    @Test
    void theCaptureAggregatesAsTheListenerAggregatesIt() {
        StatsdMetrics interval = GunicornStatsdCapture.interval("web-1", T0, T0 + 10_000);

        SchemaValidator.assertValid(Topics.STATSD, interval);
        assertThat(interval.app()).isEqualTo("demo");
        assertThat(interval.metrics()).extracting(StatsdMetrics.Metric::name, StatsdMetrics.Metric::type)
                .containsExactly(tuple("gunicorn.log.warning", StatsdMetrics.COUNTER),
                        tuple("gunicorn.request.duration", StatsdMetrics.TIMER),
                        tuple("gunicorn.request.status.200", StatsdMetrics.COUNTER),
                        tuple("gunicorn.requests", StatsdMetrics.COUNTER),
                        tuple("gunicorn.workers", StatsdMetrics.GAUGE));
        StatsdMetrics.Metric duration = interval.metrics().get(1);
        assertThat(duration.count()).isEqualTo(6.0);
        assertThat(duration.sum()).isCloseTo(4.942, within(1e-9));
        assertThat(duration.min()).isEqualTo(0.255);
        assertThat(duration.max()).isEqualTo(1.305);
        assertThat(duration.sketch()).isEqualTo("DsLx5+ntUfA/AAAAAAAAAAAFBYsBAjACGAJSAgwD");
        assertThat(interval.metrics()).filteredOn(metric -> metric.value() != null)
                .extracting(StatsdMetrics.Metric::value).containsExactly(1.0, 6.0, 6.0, 2.0);
    }

    @Test
    void aSilentIntervalSendsEachCounterAsZero() {
        StatsdMetrics silent = GunicornStatsdCapture.silentInterval("web-1", T0 + 10_000, T0 + 20_000);

        assertThat(silent.metrics()).extracting(StatsdMetrics.Metric::name).containsExactly("gunicorn.log.warning",
                "gunicorn.request.status.200", "gunicorn.requests");
        assertThat(silent.metrics()).extracting(StatsdMetrics.Metric::value).containsOnly(0.0);
    }
}
