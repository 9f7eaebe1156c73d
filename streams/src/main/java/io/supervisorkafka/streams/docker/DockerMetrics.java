package io.supervisorkafka.streams.docker;

import io.supervisorkafka.schemas.DockerSnapshot;
import io.supervisorkafka.schemas.MetricPoint;
import io.supervisorkafka.streams.common.MetricSpec;
import io.supervisorkafka.streams.common.TagSpec;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Docker engine's metric points of {@link DockerCatalog}, from the Prometheus families of dockerd's
 * {@code /metrics} page: containers by state, engine info as tags, counters turned into rates and the container-action
 * histogram into an average and a 95th percentile between two scrapes. Pure functions.
 */
public final class DockerMetrics {

    static final String CONTAINER_STATES_FAMILY = "engine_daemon_container_states_containers";
    static final String ENGINE_INFO_FAMILY = "engine_daemon_engine_info";
    static final String EVENTS_FAMILY = "engine_daemon_events_total";
    static final String HEALTH_CHECKS_FAILED_FAMILY = "engine_daemon_health_checks_failed_total";
    static final String CONTAINER_ACTIONS_FAMILY = "engine_daemon_container_actions_seconds";

    /** The states of {@value #CONTAINER_STATES_FAMILY}, each always sent: a gauge that stops being sent is not 0. */
    public static final List<String> CONTAINER_STATES = List.of("running", "paused", "stopped");

    private DockerMetrics() {
    }

    /**
     * What {@value #ENGINE_INFO_FAMILY} says of the engine, as tags of every docker point.
     *
     * @param version the engine's version, e.g. {@code 20.10.24+dfsg1}
     * @param os      the host's operating system, e.g. {@code Debian GNU/Linux 12 (bookworm)}
     * @param kernel  the host's kernel, e.g. {@code 6.1.0-13-amd64}
     */
    public record Engine(String version, String os, String kernel) {
        /** The engine of a scrape, or null when its page has no engine info. */
        static Engine of(DockerSnapshot snapshot) {
            DockerSnapshot.Family family = snapshot.family(ENGINE_INFO_FAMILY);
            if (family == null || family.samples().isEmpty()) {
                return null;
            }
            Map<String, String> labels = family.samples().get(0).labels();
            return new Engine(labels.get("version"), labels.get("os"), labels.get("kernel"));
        }
    }

    /**
     * A histogram's cumulative counts at one scrape.
     *
     * @param buckets cumulative count by upper bound, the {@code le} label as the page gives it ({@code +Inf} too)
     */
    public record Histogram(double sum, double count, Map<String, Double> buckets) {
        public Histogram {
            buckets = buckets == null ? Map.of() : Map.copyOf(buckets);
        }

        /**
         * The observations made between {@code before} and this scrape, or null when the histogram was reset (a
         * count went down, as when the engine restarted) or its buckets changed.
         */
        Histogram since(Histogram before) {
            if (!buckets.keySet().equals(before.buckets.keySet())) {
                return null;
            }
            Map<String, Double> delta = new LinkedHashMap<>();
            for (Map.Entry<String, Double> bucket : buckets.entrySet()) {
                double added = bucket.getValue() - before.buckets.get(bucket.getKey());
                if (!(added >= 0)) {
                    return null;
                }
                delta.put(bucket.getKey(), added);
            }
            double added = count - before.count;
            return added >= 0 ? new Histogram(sum - before.sum, added, delta) : null;
        }

        /**
         * The {@code q} quantile, as Prometheus' {@code histogram_quantile} computes it: linear interpolation inside
         * the bucket holding the rank, the lower bound of the first bucket being 0; the highest finite bound when
         * the rank falls in the {@code +Inf} bucket; NaN without a {@code +Inf} bucket or without observations.
         */
        double quantile(double q) {
            List<Map.Entry<Double, Double>> sorted = new ArrayList<>();
            buckets.forEach((le, cumulative) -> sorted.add(Map.entry(upperBound(le), cumulative)));
            if (sorted.stream().anyMatch(bound -> Double.isNaN(bound.getKey()))) {
                return Double.NaN;
            }
            sorted.sort(Comparator.comparing(Map.Entry::getKey));
            if (sorted.size() < 2 || sorted.get(sorted.size() - 1).getKey() != Double.POSITIVE_INFINITY) {
                return Double.NaN;
            }
            double observations = sorted.get(sorted.size() - 1).getValue();
            if (!(observations > 0)) {
                return Double.NaN;
            }
            double rank = q * observations;
            int bucket = 0;
            while (bucket < sorted.size() - 1 && sorted.get(bucket).getValue() < rank) {
                bucket++;
            }
            if (bucket == sorted.size() - 1) {
                return sorted.get(sorted.size() - 2).getKey();
            }
            double bucketEnd = sorted.get(bucket).getKey();
            if (bucket == 0 && bucketEnd <= 0) {
                return bucketEnd;
            }
            double bucketStart = 0;
            double inBucket = sorted.get(bucket).getValue();
            if (bucket > 0) {
                bucketStart = sorted.get(bucket - 1).getKey();
                inBucket -= sorted.get(bucket - 1).getValue();
                rank -= sorted.get(bucket - 1).getValue();
            }
            return bucketStart + (bucketEnd - bucketStart) * (rank / inBucket);
        }

        /**
         * The bucket's bound; the listener accepts every float Go's ParseFloat does ({@code inf}, {@code +Inf},
         * {@code 1_000}, hex), so anything Java cannot read is NaN, which yields no quantile rather than an exception
         * that would dead-letter the whole scrape.
         */
        private static double upperBound(String le) {
            String bound = le.replace("_", "").toLowerCase(java.util.Locale.ROOT);
            return switch (bound) {
                case "+inf", "inf", "+infinity", "infinity" -> Double.POSITIVE_INFINITY;
                case "-inf", "-infinity" -> Double.NEGATIVE_INFINITY;
                default -> {
                    try {
                        yield Double.parseDouble(bound);
                    } catch (NumberFormatException e) {
                        yield Double.NaN;
                    }
                }
            };
        }
    }

    /** The tags of every docker point of a server: server, and the engine's version, os and kernel when known. */
    public static Map<String, String> tags(String server, Engine engine) {
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put(TagSpec.SERVER.key(), server);
        if (engine != null) {
            putIfPresent(tags, DockerCatalog.DOCKER_VERSION.key(), engine.version());
            putIfPresent(tags, DockerCatalog.OS.key(), engine.os());
            putIfPresent(tags, DockerCatalog.KERNEL.key(), engine.kernel());
        }
        return tags;
    }

    /**
     * Containers by state ({@link #CONTAINER_STATES}, a state the page omits counting 0), or null when the scrape has
     * no {@value #CONTAINER_STATES_FAMILY}.
     */
    public static Map<String, Long> containerStates(DockerSnapshot snapshot) {
        DockerSnapshot.Family family = snapshot.family(CONTAINER_STATES_FAMILY);
        if (family == null) {
            return null;
        }
        Map<String, Long> states = new LinkedHashMap<>();
        CONTAINER_STATES.forEach(state -> states.put(state, 0L));
        for (DockerSnapshot.Sample sample : family.samples()) {
            String state = sample.labels().get("state");
            if (states.containsKey(state) && Double.isFinite(sample.value())) {
                states.put(state, Math.max(0, Math.round(sample.value())));
            }
        }
        return states;
    }

    /** The value of an unlabelled counter family, or null when the scrape does not have it. */
    public static Double counter(DockerSnapshot snapshot, String family) {
        DockerSnapshot.Family counter = snapshot.family(family);
        if (counter == null) {
            return null;
        }
        for (DockerSnapshot.Sample sample : counter.samples()) {
            if (sample.name().equals(family) && sample.labels().isEmpty() && Double.isFinite(sample.value())) {
                return sample.value();
            }
        }
        return null;
    }

    /** The histograms of a family by the value of {@code label} (e.g. per {@code action}); empty when absent. */
    public static Map<String, Histogram> histograms(DockerSnapshot snapshot, String family, String label) {
        DockerSnapshot.Family histogram = snapshot.family(family);
        if (histogram == null || !DockerSnapshot.Family.HISTOGRAM.equals(histogram.type())) {
            return Map.of();
        }
        Map<String, Double> sums = new LinkedHashMap<>();
        Map<String, Double> counts = new LinkedHashMap<>();
        Map<String, Map<String, Double>> buckets = new LinkedHashMap<>();
        for (DockerSnapshot.Sample sample : histogram.samples()) {
            String key = sample.labels().get(label);
            if (key == null) {
                continue;
            }
            if (sample.name().equals(family + "_sum")) {
                sums.put(key, sample.value());
            } else if (sample.name().equals(family + "_count")) {
                counts.put(key, sample.value());
            } else if (sample.name().equals(family + "_bucket") && sample.labels().containsKey("le")) {
                buckets.computeIfAbsent(key, k -> new LinkedHashMap<>()).put(sample.labels().get("le"),
                        sample.value());
            }
        }
        Map<String, Histogram> histograms = new LinkedHashMap<>();
        buckets.forEach((key, cumulative) -> {
            if (sums.containsKey(key) && counts.containsKey(key)) {
                histograms.put(key, new Histogram(sums.get(key), counts.get(key), cumulative));
            }
        });
        return histograms;
    }

    /** {@code docker.containers.<state>} gauges. */
    public static List<MetricPoint> containers(Map<String, Long> states, long at, Map<String, String> tags) {
        List<MetricPoint> points = new ArrayList<>();
        states.forEach((state, count) -> points.add(DockerCatalog.CONTAINERS.memberPoint(state, count, at, tags)));
        return points;
    }

    /**
     * A counter's increase per second between two scrapes, or null without an earlier value, after a reset (the
     * counter went down: never a negative rate) or when no time passed.
     */
    public static MetricPoint rate(MetricSpec metric, Double before, Double now, double seconds, long at,
                                   Map<String, String> tags) {
        if (before == null || now == null || now < before || !(seconds > 0)) {
            return null;
        }
        return metric.point((now - before) / seconds, at, tags);
    }

    /**
     * {@code docker.engine.container_actions.avg} and {@code .95percentile} (seconds) of the observations made between
     * two scrapes; none when nothing was observed meanwhile.
     */
    public static List<MetricPoint> containerActions(Histogram delta, long at, Map<String, String> tags) {
        if (delta == null || !(delta.count() > 0)) {
            return List.of();
        }
        List<MetricPoint> points = new ArrayList<>();
        double average = delta.sum() / delta.count();
        if (Double.isFinite(average)) {
            points.add(DockerCatalog.CONTAINER_ACTIONS_AVG.point(average, at, tags));
        }
        double p95 = delta.quantile(0.95);
        if (Double.isFinite(p95)) {
            points.add(DockerCatalog.CONTAINER_ACTIONS_95PERCENTILE.point(p95, at, tags));
        }
        return points;
    }

    private static void putIfPresent(Map<String, String> tags, String key, String value) {
        if (value != null && !value.isEmpty()) {
            tags.put(key, value);
        }
    }
}
