package dev.comfykit.client.internal.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import dev.comfykit.client.ErrorKind;
import dev.comfykit.client.ExecuteResult;
import dev.comfykit.client.ExecutionError;
import dev.comfykit.client.MediaKind;
import dev.comfykit.client.NodeValidationError;
import dev.comfykit.client.OutputFile;
import dev.comfykit.client.ValidationIssue;
import dev.comfykit.client.internal.json.Json;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * An {@link ExecuteResult} as the JSON a job store keeps, and back: {@link ExecuteResult#toJson()} writes it (the
 * Python SDK's field names), {@link #read} rebuilds an equal result from it. The media lists and {@code status} are
 * derived from the files and the error, so only {@code prompt_id}, {@code duration}, {@code files},
 * {@code texts_by_var}, {@code outputs} and {@code error} are read.
 */
public final class ResultJson {

    private ResultJson() {
    }

    /** The result as stored. */
    public static String write(ExecuteResult result) {
        return result.toJson();
    }

    /** The error alone, as stored in a failed job's {@code error} field; {@code null} for none. */
    public static String writeError(ExecutionError error) {
        return error == null ? null : Json.write(error);
    }

    /**
     * Reads a stored result.
     *
     * @param reader reads the content of its output files (the client's, for the server they are on)
     * @throws IllegalArgumentException when the text is not a stored result
     */
    public static ExecuteResult read(String json, OutputFile.Reader reader) {
        JsonNode root;
        try {
            root = Json.mapper().readTree(json);
        } catch (Exception e) {
            throw new IllegalArgumentException("A stored job result is not JSON: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("A stored job result is not a JSON object");
        }
        ExecuteResult.Builder builder = ExecuteResult.builder(text(root, "prompt_id"));
        if (root.hasNonNull("duration")) {
            builder.duration(root.get("duration").asDouble());
        }
        for (JsonNode file : root.path("files")) {
            String path = text(file, "path");
            builder.file(new OutputFile(text(file, "variable"), text(file, "node_id"),
                    MediaKind.valueOf(text(file, "kind").toUpperCase(Locale.ROOT)), text(file, "filename"),
                    text(file, "subfolder"), text(file, "type"), text(file, "url"), path == null ? null : path(path),
                    reader));
        }
        root.path("texts_by_var").fields().forEachRemaining(entry -> entry.getValue()
                .forEach(text -> builder.text(entry.getKey(), text.asText())));
        if (root.hasNonNull("outputs")) {
            builder.outputs(Json.toMap(root.get("outputs")));
        }
        if (root.hasNonNull("error")) {
            builder.error(readError(root.get("error")));
        }
        return builder.build().withServer(text(root, "server"));
    }

    /** Reads an error written by {@link #writeError}. */
    public static ExecutionError readError(JsonNode node) {
        ExecutionError.Builder error = ExecutionError.builder(ErrorKind.valueOf(text(node, "kind")),
                text(node, "message"));
        if (node.hasNonNull("node_id") || node.hasNonNull("node_type")) {
            error.node(text(node, "node_id"), text(node, "node_type"));
        }
        if (node.hasNonNull("exception_type") || node.hasNonNull("exception_message") || node.has("traceback")) {
            List<String> traceback = null;
            if (node.hasNonNull("traceback")) {
                traceback = new ArrayList<>();
                for (JsonNode line : node.get("traceback")) {
                    traceback.add(line.asText());
                }
            }
            error.exception(text(node, "exception_type"), text(node, "exception_message"), traceback);
        }
        if (node.hasNonNull("error_type") || node.hasNonNull("details")) {
            error.errorType(text(node, "error_type"), text(node, "details"));
        }
        error.code(text(node, "code"));
        if (node.hasNonNull("http_status")) {
            error.httpStatus(node.get("http_status").asInt());
        }
        Map<String, NodeValidationError> nodeErrors = new LinkedHashMap<>();
        node.path("node_errors").fields().forEachRemaining(entry -> {
            JsonNode value = entry.getValue();
            List<ValidationIssue> issues = new ArrayList<>();
            for (JsonNode issue : value.path("errors")) {
                issues.add(new ValidationIssue(text(issue, "type"), text(issue, "message"), text(issue, "details"),
                        issue.hasNonNull("extra_info") ? Json.toMap(issue.get("extra_info")) : null));
            }
            List<String> dependents = new ArrayList<>();
            value.path("dependent_outputs").forEach(output -> dependents.add(output.asText()));
            nodeErrors.put(entry.getKey(), new NodeValidationError(text(value, "node_id"),
                    text(value, "class_type"), issues, dependents));
        });
        if (!nodeErrors.isEmpty()) {
            error.nodeErrors(nodeErrors);
        }
        return error.build();
    }

    private static Path path(String text) {
        return text.startsWith("file:") ? Path.of(URI.create(text)) : Path.of(text);
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }
}
