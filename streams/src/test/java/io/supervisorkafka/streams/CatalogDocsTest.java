package io.supervisorkafka.streams;

import io.supervisorkafka.streams.prometheus.EndpointCatalog;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code docs/metrics.md}, {@code docs/checks.md}, {@code docs/prometheus.md} and {@code docs/influx.md} are what the
 * catalogs say: this fails when the committed files differ from a fresh rendering, and {@code -Dgolden.update=true}
 * writes them ({@link GoldenFiles}).
 */
class CatalogDocsTest {

    @TempDir
    Path stateDir;

    @Test
    void theCommittedDocumentsAreTheCatalogs() {
        CatalogDocs docs = new CatalogDocs(TopologyFactory.catalogs(), CatalogScenarios.run(stateDir));
        Path dir = GoldenFiles.repositoryRoot().resolve("docs");

        GoldenFiles.assertFile(dir.resolve("metrics.md"), docs.metrics());
        GoldenFiles.assertFile(dir.resolve("checks.md"), docs.checks());
        GoldenFiles.assertFile(dir.resolve("prometheus.md"), CatalogDocs.prometheus(EndpointCatalog.catalogs()));
        GoldenFiles.assertFile(dir.resolve("influx.md"), docs.influx());
    }
}
