package io.supervisorkafka.listener.gunicorn;

import io.supervisorkafka.listener.RecordSink;
import io.supervisorkafka.listener.Source;
import io.supervisorkafka.listener.SourceCounters;
import io.supervisorkafka.schemas.GunicornSnapshot;
import io.supervisorkafka.schemas.StatsdMetrics;
import io.supervisorkafka.schemas.SupervisorSnapshot;
import io.supervisorkafka.schemas.Topics;
import java.io.IOException;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gunicorn source: snapshots of the process table ({@link GunicornCollector}) to {@code supervisor.gunicorn}, and
 * the StatsD receiver ({@link StatsdReceiver}) to {@code supervisor.statsd}; either or both, as configured.
 */
public final class GunicornSource implements Source {
    private static final Logger LOG = LoggerFactory.getLogger(GunicornSource.class);

    private final GunicornConfig config;
    private final Supplier<String> server;
    private final Supplier<List<SupervisorSnapshot.ProcessInfo>> supervised;
    private final Clock clock;
    private GunicornCollector collector;
    private StatsdReceiver statsd;

    /**
     * @param server     the server id now
     * @param supervised supervisord's processes as last seen, to name the program a master runs as
     */
    public GunicornSource(GunicornConfig config, Supplier<String> server,
                          Supplier<List<SupervisorSnapshot.ProcessInfo>> supervised, Clock clock) {
        this.config = Objects.requireNonNull(config, "config");
        this.server = Objects.requireNonNull(server, "server");
        this.supervised = Objects.requireNonNull(supervised, "supervised");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public synchronized void start(RecordSink sink, SourceCounters counters) throws IOException {
        if (config.snapshots()) {
            collector = new GunicornCollector(config, server, ProcTable.system(), this::programs,
                    snapshot -> sink.publishJson(Topics.GUNICORN, snapshot.server(), snapshot.observedAt(),
                            GunicornSnapshot.class, snapshot), clock);
            collector.start();
            LOG.info("gunicorn snapshots every {} ms of {}", config.interval().toMillis(),
                    config.apps().isEmpty() ? "every master" : config.apps());
        }
        if (config.statsdEnabled()) {
            statsd = StatsdReceiver.bind(config.statsdListen(), config.flushInterval().toMillis(), server,
                    metrics -> sink.publishJson(Topics.STATSD, metrics.server(), metrics.end(), StatsdMetrics.class,
                            metrics), clock);
            statsd.start();
            counters.register("statsd.datagrams", statsd::datagrams);
            counters.register("statsd.malformed", statsd::malformed);
            LOG.info("StatsD receiver on {}, flushed every {} ms", statsd.socketPath() != null
                    ? "unix datagram socket " + statsd.socketPath() : "udp " + config.statsdListen() + " (port "
                    + statsd.port() + ")", config.flushInterval().toMillis());
        }
    }

    /** supervisord's running programs by pid. */
    private Map<Long, GunicornScan.Program> programs() {
        Map<Long, GunicornScan.Program> running = new HashMap<>();
        for (SupervisorSnapshot.ProcessInfo process : supervised.get()) {
            if (process.pid() > 0) {
                running.put(process.pid(), new GunicornScan.Program(process.group(), process.name()));
            }
        }
        return running;
    }

    @Override
    public synchronized void close() {
        if (collector != null) {
            collector.close();
        }
        if (statsd != null) {
            statsd.close();
        }
    }
}
