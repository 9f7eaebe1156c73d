package io.supervisorkafka.listener.kafka;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.slf4j.LoggerFactory;

/**
 * The Kafka producer properties of the shipper: the config file's standard producer properties passed through
 * unchanged (so TLS, SASL and tuning work as documented by Kafka), {@code --bootstrap-servers} on top, the listener's
 * defaults where the file says nothing, and the settings delivery depends on forced.
 *
 * <p>Property names are plain strings: referring to {@code ProducerConfig} would load kafka-clients on the main thread
 * before the listener is READY.
 */
public final class ProducerSettings {
    static final String BYTE_ARRAY_SERIALIZER = "org.apache.kafka.common.serialization.ByteArraySerializer";

    /** What exactly-once-per-broker-session delivery and the byte[] records rely on; the file cannot change them. */
    public static final Map<String, String> FORCED = Map.of(
            "enable.idempotence", "true",
            "acks", "all",
            "key.serializer", BYTE_ARRAY_SERIALIZER,
            "value.serializer", BYTE_ARRAY_SERIALIZER);

    /**
     * Small and quick to give up, for a sidecar with a small heap: a failed delivery is retried from the spool
     * checkpoint anyway, so long producer-internal timeouts only delay that.
     */
    public static final Map<String, String> DEFAULTS = orderedMap(
            "linger.ms", "5",
            "batch.size", "65536",
            "buffer.memory", Long.toString(4L * 1024 * 1024),
            "delivery.timeout.ms", "30000",
            "request.timeout.ms", "10000",
            "max.block.ms", "10000",
            "reconnect.backoff.max.ms", "10000");

    /** Codecs whose native libraries are left out of the shaded jar to keep it small. */
    static final Set<String> UNBUNDLED_CODECS = Set.of("zstd", "snappy");

    private ProducerSettings() {
    }

    /**
     * The producer properties.
     *
     * @param fromFile         producer properties from the config file (listener keys already removed)
     * @param bootstrapServers {@code --bootstrap-servers}, or null
     * @param clientId         the default client.id
     */
    public static Map<String, Object> build(Map<String, String> fromFile, String bootstrapServers, String clientId) {
        Map<String, Object> props = new LinkedHashMap<>(DEFAULTS);
        props.put("client.id", clientId);
        props.putAll(fromFile);
        if (bootstrapServers != null && !bootstrapServers.isBlank()) {
            props.put("bootstrap.servers", bootstrapServers.trim());
        }
        Object bootstrap = props.get("bootstrap.servers");
        if (bootstrap == null || bootstrap.toString().isBlank()) {
            throw new IllegalArgumentException("no Kafka bootstrap servers: give --bootstrap-servers or"
                    + " bootstrap.servers in the config file");
        }
        FORCED.forEach((key, value) -> {
            Object given = props.get(key);
            if (given != null && !equivalent(key, given.toString(), value)) {
                // Looked up here, not in a static field: this class is used before READY, when no logger is needed.
                LoggerFactory.getLogger(ProducerSettings.class).warn("producer property {}={} is ignored: the listener needs {}={}", key, given, key, value);
            }
            props.put(key, value);
        });
        Object compression = props.get("compression.type");
        if (compression != null && UNBUNDLED_CODECS.contains(compression.toString().trim().toLowerCase(Locale.ROOT))) {
            throw new IllegalArgumentException("compression.type=" + compression + " is not available: its native"
                    + " library is not bundled in the listener jar; use lz4 or gzip");
        }
        return props;
    }

    private static boolean equivalent(String key, String given, String forced) {
        String g = given.trim();
        if (key.equals("acks")) {
            return g.equals("all") || g.equals("-1");
        }
        return g.equalsIgnoreCase(forced);
    }

    private static Map<String, String> orderedMap(String... keyValues) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            map.put(keyValues[i], keyValues[i + 1]);
        }
        return java.util.Collections.unmodifiableMap(map);
    }
}
