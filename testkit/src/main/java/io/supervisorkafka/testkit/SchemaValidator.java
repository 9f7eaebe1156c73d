package io.supervisorkafka.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.supervisorkafka.schemas.Json;
import io.supervisorkafka.schemas.JsonSerde;
import io.supervisorkafka.schemas.Topics;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * Validates record values against the JSON Schema of their topic, so that the tests of every module check what the
 * apps really produce against the contract (the apps themselves never carry the validator).
 */
public final class SchemaValidator {
    private static final JsonSchemaFactory FACTORY = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
    private static final Map<String, JsonSchema> SCHEMAS = new ConcurrentHashMap<>();

    private SchemaValidator() {
    }

    /** The schema violations of a serialized record value; empty when it is valid. */
    public static Set<String> violations(String topic, byte[] value) {
        try {
            JsonNode node = Json.MAPPER.readTree(value);
            return schema(topic).validate(node).stream()
                    .map(ValidationMessage::getMessage)
                    .collect(Collectors.toCollection(java.util.TreeSet::new));
        } catch (IOException e) {
            return Set.of("not JSON: " + e.getMessage());
        }
    }

    /** Throws AssertionError naming every violation when the value does not match its topic's schema. */
    public static void assertValid(String topic, byte[] value) {
        Set<String> violations = violations(topic, value);
        if (!violations.isEmpty()) {
            throw new AssertionError("record on " + topic + " violates its schema: " + violations + "\n"
                    + new String(value, java.nio.charset.StandardCharsets.UTF_8));
        }
    }

    /** Serializes a record as the apps do and validates it. */
    public static <T> void assertValid(String topic, T record) {
        assertValid(topic, JsonSerde.of(Topics.recordType(topic)).serialize(topic, cast(record)));
    }

    @SuppressWarnings("unchecked")
    private static <T> T cast(Object record) {
        return (T) record;
    }

    private static JsonSchema schema(String topic) {
        return SCHEMAS.computeIfAbsent(topic, t -> {
            try (InputStream in = SchemaValidator.class.getResourceAsStream(Topics.schemaResource(t))) {
                if (in == null) {
                    throw new IllegalStateException("no schema file for " + t);
                }
                return FACTORY.getSchema(in);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }
}
