package dev.comfykit.emulator.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.JsonGeneratorDecorator;
import com.fasterxml.jackson.core.util.JsonGeneratorDelegate;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.core.util.MinimalPrettyPrinter;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * JSON as ComfyUI writes it. ComfyUI answers with Python's {@code json.dumps} defaults, so this writer uses
 * {@code ", "} and {@code ": "} separators, escapes non-ASCII characters and prints floats the way Python's
 * {@code repr} does ({@code 1000.0}, {@code 1e+16}). Clients should not care, but byte-level likeness keeps
 * captured samples and emulator output comparable.
 */
public final class Json {

    private static final JsonNodeFactory NODES = JsonNodeFactory.withExactBigDecimals(false);

    /** Reads requests; big integers (a KSampler seed may be up to 2^64-1) stay exact. */
    public static final ObjectMapper MAPPER = new ObjectMapper(JsonFactory.builder()
            .addDecorator(new PythonFloats())
            .build())
            .setNodeFactory(NODES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private static final ObjectWriter WRITER = MAPPER.writer(new PythonSeparators())
            .with(JsonWriteFeature.ESCAPE_NON_ASCII);

    private Json() {
    }

    public static ObjectNode object() {
        return NODES.objectNode();
    }

    public static ArrayNode array() {
        return NODES.arrayNode();
    }

    /** Parses a request body; throws on anything that is not exactly one JSON value. */
    public static JsonNode parse(byte[] bytes) throws IOException {
        JsonNode node = MAPPER.readTree(bytes);
        if (node == null || node.isMissingNode()) {
            throw new IOException("empty body");
        }
        return node;
    }

    public static JsonNode parse(String text) throws IOException {
        return parse(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    public static byte[] bytes(JsonNode node) {
        try {
            return WRITER.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String text(JsonNode node) {
        try {
            return WRITER.writeValueAsString(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Python's default separators: a space after every comma and colon. */
    private static final class PythonSeparators extends MinimalPrettyPrinter {
        private static final long serialVersionUID = 1L;

        @Override
        public void writeObjectFieldValueSeparator(JsonGenerator g) throws IOException {
            g.writeRaw(": ");
        }

        @Override
        public void writeObjectEntrySeparator(JsonGenerator g) throws IOException {
            g.writeRaw(", ");
        }

        @Override
        public void writeArrayValueSeparator(JsonGenerator g) throws IOException {
            g.writeRaw(", ");
        }
    }

    /** A float node. */
    public static JsonNode number(double value) {
        return NODES.numberNode(value);
    }

    /** Floats as Python prints them, so an explicit priority echoes as {@code 1000.0}. */
    private static final class PythonFloats implements JsonGeneratorDecorator {
        @Override
        public JsonGenerator decorate(JsonFactory factory, JsonGenerator generator) {
            return new JsonGeneratorDelegate(generator, false) {
                @Override
                public void writeNumber(double v) throws IOException {
                    writeRawValue(Py.floatRepr(v));
                }

                @Override
                public void writeNumber(float v) throws IOException {
                    writeRawValue(Py.floatRepr(v));
                }
            };
        }
    }
}
