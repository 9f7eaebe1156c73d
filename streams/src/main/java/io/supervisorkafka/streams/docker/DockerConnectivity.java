package io.supervisorkafka.streams.docker;

import io.supervisorkafka.schemas.CheckStatus;
import io.supervisorkafka.streams.common.CanConnectCheck;

/**
 * What {@link DockerCheckDeriver} keeps per server (store {@value DockerCheckDeriver#STORE}, JSON).
 *
 * @param status        the last {@code docker.can_connect} status emitted
 * @param since         when that status began, epoch ms
 * @param version       the engine's version from the last engine info seen, or null
 * @param lastScrapeAt  observedAt of the newest scrape, epoch ms
 * @param lastArrivalAt wall-clock time the newest scrape was processed: staleness is judged on arrival, so a backlog
 *                      being caught up does not raise false alarms
 */
public record DockerConnectivity(String server, CheckStatus status, long since, String version, long lastScrapeAt,
                                 long lastArrivalAt)
        implements CanConnectCheck.State<DockerConnectivity> {

    @Override
    public long lastObservedAt() {
        return lastScrapeAt;
    }

    @Override
    public DockerConnectivity withStatus(CheckStatus newStatus, long newSince) {
        return new DockerConnectivity(server, newStatus, newSince, version, lastScrapeAt, lastArrivalAt);
    }
}
