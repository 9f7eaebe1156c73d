package io.supervisorkafka.streams.gunicorn;

import java.util.Map;

/**
 * What the Streams app remembers of one server's gunicorn apps (store {@link GunicornCheckDeriver#STORE}, key server
 * id): per app its last {@code gunicorn.is_running} status, the supervisord program running it, if known, and its
 * workers by state in the last snapshot (the Prometheus endpoint's {@code gunicorn_workers}).
 */
public record GunicornAppsState(Map<String, App> apps) {
    public GunicornAppsState {
        apps = apps == null ? Map.of() : Map.copyOf(apps);
    }

    /**
     * @param idle    idle workers in the last snapshot; null in what a version before the Prometheus endpoint wrote,
     *                until the app's next snapshot
     * @param working working workers, likewise
     */
    public record App(String status, String group, String program, Long idle, Long working) {

        /** An app whose workers are not known. */
        public App(String status, String group, String program) {
            this(status, group, program, null, null);
        }
    }
}
