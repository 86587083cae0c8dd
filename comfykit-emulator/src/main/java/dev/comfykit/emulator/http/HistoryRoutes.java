package dev.comfykit.emulator.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.comfykit.emulator.queue.History;
import dev.comfykit.emulator.validation.Coercion;
import dev.comfykit.emulator.validation.PyException;
import io.vertx.ext.web.RoutingContext;

/** {@code GET /history}, {@code GET /history/{id}}, {@code POST /history}. */
final class HistoryRoutes {

    private final History history;

    HistoryRoutes(History history) {
        this.history = history;
    }

    void list(RoutingContext ctx) {
        Integer maxItems;
        Integer offset;
        try {
            maxItems = intParam(ctx, "max_items");
            offset = intParam(ctx, "offset");
        } catch (PyException e) {
            Responses.serverError(ctx);
            return;
        }
        Responses.json(ctx, 200, history.json(maxItems, offset));
    }

    void one(RoutingContext ctx) {
        Responses.json(ctx, 200, history.json(ctx.pathParam("prompt_id")));
    }

    void post(RoutingContext ctx) {
        JsonNode json = Responses.body(ctx);
        if (json == null || !json.isObject()) {
            Responses.serverError(ctx);
            return;
        }
        if (json.has("clear") && Coercion.truthy(json.get("clear"))) {
            history.clear();
        }
        if (json.has("delete")) {
            JsonNode ids = json.get("delete");
            if (!ids.isArray()) {
                Responses.serverError(ctx);
                return;
            }
            for (JsonNode id : ids) {
                if (id.isTextual()) {
                    history.delete(id.textValue());
                }
            }
        }
        Responses.empty(ctx, 200);
    }

    /** Python's {@code int(query_value)}: anything else is a 500 on the real server. */
    private static Integer intParam(RoutingContext ctx, String name) throws PyException {
        String value = ctx.queryParams().get(name);
        if (value == null) {
            return null;
        }
        JsonNode n = Coercion.toInt(TextNode.valueOf(value));
        if (!n.canConvertToInt()) {
            throw new PyException("OverflowError", "too large");
        }
        return n.intValue();
    }
}
