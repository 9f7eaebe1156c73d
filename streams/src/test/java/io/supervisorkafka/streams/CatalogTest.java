package io.supervisorkafka.streams;

import static org.assertj.core.api.Assertions.assertThat;

import io.supervisorkafka.schemas.MetricPoint;
import io.supervisorkafka.schemas.ServiceCheck;
import io.supervisorkafka.schemas.Topics;
import io.supervisorkafka.streams.common.Catalog;
import io.supervisorkafka.streams.common.CheckSpec;
import io.supervisorkafka.streams.common.MetricSpec;
import io.supervisorkafka.streams.common.PromFamily;
import io.supervisorkafka.streams.docker.DockerCatalog;
import io.supervisorkafka.streams.gunicorn.GunicornCatalog;
import io.supervisorkafka.streams.prometheus.EndpointCatalog;
import io.supervisorkafka.streams.selfmetrics.ListenerSelfMetricsCatalog;
import io.supervisorkafka.streams.supervisor.SupervisorCatalog;
import java.lang.reflect.Field;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.streams.KeyValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The catalogs against what the topology emits, both ways: every point and check of a run that covers every source
 * conforms to them (checked by {@link TopologyOutputs} for every topology test), and every metric and every status
 * of every check they declare is emitted, so that none stays listed after the code stopped sending it.
 */
class CatalogTest {

    @TempDir
    Path stateDir;

    @Test
    void everyMetricAndEveryCheckStatusOfTheCatalogsIsEmitted() {
        TopologyOutputs outputs = CatalogScenarios.run(stateDir);

        Set<MetricSpec> emitted = new HashSet<>();
        Map<CheckSpec, Set<Object>> statuses = new HashMap<>();
        outputs.everything.getOrDefault(Topics.METRICS, List.of())
                .forEach(record -> emitted.add(CatalogConformance.metricOf((MetricPoint) record.value)));
        for (KeyValue<String, Object> record : outputs.everything.get(Topics.SERVICE_CHECKS)) {
            ServiceCheck check = (ServiceCheck) record.value;
            statuses.computeIfAbsent(CatalogConformance.checkOf(check), spec -> new HashSet<>()).add(check.status());
        }
        for (Catalog catalog : TopologyFactory.catalogs()) {
            assertThat(emitted).as("metrics of %s emitted", catalog.source()).containsAll(catalog.metrics());
            for (CheckSpec check : catalog.checks()) {
                assertThat(statuses.getOrDefault(check, Set.of())).as("statuses of %s emitted", check.name())
                        .containsExactlyInAnyOrderElementsOf(check.statuses().keySet());
            }
        }
    }

    @Test
    void namesAreUniqueAndEveryFamilyNamesItsPlaceholders() {
        List<String> metrics = new ArrayList<>();
        List<String> checks = new ArrayList<>();
        for (Catalog catalog : TopologyFactory.catalogs()) {
            for (MetricSpec metric : catalog.metrics()) {
                metrics.add(metric.name());
                long placeholders = metric.name().chars().filter(c -> c == '<').count();
                assertThat(metric.members()).as(metric.name()).hasSize((int) placeholders);
                assertThat(metric.tags()).as("tags of %s", metric.name()).isNotEmpty();
                assertThat(metric.description()).as(metric.name()).isNotBlank().doesNotContain("|");
            }
            catalog.checks().forEach(check -> {
                checks.add(check.name());
                assertThat(check.key()).startsWith(check.name() + "|");
            });
        }
        assertThat(metrics).doesNotHaveDuplicates();
        assertThat(EndpointCatalog.families()).extracting(PromFamily::name).doesNotHaveDuplicates()
                .allSatisfy(name -> assertThat(name).matches("(supervisord|gunicorn|docker|supervisor_kafka)_.*"));
        assertThat(checks).doesNotHaveDuplicates().containsExactlyInAnyOrder(ServiceCheck.PROCESS_STATUS,
                ServiceCheck.CAN_CONNECT, ServiceCheck.PROCESS_FLAPPING, ServiceCheck.GUNICORN_IS_RUNNING,
                ServiceCheck.DOCKER_CAN_CONNECT, ServiceCheck.LISTENER_EVENTS_LOST);
    }

    @Test
    void everyMetricAndCheckDeclaredInACatalogClassIsInItsCatalog() throws ReflectiveOperationException {
        for (Class<?> type : List.of(SupervisorCatalog.class, GunicornCatalog.class, DockerCatalog.class,
                ListenerSelfMetricsCatalog.class, EndpointCatalog.class)) {
            Catalog catalog = (Catalog) type.getField("CATALOG").get(null);
            for (Field field : type.getFields()) {
                Object value = field.get(null);
                if (value instanceof MetricSpec metric) {
                    assertThat(catalog.metrics()).as("%s.%s", type.getSimpleName(), field.getName()).contains(metric);
                } else if (value instanceof CheckSpec check) {
                    assertThat(catalog.checks()).as("%s.%s", type.getSimpleName(), field.getName()).contains(check);
                } else if (value instanceof PromFamily family) {
                    assertThat(catalog.families()).as("%s.%s", type.getSimpleName(), field.getName())
                            .contains(family);
                }
            }
        }
        assertThat(TopologyFactory.catalogs()).containsExactly(SupervisorCatalog.CATALOG, GunicornCatalog.CATALOG,
                DockerCatalog.CATALOG, ListenerSelfMetricsCatalog.CATALOG);
    }

    @Test
    void aFamilyMakesOnlyItsMembers() {
        MetricSpec status = GunicornCatalog.REQUEST_STATUS;

        assertThat(status.nameOf("404")).isEqualTo("gunicorn.request.status.404");
        assertThat(status.matches("gunicorn.request.status.2xx")).isFalse();
        assertThat(status.memberName("20")).isEmpty();
        MetricPoint point = status.point("gunicorn.request.status.500", 0.5, 1, Map.of("server", "web-1"));
        assertThat(point.type()).isEqualTo(MetricPoint.RATE);
    }
}
