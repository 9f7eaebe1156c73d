package io.supervisorkafka.streams.common;

import java.util.List;
import java.util.Optional;

/**
 * What one source's part of the topology emits: its metric points on {@code supervisor.metrics} and its service
 * checks on {@code supervisor.service-checks}. The one place their names, types, units and tags are declared, as an
 * OpenTelemetry receiver's {@code metadata.yaml} is: the processors take names from it, {@code docs/metrics.md} and
 * {@code docs/checks.md} are generated from it, and the tests hold every emitted point and check to it.
 *
 * @param source      short name of the source, e.g. {@code supervisord}
 * @param title       heading of the source in the documents
 * @param description where its outputs come from
 */
public record Catalog(String source, String title, String description, List<MetricSpec> metrics,
                      List<CheckSpec> checks) {

    public Catalog {
        metrics = List.copyOf(metrics);
        checks = List.copyOf(checks);
    }

    /** The metric (or family) a point of this name belongs to. */
    public Optional<MetricSpec> metric(String metricName) {
        return metrics.stream().filter(metric -> metric.matches(metricName)).findFirst();
    }

    public Optional<CheckSpec> check(String checkName) {
        return checks.stream().filter(check -> check.name().equals(checkName)).findFirst();
    }
}
