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
 */
public record ServiceCheck(String check, String server, String group, String name, CheckStatus status,
                           CheckStatus previous, String message, long timestamp) {

    public static final String PROCESS_STATUS = "supervisord.process.status";
    public static final String CAN_CONNECT = "supervisord.can_connect";

    /** The record key: {@code check|entity}, the entity being the server or {@code server/group:name}. */
    public String key() {
        return check + "|" + (name == null ? server : ProcessStatus.key(server, group, name));
    }
}
