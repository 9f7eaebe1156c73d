package io.supervisorkafka.schemas;

/**
 * A service check changed status, or was seen for the first time (topic {@link Topics#SERVICE_CHECKS}, key
 * {@code check|entity}): the alerting feed.
 *
 * @param check     e.g. {@code supervisord.process.status}, {@code supervisord.can_connect}
 * @param server    the server id
 * @param group     the process group, for process checks
 * @param name      the process name, for process checks
 * @param status    the new status
 * @param previous  the status before, or null when first seen
 * @param message   human readable: what, where, since when, exit status or spawn error
 * @param timestamp when the change was observed, epoch ms
 * @param app       the app, for app checks ({@code gunicorn.is_running}); group and name are then the supervisord
 *                  program running it, when known
 */
public record ServiceCheck(String check, String server, String group, String name, CheckStatus status,
                           CheckStatus previous, String message, long timestamp, String app) {

    /** A process or server check (no app). */
    public ServiceCheck(String check, String server, String group, String name, CheckStatus status,
                        CheckStatus previous, String message, long timestamp) {
        this(check, server, group, name, status, previous, message, timestamp, null);
    }

    public static final String PROCESS_STATUS = "supervisord.process.status";
    public static final String PROCESS_FLAPPING = "supervisord.process.flapping";
    public static final String CAN_CONNECT = "supervisord.can_connect";
    public static final String GUNICORN_IS_RUNNING = "gunicorn.is_running";
    public static final String DOCKER_CAN_CONNECT = "docker.can_connect";
    public static final String LISTENER_EVENTS_LOST = "supervisor_kafka.listener.events_lost";

    /** The record key: {@code check|entity}, the entity being the server or {@code server/group:name}. */
    public String key() {
        if (app != null) {
            return check + "|" + server + "/" + app;
        }
        return check + "|" + (name == null ? server : ProcessStatus.key(server, group, name));
    }
}
