package io.supervisorkafka.listener;

import io.supervisorkafka.listener.docker.DockerSource;
import io.supervisorkafka.listener.gunicorn.GunicornSource;
import io.supervisorkafka.listener.supervisor.xmlrpc.SupervisorSource;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/** The listener's sources, as configured. */
final class Sources {
    private Sources() {
    }

    /**
     * The sources to start, in this order; the listener closes them in the reverse one: docker (its plugin endpoints,
     * then its collector), supervisord (the waker, then the snapshots), gunicorn. A source that is off is left out and
     * never created, so that none of its classes but its configuration record is loaded.
     */
    static List<Source> of(ListenerConfig config, ServerIdentity identity, Clock clock) {
        SupervisorSource supervisor = new SupervisorSource(config.supervisor(), identity, clock);
        List<Source> sources = new ArrayList<>();
        if (config.gunicorn().enabled()) {
            sources.add(new GunicornSource(config.gunicorn(), identity::current, supervisor::latestProcesses, clock));
        }
        sources.add(supervisor);
        if (config.docker().enabled()) {
            sources.add(new DockerSource(config.docker(), identity::current, clock));
        }
        return sources;
    }
}
