package io.supervisorkafka.streams.common;

import java.util.List;
import java.util.Optional;

/**
 * What one source's part of the topology emits: its metric points on {@code supervisor.metrics} and its service
 * checks on {@code supervisor.service-checks}. The one place their names, types, units and tags are declared, as an
 * OpenTelemetry receiver's {@code metadata.yaml} is: the processors take names from it, {@code docs/metrics.md} and
 * {@code docs/checks.md} are generated from it, and the tests hold every emitted point and check to it.
 *
 * <p>It also declares the source's families on the Prometheus endpoint ({@link PromFamily}): what the state stores
 * hold, read at scrape time.
 *
 * @param source      short name of the source, e.g. {@code supervisord}
 * @param title       heading of the source in the documents
 * @param description where its outputs come from
 * @param families    its families on the Prometheus endpoint
 */
public record Catalog(String source, String title, String description, List<MetricSpec> metrics,
                      List<CheckSpec> checks, List<PromFamily> families) {

    public Catalog {
        metrics = List.copyOf(metrics);
        checks = List.copyOf(checks);
        families = List.copyOf(families);
    }

    /** The metric (or family) a point of this name belongs to. */
    public Optional<MetricSpec> metric(String metricName) {
        return metrics.stream().filter(metric -> metric.matches(metricName)).findFirst();
    }

    /** The Prometheus family of this name, as scraped ({@code ..._total} for a counter). */
    public Optional<PromFamily> family(String familyName) {
        return families.stream().filter(family -> family.name().equals(familyName)).findFirst();
    }

    public Optional<CheckSpec> check(String checkName) {
        return checks.stream().filter(check -> check.name().equals(checkName)).findFirst();
    }
}
