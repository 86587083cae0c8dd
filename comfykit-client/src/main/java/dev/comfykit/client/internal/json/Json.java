package dev.comfykit.client.internal.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.UncheckedIOException;
import java.util.Map;

/**
 * The one Jackson configuration of the client (internal; not part of the public API).
 * <p>
 * Numbers keep their exact form ({@code BigDecimal} for floats) because workflows carry seeds up to 2^64 - 1 and
 * float values such as {@code 7.5} that must reach ComfyUI unchanged.
 */
public final class Json {

    private static final ObjectMapper MAPPER = createMapper();

    private Json() {
    }

    private static ObjectMapper createMapper() {
        // No canonicalization of field names: ComfyUI uses prompt ids as field names ({"<prompt id>": {...}} from
        // GET /history/{id}). Jackson adds every new name to its shared symbol table, and a parser first copies the
        // whole table (int[] hash area and String[] names) before adding to it: with a new prompt id per answer that
        // was about 3/4 of the client's allocation (benchmarks/notes/FINDINGS.md).
        ObjectMapper mapper = new ObjectMapper(JsonFactory.builder()
                .disable(JsonFactory.Feature.CANONICALIZE_FIELD_NAMES)
                .disable(JsonFactory.Feature.INTERN_FIELD_NAMES)
                .build());
        mapper.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
                .maxStringLength(200_000_000)
                .build());
        mapper.enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
        mapper.disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);
        mapper.disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        mapper.setNodeFactory(JsonNodeFactory.withExactBigDecimals(true));
        return mapper;
    }

    /** The shared, thread-safe mapper. */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /** A new empty JSON object. */
    public static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    /** Serialises a value to compact JSON text. */
    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("Cannot write JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** Serialises a value to compact UTF-8 JSON bytes. */
    public static byte[] writeBytes(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("Cannot write JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** The node's text, or {@code null} when it is missing or JSON {@code null}. */
    public static String text(JsonNode node) {
        return node == null || node.isNull() ? null : node.asText();
    }

    /** Converts a JSON tree to plain Java maps, lists, strings, numbers and booleans. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> toMap(JsonNode node) {
        return MAPPER.convertValue(node, Map.class);
    }

    /** Converts a plain Java value (maps, lists, scalars) to a JSON tree. */
    public static JsonNode toTree(Object value) {
        return MAPPER.valueToTree(value);
    }
}
