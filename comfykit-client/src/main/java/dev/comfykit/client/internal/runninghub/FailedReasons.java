package dev.comfykit.client.internal.runninghub;

import com.fasterxml.jackson.databind.JsonNode;
import dev.comfykit.client.ErrorKind;
import dev.comfykit.client.ExecutionError;
import dev.comfykit.client.internal.json.Json;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads RunningHub's {@code failedReason} ({@code node_id}, {@code node_name}, {@code exception_type},
 * {@code exception_message}, and {@code traceback} as a string holding JSON), which v1 {@code outputs} (805) and v2
 * {@code query} (FAILED) both carry.
 */
final class FailedReasons {

    private FailedReasons() {
    }

    /**
     * The failure of a task.
     *
     * @param kind     the kind of failure (EXECUTION for a node that failed)
     * @param code     RunningHub's code ({@code 805} in v1, the {@code errorCode} in v2), or null
     * @param fallback the message when {@code failedReason} has none
     */
    static ExecutionError of(String taskId, JsonNode reason, ErrorKind kind, String code, String fallback) {
        String nodeId = Json.text(reason.get("node_id"));
        String nodeName = Json.text(reason.get("node_name"));
        String exceptionType = Json.text(reason.get("exception_type"));
        String exceptionMessage = Json.text(reason.get("exception_message"));
        List<String> traceback = new ArrayList<>();
        JsonNode trace = reason.get("traceback");
        if (trace != null && trace.isTextual()) {
            try {
                JsonNode lines = Json.mapper().readTree(trace.asText());
                if (lines != null && lines.isArray()) {
                    lines.forEach(line -> traceback.add(line.asText()));
                } else {
                    traceback.add(trace.asText());
                }
            } catch (java.io.IOException e) {
                traceback.add(trace.asText());
            }
        } else if (trace != null && trace.isArray()) {
            trace.forEach(line -> traceback.add(line.asText()));
        }
        StringBuilder message = new StringBuilder("RunningHub task ").append(taskId).append(" failed");
        if (nodeId != null) {
            message.append(" at node ").append(nodeId).append(nodeName == null ? "" : " (" + nodeName + ")");
        }
        message.append(": ").append(exceptionType == null ? "" : exceptionType + ": ")
                .append(exceptionMessage == null || exceptionMessage.isBlank() ? fallback : exceptionMessage.trim());
        return ExecutionError.builder(kind, message.toString()).node(nodeId, nodeName)
                .exception(exceptionType, exceptionMessage, traceback).code(code).build();
    }
}
