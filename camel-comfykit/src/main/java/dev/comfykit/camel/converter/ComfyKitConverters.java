package dev.comfykit.camel.converter;

import dev.comfykit.client.ExecuteResult;
import dev.comfykit.client.OutputFile;
import dev.comfykit.client.SubmittedPrompt;
import dev.comfykit.client.dsl.WorkflowSchema;
import org.apache.camel.Converter;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Type conversions of ComfyKit results, so that routes can {@code convertBodyTo(String.class)} a result (its JSON,
 * with the Python SDK's field names) and write output files with any producer that takes bytes or streams.
 */
@Converter(generateLoader = true)
public final class ComfyKitConverters {

    private ComfyKitConverters() {
    }

    /** A result as JSON. */
    @Converter
    public static String resultToJson(ExecuteResult result) {
        return result.toJson();
    }

    /** A result as UTF-8 JSON bytes. */
    @Converter
    public static byte[] resultToJsonBytes(ExecuteResult result) {
        return result.toJson().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * A result as a UTF-8 JSON stream: what platform-http writes when a route answers with the result itself, as
     * the README's one-line generation API does (without it the caller gets a 500).
     */
    @Converter
    public static InputStream resultToJsonStream(ExecuteResult result) {
        return new ByteArrayInputStream(resultToJsonBytes(result));
    }

    /** A result as plain maps and lists. */
    @Converter
    public static Map<String, Object> resultToMap(ExecuteResult result) {
        return result.toMap();
    }

    /** An output file's content (downloaded from the server unless it was saved locally). */
    @Converter
    public static byte[] outputToBytes(OutputFile file) {
        return file.readAllBytes();
    }

    /** An output file's content as a stream. */
    @Converter
    public static InputStream outputToStream(OutputFile file) throws IOException {
        return file.openStream();
    }

    /** A workflow's declared params and outputs as JSON. */
    @Converter
    public static String schemaToJson(WorkflowSchema schema) {
        return schema.toJson();
    }

    /** A workflow's declared params and outputs as UTF-8 JSON bytes (for HTTP answers). */
    @Converter
    public static byte[] schemaToJsonBytes(WorkflowSchema schema) {
        return schema.toJson().getBytes(StandardCharsets.UTF_8);
    }

    /** A workflow's declared params and outputs as a UTF-8 JSON stream (what platform-http writes). */
    @Converter
    public static InputStream schemaToJsonStream(WorkflowSchema schema) {
        return new ByteArrayInputStream(schemaToJsonBytes(schema));
    }

    /** A submitted prompt as its id. */
    @Converter
    public static String submittedToId(SubmittedPrompt submitted) {
        return submitted.getPromptId();
    }
}
