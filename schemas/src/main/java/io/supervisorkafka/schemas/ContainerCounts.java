package io.supervisorkafka.schemas;

/**
 * How many containers the Docker engine of a server has, by state (topic {@link Topics#CONTAINER_COUNTS}, compacted,
 * key server id), from {@code engine_daemon_container_states_containers}: the containers beside the supervisord
 * processes counted on {@link Topics#PROCESS_COUNTS}.
 *
 * @param updatedAt when the scrape they come from started, epoch ms
 */
public record ContainerCounts(String server, long running, long paused, long stopped, long total, long updatedAt) {

    /** The same counts, ignoring when they were observed. */
    public boolean sameCountsAs(ContainerCounts other) {
        return other != null && running == other.running && paused == other.paused && stopped == other.stopped
                && total == other.total;
    }
}
