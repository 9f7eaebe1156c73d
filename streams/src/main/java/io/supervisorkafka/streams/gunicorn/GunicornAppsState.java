package io.supervisorkafka.streams.gunicorn;

import java.util.Map;

/**
 * What the Streams app remembers of one server's gunicorn apps (store {@link GunicornCheckDeriver#STORE}, key server
 * id): per app its last {@code gunicorn.is_running} status and the supervisord program running it, if known.
 */
public record GunicornAppsState(Map<String, App> apps) {
    public GunicornAppsState {
        apps = apps == null ? Map.of() : Map.copyOf(apps);
    }

    public record App(String status, String group, String program) {
    }
}
