package io.supervisorkafka.streams.gunicorn;

import static org.assertj.core.api.Assertions.assertThat;

import io.supervisorkafka.schemas.CheckStatus;
import io.supervisorkafka.schemas.GunicornSnapshot;
import io.supervisorkafka.testkit.SchemaValidator;
import io.supervisorkafka.schemas.ServiceCheck;
import io.supervisorkafka.schemas.Topics;
import io.supervisorkafka.streams.ProcessorHarness;
import java.nio.file.Path;
import java.util.List;
import org.apache.kafka.streams.processor.api.Record;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GunicornCheckDeriverTest {
    @TempDir
    Path stateDir;
    private ProcessorHarness<String, GunicornSnapshot, String, ServiceCheck> harness;

    static GunicornSnapshot.App app(String name, Long master, String... states) {
        List<GunicornSnapshot.Worker> workers = new java.util.ArrayList<>();
        for (int i = 0; i < states.length; i++) {
            workers.add(new GunicornSnapshot.Worker(1000 + i, states[i]));
        }
        return new GunicornSnapshot.App(name, true, master, master == null ? null : "web",
                master == null ? null : "web", workers);
    }

    static GunicornSnapshot snapshot(long at, GunicornSnapshot.App... apps) {
        return new GunicornSnapshot("web-1", at, 500, List.of(apps));
    }

    @BeforeEach
    void start() {
        harness = new ProcessorHarness<>(new GunicornCheckDeriver(), stateDir.toFile(), 0);
        harness.withStore(GunicornCheckDeriver.storeBuilder());
        harness.start();
    }

    @AfterEach
    void close() {
        harness.close();
    }

    List<ServiceCheck> process(GunicornSnapshot snapshot) {
        List<ServiceCheck> checks = harness.process("web-1", snapshot, snapshot.observedAt()).stream()
                .map(Record::value).toList();
        checks.forEach(check -> SchemaValidator.assertValid(Topics.SERVICE_CHECKS, check));
        return checks;
    }

    @Test
    void okWithWorkersCriticalWithoutMasterOrWorkersAndOnlyOnChange() {
        assertThat(process(snapshot(1000, app("demo", 200L, "working", "working", "working", "idle"),
                app("api", null)))).containsExactly(
                new ServiceCheck(ServiceCheck.GUNICORN_IS_RUNNING, "web-1", "web", "web", CheckStatus.OK, null,
                        "3 working and 1 idle workers for demo", 1000, "demo"),
                new ServiceCheck(ServiceCheck.GUNICORN_IS_RUNNING, "web-1", null, null, CheckStatus.CRITICAL, null,
                        "no gunicorn master for api on web-1", 1000, "api"));
        // Same statuses: quiet.
        assertThat(process(snapshot(2000, app("demo", 200L, "idle"), app("api", null)))).isEmpty();
        // Zero workers: CRITICAL; api got a master: OK.
        assertThat(process(snapshot(3000, app("demo", 200L), app("api", 300L, "idle"))))
                .extracting(ServiceCheck::app, ServiceCheck::status, ServiceCheck::previous, ServiceCheck::message)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("demo", CheckStatus.CRITICAL, CheckStatus.OK,
                                "0 working and 0 idle workers for demo"),
                        org.assertj.core.groups.Tuple.tuple("api", CheckStatus.OK, CheckStatus.CRITICAL,
                                "0 working and 1 idle workers for api"));
        // An app gone from the snapshot (not configured, its master stopped): CRITICAL once.
        assertThat(process(snapshot(4000, app("demo", 200L, "idle"))))
                .extracting(ServiceCheck::app, ServiceCheck::status, ServiceCheck::key)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("demo", CheckStatus.OK,
                                "gunicorn.is_running|web-1/demo"),
                        org.assertj.core.groups.Tuple.tuple("api", CheckStatus.CRITICAL,
                                "gunicorn.is_running|web-1/api"));
        assertThat(process(snapshot(5000, app("demo", 200L, "idle")))).isEmpty();
    }
}
