package io.supervisorkafka.schemas;

import java.util.List;
import java.util.Map;

/**
 * One scrape of the Docker engine's Prometheus metrics (topic {@link Topics#DOCKER}, key server id), with the metric
 * families the listener's include/exclude patterns keep, as the exposition format gives them. A failed scrape is a
 * record too: {@code error} set, no families.
 *
 * @param server     the server id
 * @param observedAt when the scrape started, epoch ms
 * @param source     where the page came from: {@code unix:///run/docker/metrics.sock} or {@code http://HOST:PORT/metrics}
 * @param mode       {@link #SCRAPE} (the listener scrapes on its own) or {@link #PLUGIN} (the engine activated the
 *                   listener as a MetricsCollector plugin)
 * @param durationMs how long the request and the parse took
 * @param error      why the scrape failed, or null
 * @param families   the kept metric families, in page order
 */
public record DockerSnapshot(String server, long observedAt, String source, String mode, long durationMs,
                             String error, List<Family> families) {

    public static final String SCRAPE = "scrape";
    public static final String PLUGIN = "plugin";

    public DockerSnapshot {
        families = families == null ? List.of() : List.copyOf(families);
    }

    public boolean ok() {
        return error == null;
    }

    /** The family of that name, or null. */
    public Family family(String name) {
        for (Family family : families) {
            if (family.name().equals(name)) {
                return family;
            }
        }
        return null;
    }

    /**
     * A metric family: the samples sharing one {@code # TYPE} line.
     *
     * @param type one of {@code counter}, {@code gauge}, {@code histogram}, {@code summary}, {@code untyped}
     * @param help the {@code # HELP} text, unescaped, or null
     */
    public record Family(String name, String type, String help, List<Sample> samples) {
        public static final String COUNTER = "counter";
        public static final String GAUGE = "gauge";
        public static final String HISTOGRAM = "histogram";
        public static final String SUMMARY = "summary";
        public static final String UNTYPED = "untyped";

        public Family {
            samples = samples == null ? List.of() : List.copyOf(samples);
        }
    }

    /**
     * One sample line.
     *
     * @param name      the sample's own name: the family name, or for histograms and summaries the family name with
     *                  {@code _bucket}, {@code _sum} or {@code _count}
     * @param labels    label values, unescaped
     * @param value     the value; NaN and infinities travel as the JSON strings {@code "NaN"}, {@code "Infinity"} and
     *                  {@code "-Infinity"}
     * @param timestamp the optional sample timestamp, epoch ms, or null
     */
    public record Sample(String name, Map<String, String> labels, double value, Long timestamp) {
        public Sample {
            labels = labels == null ? Map.of() : Map.copyOf(labels);
        }
    }
}
