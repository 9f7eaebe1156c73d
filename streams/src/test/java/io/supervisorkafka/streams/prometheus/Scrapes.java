package io.supervisorkafka.streams.prometheus;

import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/** A scrape of a collector as the endpoint serves it to Prometheus: the text format, without HTTP. */
public final class Scrapes {
    private static final PrometheusTextFormatWriter TEXT = PrometheusTextFormatWriter.create();

    private Scrapes() {
    }

    public static byte[] bytes(MultiCollector collector) {
        PrometheusRegistry registry = new PrometheusRegistry();
        registry.register(collector);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            TEXT.write(out, registry.scrape(), EscapingScheme.DEFAULT);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    public static String text(MultiCollector collector) {
        return new String(bytes(collector), java.nio.charset.StandardCharsets.UTF_8);
    }
}
