package dev.comfykit.emulator.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.comfykit.emulator.json.Json;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;

/** Answers in the shapes aiohttp gives them on the real server. */
final class Responses {

    static final String JSON = "application/json; charset=utf-8";
    static final String SERVER_ERROR = "500 Internal Server Error\n\nServer got itself in trouble";

    private Responses() {
    }

    static void json(RoutingContext ctx, int status, JsonNode body) {
        json(ctx, status, Json.bytes(body));
    }

    static void json(RoutingContext ctx, int status, byte[] body) {
        ctx.response().setStatusCode(status).putHeader("Content-Type", JSON).end(Buffer.buffer(body));
    }

    /** An action's answer: status with an empty {@code application/octet-stream} body. */
    static void empty(RoutingContext ctx, int status) {
        ctx.response().setStatusCode(status).putHeader("Content-Type", "application/octet-stream").end();
    }

    static void text(RoutingContext ctx, int status, String body) {
        ctx.response().setStatusCode(status).putHeader("Content-Type", "text/plain; charset=utf-8").end(body);
    }

    /** What aiohttp sends for an unhandled exception. */
    static void serverError(RoutingContext ctx) {
        if (!ctx.response().ended()) {
            text(ctx, 500, SERVER_ERROR);
        }
    }

    /** The handler, with a {@link RuntimeException} it throws answered by {@link #serverError}. */
    static Handler<RoutingContext> safe(Handler<RoutingContext> handler) {
        return ctx -> {
            try {
                handler.handle(ctx);
            } catch (RuntimeException e) {
                serverError(ctx);
            }
        };
    }

    /** The raw request body; empty if there was none. */
    static byte[] raw(RoutingContext ctx) {
        Buffer body = ctx.get(RequestGuards.RAW_BODY);
        return body == null ? new byte[0] : body.getBytes();
    }

    /** The request body as JSON, or null if it is not JSON (the caller decides: 500, or an empty object). */
    static JsonNode body(RoutingContext ctx) {
        Buffer body = ctx.get(RequestGuards.RAW_BODY);
        if (body == null || body.length() == 0) {
            return null;
        }
        try {
            return Json.parse(body.getBytes());
        } catch (Exception e) {
            return null;
        }
    }
}
