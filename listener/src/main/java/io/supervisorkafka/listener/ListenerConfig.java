package io.supervisorkafka.listener;

import io.supervisorkafka.listener.docker.DockerConfig;
import io.supervisorkafka.listener.gunicorn.GunicornConfig;
import io.supervisorkafka.listener.spool.SpoolConfig;
import io.supervisorkafka.listener.supervisor.xmlrpc.SupervisorSourceConfig;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything the listener runs with, resolved from flags, the config file, the environment and defaults by
 * {@link ConfigLoader}. The listener's own options are declared here; each source's and the spool's beside their
 * configuration records.
 *
 * @param serverId                   the fixed server id: {@code --server-id}, or the host name
 * @param serverIdFromIdentification use supervisord's identification as the server id instead
 * @param spool                      the spool
 * @param producerProperties         the Kafka producer's properties
 * @param supervisor                 the supervisord XML-RPC source
 * @param shutdownGrace              how long to keep shipping on shutdown before leaving the rest in the spool
 * @param notices                    warnings found while resolving, logged once the listener is READY
 * @param gunicorn                   the gunicorn source: process-table snapshots and the StatsD receiver
 * @param metricsInterval            time between the listener's own metrics records; zero turns them off
 * @param docker                     the docker source: the engine's Prometheus metrics, scraped or as a plugin
 * @param withoutEventListener       run without supervisord's eventlistener protocol: the spool, the shipper and the
 *                                   sources until SIGTERM
 * @param processName                the listener's own name as supervisord runs it ({@code SUPERVISOR_PROCESS_NAME}),
 *                                   or null when not run by supervisord
 * @param protocolPriority           the scheduling class of the protocol loop's thread
 */
public record ListenerConfig(String serverId, boolean serverIdFromIdentification, SpoolConfig spool,
                             Map<String, Object> producerProperties, SupervisorSourceConfig supervisor,
                             Duration shutdownGrace, List<String> notices, GunicornConfig gunicorn,
                             Duration metricsInterval, DockerConfig docker, boolean withoutEventListener,
                             String processName, ProtocolPriority protocolPriority) {

    public static final OptionGroup OPTIONS = new OptionGroup("Listener", null);
    public static final ListenerOption BOOTSTRAP_SERVERS = OPTIONS.add(ListenerOption.key("bootstrap.servers")
            .flag("--bootstrap-servers", "HOST:PORT[,...]").shownDefault("required")
            .description("The Kafka cluster. In the config file it is a producer property like the others; the flag"
                    + " overrides it."));
    public static final ListenerOption CONFIG = OPTIONS.add(ListenerOption.flagOnly("--config", "FILE")
            .description("Properties file. The `listener.*` keys are the listener's own (an unknown one is an"
                    + " error); every other key is a Kafka producer property, passed to the producer unchanged (TLS,"
                    + " SASL, tuning: see the listener README's Config file). Keep it 0600: it holds secrets."));
    public static final ListenerOption SERVER_ID = OPTIONS.add(ListenerOption.key("listener.server.id")
            .flag("--server-id", "ID").shownDefault("the host name (`/proc/sys/kernel/hostname`, no DNS)")
            .description("Record key and `server` field of every record."));
    public static final ListenerOption SERVER_ID_FROM_IDENTIFICATION = OPTIONS.add(ListenerOption
            .key("listener.server.id.from.identification").switchFlag("--server-id-from-identification")
            .description("Use supervisord's identification (its `identifier`: the events' `server` token, or"
                    + " `getIdentification`) as the server id; the fixed server id stands in until it is known."));
    public static final ListenerOption SHUTDOWN_GRACE = OPTIONS.add(ListenerOption.key("listener.shutdown.grace")
            .defaultValue("5s")
            .description("On SIGTERM or the end of stdin, how long to keep shipping before leaving the rest in the"
                    + " spool for the next start."));
    public static final ListenerOption METRICS_INTERVAL = OPTIONS.add(ListenerOption.key("listener.metrics.interval")
            .defaultValue("15s")
            .description("Time between the listener's own metrics records (`ListenerMetrics` on"
                    + " `supervisor.listener-metrics`: events, shipping, spool use, what a full spool dropped or"
                    + " refused, the sources' counters), plus one on stop; `0s` turns them off."));
    public static final ListenerOption NO_EVENTLISTENER = OPTIONS.add(ListenerOption.switchOnly("--no-eventlistener")
            .description("Run without supervisord's eventlistener protocol (stdin and stdout unused): the spool, the"
                    + " shipper and the sources until SIGTERM; what the docker plugin runs. Needs a source (docker,"
                    + " gunicorn, StatsD or XML-RPC snapshots), else exit 2."));
    public static final ListenerOption PROTOCOL_PRIORITY = OPTIONS.add(ListenerOption.key("listener.protocol.priority")
            .flag("--protocol-priority", "CLASS").defaultValue("fifo:1")
            .description("Scheduling class of the thread that speaks supervisord's eventlistener protocol"
                    + " (`protocol-loop` in `top -H`): `fifo:N` (SCHED_FIFO at priority N, 1 to 99), `nice:N` (nice"
                    + " -20 to 19) or `normal` (left as started). supervisord discards the events that do not fit in"
                    + " the listener's `buffer_size` (10 by default), and in a burst the loop keeps pace only when it"
                    + " does not wait for a core behind the host's other threads: measured with a broker on the same"
                    + " two cores, 5 of 36 bursts lost events at `normal`, 2 at `nice:-10`, none at `fifo:1`, and in"
                    + " later passes 2 of 48 at `normal`, none of 48 at `fifo:1` (supervisord source README, Keeping"
                    + " pace). The loop sleeps on stdin between events and takes ~20 µs for one. Needs root or"
                    + " CAP_SYS_NICE (or an RLIMIT_RTPRIO / RLIMIT_NICE that allows it); otherwise one warning at"
                    + " start and the thread stays as it was. Set with SCHED_RESET_ON_FORK; no other thread is"
                    + " raised."));

    public ListenerConfig {
        Objects.requireNonNull(serverId, "serverId");
        Objects.requireNonNull(spool, "spool");
        Objects.requireNonNull(supervisor, "supervisor");
        Objects.requireNonNull(shutdownGrace, "shutdownGrace");
        producerProperties = Map.copyOf(producerProperties);
        notices = List.copyOf(notices);
        gunicorn = gunicorn == null ? GunicornConfig.OFF : gunicorn;
        Objects.requireNonNull(metricsInterval, "metricsInterval");
        docker = docker == null ? DockerConfig.OFF : docker;
        protocolPriority = protocolPriority == null ? ProtocolPriority.NORMAL : protocolPriority;
    }

    /** The same config with other producer properties (tests point the listener at their broker). */
    public ListenerConfig withProducerProperties(Map<String, Object> properties) {
        return new ListenerConfig(serverId, serverIdFromIdentification, spool, properties, supervisor, shutdownGrace,
                notices, gunicorn, metricsInterval, docker, withoutEventListener, processName, protocolPriority);
    }

    /** The configuration without secrets: the producer properties are named, not shown. */
    @Override
    public String toString() {
        return "ListenerConfig[serverId=" + serverId + ", serverIdFromIdentification=" + serverIdFromIdentification
                + ", spool=" + spool + ", producerProperties=" + producerProperties.keySet() + ", supervisor="
                + supervisor + ", shutdownGrace=" + shutdownGrace + ", gunicorn=" + gunicorn
                + ", metricsInterval=" + metricsInterval + ", docker=" + docker + ", withoutEventListener="
                + withoutEventListener + ", processName=" + processName + ", protocolPriority=" + protocolPriority
                + "]";
    }
}
