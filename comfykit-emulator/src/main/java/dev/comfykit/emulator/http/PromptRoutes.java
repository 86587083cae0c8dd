package dev.comfykit.emulator.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.comfykit.emulator.ProtocolVersion;
import dev.comfykit.emulator.json.Json;
import dev.comfykit.emulator.json.Py;
import dev.comfykit.emulator.queue.PromptQueue;
import dev.comfykit.emulator.queue.QueueItem;
import dev.comfykit.emulator.validation.Coercion;
import dev.comfykit.emulator.validation.PromptValidator;
import dev.comfykit.emulator.validation.PyException;
import dev.comfykit.emulator.validation.ValidationResult;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/** {@code GET /prompt} and {@code POST /prompt}: submission, numbering and validation as in ComfyUI's server. */
final class PromptRoutes {

    /** ComfyUI's {@code SENSITIVE_EXTRA_DATA_KEYS}. */
    private static final java.util.List<String> SENSITIVE_KEYS = java.util.List.of("auth_token_comfy_org",
            "api_key_comfy_org");

    private final PromptQueue queue;
    private final PromptValidator validator;
    private final PromptLog log;
    private final ProtocolVersion protocol;

    PromptRoutes(PromptQueue queue, PromptValidator validator, PromptLog log, ProtocolVersion protocol) {
        this.queue = queue;
        this.validator = validator;
        this.log = log;
        this.protocol = protocol;
    }

    void get(RoutingContext ctx) {
        ObjectNode body = Json.object();
        body.putObject("exec_info").put("queue_remaining", queue.remaining());
        Responses.json(ctx, 200, body);
    }

    void post(RoutingContext ctx) {
        byte[] raw = Responses.raw(ctx);
        log.record(new String(raw, StandardCharsets.UTF_8));
        JsonNode json;
        try {
            json = Json.parse(raw);
        } catch (Exception e) {
            Responses.serverError(ctx);
            return;
        }
        if (!json.isContainerNode() && !json.isTextual()) {
            Responses.serverError(ctx);
            return;
        }
        // Python's `"number" in json_data` is a membership test: only objects really have keys
        JsonNode number;
        if (json.isObject() && json.has("number")) {
            try {
                number = Coercion.toFloat(json.get("number"));
            } catch (PyException e) {
                Responses.serverError(ctx);
                return;
            }
        } else {
            number = queue.nextNumber(json.isObject() && json.has("front") && Coercion.truthy(json.get("front")));
        }
        if (!json.isObject() || !json.has("prompt")) {
            ObjectNode body = Json.object();
            body.set("error", PromptValidator.error("no_prompt", "No prompt provided", "No prompt provided", Json.object()));
            body.putObject("node_errors");
            Responses.json(ctx, 400, body);
            return;
        }
        JsonNode prompt = json.get("prompt");
        String promptId = json.has("prompt_id") ? Py.str(json.get("prompt_id")) : UUID.randomUUID().toString();
        if (protocol.jobsApi()) {
            // v0.33.0: a client-chosen id must be a canonical UUID; absent or null lets the server choose
            JsonNode chosen = json.get("prompt_id");
            if (chosen == null || chosen.isNull()) {
                promptId = UUID.randomUUID().toString();
            } else if (!chosen.isTextual() || !JobsRoutes.isJobId(chosen.textValue())) {
                ObjectNode body = Json.object();
                body.set("error", PromptValidator.error("invalid_prompt_id", "prompt_id must be a valid UUID",
                        "prompt_id must be a UUID string in canonical lowercase hyphenated form; omit it to let the"
                                + " server generate one", Json.object()));
                body.putObject("node_errors");
                Responses.json(ctx, 400, body);
                return;
            }
        }
        ValidationResult valid;
        try {
            valid = validator.validate(prompt, json.get("partial_execution_targets"));
        } catch (PromptValidator.Unprocessable e) {
            Responses.serverError(ctx);
            return;
        }
        JsonNode extra = json.has("extra_data") ? json.get("extra_data") : Json.object();
        if (!extra.isObject()) {
            Responses.serverError(ctx);
            return;
        }
        ObjectNode extraData = (ObjectNode) extra;
        if (json.has("client_id")) {
            extraData.set("client_id", json.get("client_id"));
        }
        if (!valid.valid()) {
            ObjectNode body = Json.object();
            body.set("error", valid.error());
            body.set("node_errors", valid.nodeErrors());
            Responses.json(ctx, 400, body);
            return;
        }
        if (protocol.jobsApi()) {
            // v0.33.0 keeps the secrets beside the queue item, so /queue, /history and jobs never show them
            extraData.remove(SENSITIVE_KEYS);
            extraData.put("create_time", System.currentTimeMillis());
        }
        QueueItem item = new QueueItem(number, promptId, (ObjectNode) prompt, extraData, valid.goodOutputs(),
                queue.nextSequence(), queue.epoch());
        queue.put(item);
        ObjectNode body = Json.object();
        body.set("prompt_id", TextNode.valueOf(promptId));
        body.set("number", number);
        body.set("node_errors", valid.nodeErrors());
        Responses.json(ctx, 200, body);
    }
}
