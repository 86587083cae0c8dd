package dev.comfykit.camel.converter;

import dev.comfykit.client.ExecuteResult;
import dev.comfykit.client.OutputFile;
import dev.comfykit.client.SubmittedPrompt;
import dev.comfykit.client.dsl.WorkflowSchema;
import org.apache.camel.Converter;

import java.io.IOException;
import java.io.InputStream;
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

    /** A submitted prompt as its id. */
    @Converter
    public static String submittedToId(SubmittedPrompt submitted) {
        return submitted.getPromptId();
    }
}
