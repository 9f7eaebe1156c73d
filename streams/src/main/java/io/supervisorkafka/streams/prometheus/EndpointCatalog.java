package io.supervisorkafka.streams.prometheus;

import io.supervisorkafka.streams.TopologyFactory;
import io.supervisorkafka.streams.common.Catalog;
import io.supervisorkafka.streams.common.PromFamily;
import java.util.ArrayList;
import java.util.List;

/**
 * The Prometheus endpoint's families about the Streams app itself: whether it runs, and whether each state store it
 * serves is complete here. The sources' families are in their own catalogs ({@link TopologyFactory#catalogs()}).
 */
public final class EndpointCatalog {

    public static final PromFamily READY = PromFamily.gauge("supervisor_kafka_streams_ready",
            "1 while Kafka Streams is RUNNING on this instance (GET /-/ready answers 200), else 0 (starting, "
                    + "rebalancing, stopping or failed).");
    public static final PromFamily STORE_READY = PromFamily.gauge("supervisor_kafka_streams_store_ready",
            "1 when this scrape served all of the store this instance's active tasks hold (or it holds none), 0 "
                    + "when the store could not be queried (rebalancing, restoring): its families are then missing "
                    + "or partial in this scrape.", "store");
    public static final PromFamily RESTORING_PARTITIONS = PromFamily.gauge(
            "supervisor_kafka_streams_store_restoring_partitions",
            "Changelog partitions of the store being restored on this instance; no sample when none.", "store");
    public static final PromFamily RESTORE_REMAINING = PromFamily.gauge(
            "supervisor_kafka_streams_store_restore_remaining_records",
            "Changelog records left to restore into the store on this instance; no sample when none.", "store");

    public static final Catalog CATALOG = new Catalog("streams", "The Streams app itself",
            "From Kafka Streams' state and its restore listener on this instance, at scrape time.", List.of(),
            List.of(), List.of(READY, STORE_READY, RESTORING_PARTITIONS, RESTORE_REMAINING));

    private EndpointCatalog() {
    }

    /** The catalogs of every family the endpoint serves: the sources', then the app's own. */
    public static List<Catalog> catalogs() {
        List<Catalog> all = new ArrayList<>(TopologyFactory.catalogs());
        all.add(CATALOG);
        return List.copyOf(all);
    }

    /** Every family the endpoint serves, in catalog order. */
    public static List<PromFamily> families() {
        return catalogs().stream().flatMap(catalog -> catalog.families().stream()).toList();
    }
}
