package io.supervisorkafka.streams.docker;

import io.supervisorkafka.schemas.DockerSnapshot;
import io.supervisorkafka.schemas.DockerSnapshot.Family;
import io.supervisorkafka.schemas.DockerSnapshot.Sample;
import io.supervisorkafka.streams.Fixtures;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds the docker scrapes of the tests: starts from the engine families of the page captured from dockerd 20.10
 * (same names, labels, buckets and values as {@link DockerdCapture}, which reads the capture itself; checked by
 * {@code DockerdCaptureTest}) and lets a test move them on.
 */
public final class DockerPage {
    public static final String SERVER = Fixtures.SERVER;
    /** The page was captured from a dockerd started with {@code --metrics-addr 127.0.0.1:9323}. */
    public static final String SOURCE = "http://127.0.0.1:9323/metrics";
    public static final String ACTIONS = DockerMetrics.CONTAINER_ACTIONS_FAMILY;
    /** The buckets of {@code engine_daemon_container_actions_seconds}, as the page gives their {@code le}. */
    public static final List<String> BOUNDS = List.of("0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1",
            "2.5", "5", "10", "+Inf");
    public static final Map<String, String> ENGINE_INFO = Map.of("architecture", "x86_64", "commit", "5d6db84",
            "daemon_id", "H34V:Y5JP:PBHX:4S2B:45FD:ARUB:3BYR:LDT2:M4UL:NQA6:N7Y4:ME52", "graphdriver", "overlay2",
            "kernel", "6.18.44-fc-v657", "os", "Debian GNU/Linux 12 (bookworm)", "os_type", "linux", "os_version", "12",
            "version", "20.10.24+dfsg1");

    private final Map<String, Double> states = new LinkedHashMap<>();
    private final Map<String, double[]> actionBuckets = new LinkedHashMap<>();
    private final Map<String, Double> actionSums = new LinkedHashMap<>();
    private double events;
    private double healthChecksFailed;
    private boolean engineInfo = true;

    /** The captured page: one observation of 0 s for each of five actions, no container, no event. */
    public static DockerPage captured() {
        DockerPage page = new DockerPage();
        page.states.put("paused", 0.0);
        page.states.put("running", 0.0);
        page.states.put("stopped", 0.0);
        for (String action : List.of("changes", "commit", "create", "delete", "start")) {
            page.observe(action, 0);
        }
        return page;
    }

    public DockerPage containers(double running, double paused, double stopped) {
        states.put("paused", paused);
        states.put("running", running);
        states.put("stopped", stopped);
        return this;
    }

    public DockerPage events(double total) {
        events = total;
        return this;
    }

    public DockerPage healthChecksFailed(double total) {
        healthChecksFailed = total;
        return this;
    }

    /** One more {@code action} that took {@code seconds}, counted as dockerd's Prometheus client counts it. */
    public DockerPage observe(String action, double seconds) {
        double[] cumulative = actionBuckets.computeIfAbsent(action, a -> new double[BOUNDS.size()]);
        for (int i = 0; i < BOUNDS.size(); i++) {
            if (BOUNDS.get(i).equals("+Inf") || seconds <= Double.parseDouble(BOUNDS.get(i))) {
                cumulative[i]++;
            }
        }
        actionSums.merge(action, seconds, Double::sum);
        return this;
    }

    /** The engine restarted: its counters and histograms start again from zero. */
    public DockerPage restarted() {
        events = 0;
        healthChecksFailed = 0;
        actionBuckets.clear();
        actionSums.clear();
        return this;
    }

    public DockerPage withoutEngineInfo() {
        engineInfo = false;
        return this;
    }

    public DockerSnapshot snapshot(long observedAt) {
        List<Family> families = new ArrayList<>();
        List<Sample> actions = new ArrayList<>();
        actionBuckets.forEach((action, cumulative) -> {
            for (int i = 0; i < BOUNDS.size(); i++) {
                actions.add(sample(ACTIONS + "_bucket", cumulative[i], "action", action, "le", BOUNDS.get(i)));
            }
            actions.add(sample(ACTIONS + "_sum", actionSums.get(action), "action", action));
            actions.add(sample(ACTIONS + "_count", cumulative[BOUNDS.size() - 1], "action", action));
        });
        families.add(new Family(ACTIONS, Family.HISTOGRAM,
                "The number of seconds it takes to process each container action", actions));
        List<Sample> containerStates = new ArrayList<>();
        states.forEach((state, count) -> containerStates.add(sample(DockerMetrics.CONTAINER_STATES_FAMILY, count,
                "state", state)));
        families.add(new Family(DockerMetrics.CONTAINER_STATES_FAMILY, Family.GAUGE,
                "The count of containers in various states", containerStates));
        families.add(new Family("engine_daemon_engine_cpus_cpus", Family.GAUGE,
                "The number of cpus that the host system of the engine has",
                List.of(sample("engine_daemon_engine_cpus_cpus", 2))));
        if (engineInfo) {
            families.add(new Family(DockerMetrics.ENGINE_INFO_FAMILY, Family.GAUGE,
                    "The information related to the engine and the OS it is running on",
                    List.of(new Sample(DockerMetrics.ENGINE_INFO_FAMILY, ENGINE_INFO, 1, null))));
        }
        families.add(new Family(DockerMetrics.EVENTS_FAMILY, Family.COUNTER, "The number of events logged",
                List.of(sample(DockerMetrics.EVENTS_FAMILY, events))));
        families.add(new Family(DockerMetrics.HEALTH_CHECKS_FAILED_FAMILY, Family.COUNTER,
                "The total number of failed health checks",
                List.of(sample(DockerMetrics.HEALTH_CHECKS_FAILED_FAMILY, healthChecksFailed))));
        return new DockerSnapshot(SERVER, observedAt, SOURCE, DockerSnapshot.SCRAPE, 12, null, families);
    }

    public static DockerSnapshot failed(long observedAt, String error) {
        return new DockerSnapshot(SERVER, observedAt, SOURCE, DockerSnapshot.SCRAPE, 1000, error, List.of());
    }

    private static Sample sample(String name, double value, String... labels) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < labels.length; i += 2) {
            map.put(labels[i], labels[i + 1]);
        }
        return new Sample(name, map, value, null);
    }
}
