package io.supervisorkafka.streams;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.supervisorkafka.schemas.CheckStatus;
import io.supervisorkafka.schemas.Json;
import io.supervisorkafka.schemas.ListenerMetrics;
import io.supervisorkafka.schemas.ProcessExit;
import io.supervisorkafka.schemas.ServiceCheck;
import io.supervisorkafka.streams.docker.DockerConnectivity;
import io.supervisorkafka.streams.docker.DockerMetrics;
import io.supervisorkafka.streams.docker.DockerScrapeState;
import io.supervisorkafka.streams.gunicorn.GunicornAppsState;
import io.supervisorkafka.streams.gunicorn.GunicornFleetRollup;
import io.supervisorkafka.streams.gunicorn.GunicornRequestTotals;
import io.supervisorkafka.streams.selfmetrics.ListenerEventsLost;
import io.supervisorkafka.streams.supervisor.ExitTracking;
import io.supervisorkafka.streams.supervisor.ProcessCheckState;
import io.supervisorkafka.streams.supervisor.ProcessFlapping;
import io.supervisorkafka.streams.supervisor.SupervisordConnectivity;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The JSON of the values this app keeps in its state stores, as running deployments hold them in RocksDB and in the
 * changelog topics: a new version must read what an older one wrote, and write the same. A renamed record component,
 * or a method that Jackson takes for a property, shows here first.
 */
class StateStoreFormatTest {

    private static <T> void assertLayout(T value, Class<T> type, String json) throws JsonProcessingException {
        assertThat(Json.MAPPER.writeValueAsString(value)).isEqualTo(json);
        assertThat(Json.MAPPER.readValue(json, type)).isEqualTo(value);
    }

    @Test
    void supervisorConnectivity() throws JsonProcessingException {
        assertLayout(new SupervisordConnectivity("web-1", CheckStatus.OK, 1000, "unix:///run/supervisor.sock", null,
                        "4.2.5", 1000, 1020, "RUNNING", 1, 1000), SupervisordConnectivity.class,
                "{\"server\":\"web-1\",\"status\":\"OK\",\"since\":1000,\"endpoint\":\"unix:///run/supervisor.sock\","
                        + "\"version\":\"4.2.5\",\"lastSnapshotAt\":1000,\"lastArrivalAt\":1020,\"state\":\"RUNNING\","
                        + "\"stateCode\":1,\"stateAt\":1000}");
    }

    @Test
    void dockerStores() throws JsonProcessingException {
        assertLayout(new DockerConnectivity("web-1", CheckStatus.CRITICAL, 2000, "20.10.24+dfsg1", 2000, 2010),
                DockerConnectivity.class, "{\"server\":\"web-1\",\"status\":\"CRITICAL\",\"since\":2000,"
                        + "\"version\":\"20.10.24+dfsg1\",\"lastScrapeAt\":2000,\"lastArrivalAt\":2010}");
        assertLayout(new DockerScrapeState(3000, 12.0, null, Map.of("start", new DockerMetrics.Histogram(0.5, 2,
                        new TreeMap<>(Map.of("1", 2.0)))), new DockerMetrics.Engine("20.10", "Debian", "6.1")),
                DockerScrapeState.class, "{\"observedAt\":3000,\"events\":12.0,\"containerActions\":{\"start\":"
                        + "{\"sum\":0.5,\"count\":2.0,\"buckets\":{\"1\":2.0}}},\"engine\":{\"version\":\"20.10\","
                        + "\"os\":\"Debian\",\"kernel\":\"6.1\"}}");
    }

    @Test
    void gunicornStores() throws JsonProcessingException {
        assertLayout(new GunicornAppsState(Map.of("demo", new GunicornAppsState.App("OK", "web", "demo"))),
                GunicornAppsState.class,
                "{\"apps\":{\"demo\":{\"status\":\"OK\",\"group\":\"web\",\"program\":\"demo\"}}}");
        assertLayout(new GunicornAppsState(Map.of("demo", new GunicornAppsState.App("OK", "web", "demo", 3L, 1L))),
                GunicornAppsState.class, "{\"apps\":{\"demo\":{\"status\":\"OK\",\"group\":\"web\","
                        + "\"program\":\"demo\",\"idle\":3,\"working\":1}}}");
        assertLayout(new GunicornRequestTotals(Map.of("demo", new GunicornRequestTotals.App(12.0,
                        Map.of("200", 11.0), Map.of("error", 1.0), 5000))), GunicornRequestTotals.class,
                "{\"apps\":{\"demo\":{\"requests\":12.0,\"statuses\":{\"200\":11.0},\"logs\":"
                        + "{\"error\":1.0},\"lastEnd\":5000}}}");
        assertLayout(new GunicornFleetRollup(List.of("web-1"), Map.of("gunicorn.requests", 6.0), 6, 4.9, 1.3, "AA=="),
                GunicornFleetRollup.class, "{\"servers\":[\"web-1\"],\"counters\":{\"gunicorn.requests\":6.0},"
                        + "\"count\":6.0,\"sum\":4.9,\"max\":1.3,\"sketch\":\"AA==\"}");
    }

    @Test
    void exitAndAlertStores() throws JsonProcessingException {
        ProcessExit early = new ProcessExit("web-1", "812-1000", 41, "web", "web", "RUNNING", "EXITED", false, 4100L,
                3, null, 2.5, "boom\n", "stderr", null, 5000, 5012);
        assertLayout(new ExitTracking("web-1/812-1000/40", 4000L, "FATAL", 4000, true, early, "web-1/812-1000/39"),
                ExitTracking.class,
                "{\"eventId\":\"web-1/812-1000/40\",\"pid\":4000,\"state\":\"FATAL\",\"observedAt\":4000,"
                        + "\"explained\":true,\"early\":{\"server\":\"web-1\",\"instance\":\"812-1000\","
                        + "\"serial\":41,\"group\":\"web\",\"name\":\"web\",\"fromState\":\"RUNNING\","
                        + "\"toState\":\"EXITED\",\"expected\":false,\"pid\":4100,\"exitStatus\":3,"
                        + "\"runSeconds\":2.5,\"outputTail\":\"boom\\n\",\"outputStream\":\"stderr\","
                        + "\"observedAt\":5000,\"fetchedAt\":5012},\"backoffId\":\"web-1/812-1000/39\"}");
        ServiceCheck held = new ServiceCheck(ServiceCheck.PROCESS_STATUS, "web-1", "web", "web", CheckStatus.CRITICAL,
                CheckStatus.OK, "process web:web on web-1 is EXITED", 5000);
        assertLayout(new ProcessCheckState(CheckStatus.CRITICAL, held, "web-1/812-1000/41", false, 5100),
                ProcessCheckState.class, "{\"last\":\"CRITICAL\",\"held\":{\"check\":"
                        + "\"supervisord.process.status\",\"server\":\"web-1\",\"group\":\"web\",\"name\":"
                        + "\"web\",\"status\":\"CRITICAL\",\"previous\":\"OK\",\"message\":"
                        + "\"process web:web on web-1 is EXITED\",\"timestamp\":5000},\"awaitedExit\":"
                        + "\"web-1/812-1000/41\",\"exitExpected\":false,\"heldUntil\":5100}");
        assertLayout(new ProcessFlapping("web-1", "web", "web", List.of(1000L, 2000L), List.of(900L), 2000,
                        CheckStatus.CRITICAL, 2000, 1, null, "boom", 1900), ProcessFlapping.class,
                "{\"server\":\"web-1\",\"group\":\"web\",\"name\":\"web\",\"restarts\":[1000,2000],"
                        + "\"unexpectedExits\":[900],\"lastAt\":2000,\"status\":\"CRITICAL\",\"since\":2000,"
                        + "\"lastExitStatus\":1,\"lastOutput\":\"boom\",\"lastExitAt\":1900}");
        assertLayout(new ListenerMetrics("web-1", "3560-1000", 1000, 2000, 10, 0, 0, 12, 0,
                        new ListenerMetrics.Spool("drop-oldest", 4096, 1048576, 2, 0, 0), Map.of("snapshots.ok", 3L),
                        852L), ListenerMetrics.class,
                "{\"server\":\"web-1\",\"instance\":\"3560-1000\",\"startedAt\":1000,\"observedAt\":2000,"
                        + "\"eventsAcknowledged\":10,\"eventsMalformed\":0,\"eventsOversized\":0,"
                        + "\"recordsShipped\":12,\"recordsSkipped\":0,\"spool\":{\"fullPolicy\":\"drop-oldest\","
                        + "\"bytes\":4096,\"maxBytes\":1048576,\"unshipped\":2,\"droppedRecords\":0,"
                        + "\"refusedRecords\":0},\"sources\":{\"snapshots.ok\":3},\"eventsLost\":852}");
        assertLayout(new ListenerEventsLost("web-1", 1000, 2000, 852, CheckStatus.WARNING), ListenerEventsLost.class,
                "{\"server\":\"web-1\",\"startedAt\":1000,\"observedAt\":2000,\"lost\":852,"
                        + "\"status\":\"WARNING\"}");
    }
}
