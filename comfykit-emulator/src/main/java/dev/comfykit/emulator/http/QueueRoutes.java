package dev.comfykit.emulator.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.comfykit.emulator.ProtocolVersion;
import dev.comfykit.emulator.execution.ExecutionEngine;
import dev.comfykit.emulator.queue.PromptQueue;
import dev.comfykit.emulator.validation.Coercion;
import io.vertx.ext.web.RoutingContext;

/** {@code GET/POST /queue}, {@code POST /interrupt} and {@code POST /free}. */
final class QueueRoutes {

    private final PromptQueue queue;
    private final ExecutionEngine engine;
    private final ProtocolVersion protocol;

    QueueRoutes(PromptQueue queue, ExecutionEngine engine, ProtocolVersion protocol) {
        this.queue = queue;
        this.engine = engine;
        this.protocol = protocol;
    }

    void get(RoutingContext ctx) {
        Responses.json(ctx, 200, queue.json());
    }

    void post(RoutingContext ctx) {
        JsonNode json = Responses.body(ctx);
        if (json == null || !json.isObject()) {
            Responses.serverError(ctx);
            return;
        }
        if (json.has("clear") && Coercion.truthy(json.get("clear"))) {
            queue.wipe();
        }
        if (json.has("delete")) {
            JsonNode ids = json.get("delete");
            if (!ids.isArray()) {
                Responses.serverError(ctx);
                return;
            }
            for (JsonNode id : ids) {
                if (id.isTextual()) {
                    queue.delete(id.textValue());
                }
            }
        }
        Responses.empty(ctx, 200);
    }

    /**
     * Without a usable {@code prompt_id} every running prompt is interrupted; with one, only that prompt if running.
     * Servers before v0.3.56 read no body at all and interrupt whatever runs.
     */
    void interrupt(RoutingContext ctx) {
        if (!protocol.targetedInterrupt()) {
            engine.interruptAll();
            Responses.empty(ctx, 200);
            return;
        }
        JsonNode json = Responses.body(ctx);
        if (json != null && !json.isObject()) {
            Responses.serverError(ctx);
            return;
        }
        JsonNode promptId = json == null ? null : json.get("prompt_id");
        if (promptId != null && Coercion.truthy(promptId)) {
            if (promptId.isTextual()) {
                engine.interrupt(promptId.textValue());
            }
        } else {
            engine.interruptAll();
        }
        Responses.empty(ctx, 200);
    }

    /** Nothing to unload in the emulator; answers like the real server. */
    void free(RoutingContext ctx) {
        Responses.empty(ctx, 200);
    }
}
