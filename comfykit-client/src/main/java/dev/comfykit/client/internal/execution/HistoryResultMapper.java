package dev.comfykit.client.internal.execution;

import com.fasterxml.jackson.databind.JsonNode;
import dev.comfykit.client.ErrorKind;
import dev.comfykit.client.ExecuteResult;
import dev.comfykit.client.ExecutionError;
import dev.comfykit.client.MediaKind;
import dev.comfykit.client.OutputFile;
import dev.comfykit.client.internal.comfyui.ComfyUiApi;
import dev.comfykit.client.dsl.WorkflowSchema;
import dev.comfykit.client.internal.dsl.WorkflowSchemaParser;
import dev.comfykit.client.internal.json.Json;
import dev.comfykit.client.internal.workflow.Workflow;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Builds an {@link ExecuteResult} from a ComfyUI history entry: every file listed under an output node (under
 * {@code images}, {@code gifs}, {@code audio} or any other key) becomes an {@link OutputFile} with an encoded
 * {@code /view} URL, classified as image, video or audio; {@code text} lists become texts; everything is grouped by
 * the node's output variable. A failed status becomes a structured {@link ExecutionError}, and the outputs produced
 * before the failure are kept.
 */
public final class HistoryResultMapper {

    private final ComfyUiApi api;
    private final OutputFile.Reader reader;

    HistoryResultMapper(ComfyUiApi api, OutputFile.Reader reader) {
        this.api = api;
        this.reader = reader;
    }

    /**
     * @param schema the schema of the submitted workflow, or {@code null} to read the output markers from the
     *               workflow stored in the history entry
     */
    ExecuteResult map(String promptId, JsonNode entry, WorkflowSchema schema, Double duration) {
        Function<String, String> variables = variables(entry, schema);
        ExecuteResult.Builder result = ExecuteResult.builder(promptId).duration(duration);
        JsonNode outputs = entry.path("outputs");
        Iterator<Map.Entry<String, JsonNode>> nodes = outputs.fields();
        while (nodes.hasNext()) {
            Map.Entry<String, JsonNode> node = nodes.next();
            addNodeOutputs(result, node.getKey(), variables.apply(node.getKey()), node.getValue());
        }
        result.outputs(outputs.isObject() ? Json.toMap(outputs) : Map.of());
        ExecutionError error = error(promptId, entry.path("status"));
        return result.error(error).build();
    }

    private void addNodeOutputs(ExecuteResult.Builder result, String nodeId, String variable, JsonNode output) {
        Iterator<Map.Entry<String, JsonNode>> keys = output.fields();
        while (keys.hasNext()) {
            Map.Entry<String, JsonNode> key = keys.next();
            if (!key.getValue().isArray()) {
                continue;
            }
            for (JsonNode item : key.getValue()) {
                if (key.getKey().equals("text") && item.isValueNode()) {
                    result.text(variable, item.asText());
                } else if (item.isObject() && item.path("filename").isTextual()) {
                    String filename = item.get("filename").asText();
                    String subfolder = item.path("subfolder").asText("");
                    String type = item.path("type").asText("output");
                    result.file(new OutputFile(variable, nodeId, MediaKind.classify(key.getKey(), filename), filename,
                            subfolder, type, api.viewUrl(filename, subfolder, type), null, reader));
                }
            }
        }
    }

    private static Function<String, String> variables(JsonNode entry, WorkflowSchema schema) {
        if (schema != null) {
            return schema::variableOf;
        }
        JsonNode graph = entry.path("prompt").path(2);
        if (graph.isObject() && !graph.isEmpty()) {
            try {
                WorkflowSchema stored = WorkflowSchemaParser.parse(Workflow.of(graph, "history"));
                return stored::variableOf;
            } catch (RuntimeException e) {
                // a stored workflow whose markers do not parse still has usable outputs, grouped by node id
            }
        }
        return Function.identity();
    }

    /**
     * The error of a history entry's {@code status}, or {@code null} when it succeeded.
     */
    public static ExecutionError error(String promptId, JsonNode status) {
        String statusText = status.path("status_str").asText("success");
        if (!statusText.equals("error")) {
            return null;
        }
        JsonNode messages = status.path("messages");
        for (int i = messages.size() - 1; i >= 0; i--) {
            JsonNode message = messages.get(i);
            String type = message.path(0).asText();
            JsonNode data = message.path(1);
            if (type.equals("execution_error")) {
                return executionError(data);
            }
            if (type.equals("execution_interrupted")) {
                return interrupted(promptId, data);
            }
        }
        return ExecutionError.of(ErrorKind.EXECUTION, "ComfyUI reported prompt " + promptId
                + " as failed without saying why.");
    }

    /** The error of an {@code execution_interrupted} message. */
    public static ExecutionError interrupted(String promptId, JsonNode data) {
        return ExecutionError.builder(ErrorKind.INTERRUPTED, "Prompt " + promptId
                + " was interrupted on the server" + atNode(data) + ".")
                .node(Json.text(data.get("node_id")), Json.text(data.get("node_type"))).build();
    }

    /** The error of an {@code execution_error} message: the failing node, its exception and traceback. */
    public static ExecutionError executionError(JsonNode data) {
        String exceptionType = Json.text(data.get("exception_type"));
        String exceptionMessage = Json.text(data.get("exception_message"));
        List<String> traceback = new ArrayList<>();
        for (JsonNode line : data.path("traceback")) {
            traceback.add(line.asText());
        }
        String message = "Node " + nodeLabel(data) + " failed: " + (exceptionType == null ? "" : exceptionType + ": ")
                + (exceptionMessage == null ? "no message" : exceptionMessage.trim());
        return ExecutionError.builder(ErrorKind.EXECUTION, message)
                .node(Json.text(data.get("node_id")), Json.text(data.get("node_type")))
                .exception(exceptionType, exceptionMessage, traceback).build();
    }

    private static String atNode(JsonNode data) {
        JsonNode nodeId = data.path("node_id");
        return nodeId.isMissingNode() || nodeId.isNull() ? "" : " at node " + nodeLabel(data);
    }

    /** {@code 41 (LoadImage)}. */
    private static String nodeLabel(JsonNode data) {
        JsonNode nodeType = data.path("node_type");
        return data.path("node_id").asText("?") + (nodeType.isTextual() ? " (" + nodeType.asText() + ")" : "");
    }

}
