package dev.comfykit.client.internal.runninghub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.comfykit.client.ErrorKind;
import dev.comfykit.client.ExecutionError;
import dev.comfykit.client.NodeValidationError;
import dev.comfykit.client.internal.comfyui.ValidationErrors;
import dev.comfykit.client.internal.json.Json;

import java.io.IOException;
import java.util.Map;

/**
 * RunningHub's {@code promptTips}: the answer of ComfyUI's {@code /prompt} on RunningHub's machine, as a JSON
 * string ({@code {"result", "error", "outputs_to_execute", "node_errors"}}). It comes with a created task and with a
 * 433 refusal.
 */
final class PromptTips {

    private final JsonNode tips;
    private final Map<String, NodeValidationError> nodeErrors;

    private PromptTips(JsonNode tips) {
        this.tips = tips;
        this.nodeErrors = ValidationErrors.parse(tips.get("node_errors"));
    }

    /** Parses the JSON string; anything unreadable counts as no tips. */
    static PromptTips parse(JsonNode promptTips) {
        if (promptTips == null || !promptTips.isTextual() || promptTips.asText().isBlank()) {
            return new PromptTips(MissingNode.getInstance());
        }
        try {
            JsonNode tree = Json.mapper().readTree(promptTips.asText());
            return new PromptTips(tree == null ? MissingNode.getInstance() : tree);
        } catch (IOException e) {
            return new PromptTips(MissingNode.getInstance());
        }
    }

    /** Whether ComfyUI refused the whole graph. */
    boolean rejected() {
        return tips.path("result").isBoolean() && !tips.path("result").asBoolean();
    }

    Map<String, NodeValidationError> nodeErrors() {
        return nodeErrors;
    }

    /** The validation error these tips describe, introduced by a sentence of the caller's. */
    ExecutionError rejection(String what, String code) {
        JsonNode error = tips.path("error");
        String reason = !nodeErrors.isEmpty() ? ValidationErrors.summary(nodeErrors)
                : error.isObject() ? error.path("message").asText("") : error.asText("");
        return ExecutionError.builder(ErrorKind.VALIDATION, what + (reason.isEmpty() ? "." : ": " + reason))
                .code(code).nodeErrors(nodeErrors).build();
    }
}
