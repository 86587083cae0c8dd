package dev.comfykit.client.internal.comfyui;

import com.fasterxml.jackson.databind.JsonNode;
import dev.comfykit.client.NodeValidationError;
import dev.comfykit.client.ValidationIssue;
import dev.comfykit.client.internal.json.Json;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads ComfyUI's {@code node_errors} object (node id to errors, dependent outputs and class type) and the issue
 * objects ({@code type}, {@code message}, {@code details}, {@code extra_info}) it contains.
 */
public final class ValidationErrors {

    private ValidationErrors() {
    }

    /** Parses {@code node_errors}; an absent or non-object value gives an empty map. */
    public static Map<String, NodeValidationError> parse(JsonNode nodeErrors) {
        Map<String, NodeValidationError> result = new LinkedHashMap<>();
        if (nodeErrors == null || !nodeErrors.isObject()) {
            return result;
        }
        Iterator<Map.Entry<String, JsonNode>> fields = nodeErrors.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> entry = fields.next();
            JsonNode node = entry.getValue();
            List<ValidationIssue> issues = new ArrayList<>();
            for (JsonNode issue : node.path("errors")) {
                issues.add(issue(issue));
            }
            List<String> dependents = new ArrayList<>();
            for (JsonNode id : node.path("dependent_outputs")) {
                dependents.add(id.asText());
            }
            result.put(entry.getKey(), new NodeValidationError(entry.getKey(), Json.text(node.get("class_type")),
                    issues, dependents));
        }
        return result;
    }

    /** Parses one issue object; a plain string becomes an issue with only a message. */
    public static ValidationIssue issue(JsonNode issue) {
        if (issue == null || issue.isNull()) {
            return new ValidationIssue(null, null, null, null);
        }
        if (issue.isTextual()) {
            return new ValidationIssue(null, issue.asText(), null, null);
        }
        Map<String, Object> extra = issue.path("extra_info").isObject() ? Json.toMap(issue.get("extra_info")) : null;
        return new ValidationIssue(Json.text(issue.get("type")), Json.text(issue.get("message")),
                Json.text(issue.get("details")), extra);
    }

    /** A one-line summary of node errors, e.g. {@code node 1 (EmptyImage): Required input is missing (height)}. */
    public static String summary(Map<String, NodeValidationError> errors) {
        StringBuilder sb = new StringBuilder();
        for (NodeValidationError node : errors.values()) {
            for (ValidationIssue issue : node.getErrors()) {
                if (sb.length() > 0) {
                    sb.append("; ");
                }
                sb.append("node ").append(node.getNodeId());
                if (node.getClassType() != null) {
                    sb.append(" (").append(node.getClassType()).append(')');
                }
                sb.append(": ").append(issue.getMessage());
                if (issue.getDetails() != null && !issue.getDetails().isEmpty()) {
                    sb.append(" (").append(issue.getDetails()).append(')');
                }
            }
        }
        return sb.toString();
    }

}
