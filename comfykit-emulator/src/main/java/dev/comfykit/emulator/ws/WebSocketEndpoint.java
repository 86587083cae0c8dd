package dev.comfykit.emulator.ws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfykit.emulator.json.Json;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.IntSupplier;

/**
 * {@code GET /ws?clientId=...}: the upgrade, the greeting {@code status} with {@code sid}, the reconnect-time
 * {@code executing} for a client whose prompt is running, and first-message feature-flag negotiation.
 */
public final class WebSocketEndpoint {

    private final SocketRegistry registry;
    private final IntSupplier queueRemaining;
    private final Function<String, String> executingNode;

    /**
     * @param registry        where sockets are registered
     * @param queueRemaining  the current {@code queue_remaining}
     * @param executingNode   the node a client's prompt is executing now, or null
     */
    public WebSocketEndpoint(SocketRegistry registry, IntSupplier queueRemaining, Function<String, String> executingNode) {
        this.registry = registry;
        this.queueRemaining = queueRemaining;
        this.executingNode = executingNode;
    }

    /** A plain GET of {@code /ws} without an upgrade: aiohttp's 400. */
    public static void notAnUpgrade(RoutingContext ctx) {
        String upgrade = ctx.request().getHeader("Upgrade");
        ctx.response().setStatusCode(400).putHeader("Content-Type", "text/plain; charset=utf-8")
                .end("400: Bad Request\n\nNo WebSocket UPGRADE hdr: " + upgrade + "\n Can \"Upgrade\" only to \"WebSocket\".");
    }

    /** Accepts the upgrade of a request that has not been read yet. */
    public void upgrade(HttpServerRequest request) {
        String requested = request.getParam("clientId");
        String sid = requested == null || requested.isEmpty() ? UUID.randomUUID().toString().replace("-", "") : requested;
        request.toWebSocket().onSuccess(ws -> {
            ClientSocket socket = new ClientSocket(sid, ws, request.connection());
            ws.closeHandler(v -> registry.closed(socket));
            ws.exceptionHandler(e -> { });
            ws.textMessageHandler(text -> onText(socket, text));
            registry.register(socket);
            ObjectNode greeting = Messages.status(queueRemaining.getAsInt());
            greeting.put("sid", sid);
            registry.sendTo(socket, "status", greeting);
            String node = executingNode.apply(sid);
            if (node != null) {
                registry.sendTo(socket, "executing", Json.object().put("node", node));
            }
        });
    }

    /** Only the first text frame is looked at; a {@code feature_flags} one is answered with the server's flags. */
    private void onText(ClientSocket socket, String text) {
        if (socket.firstMessageSeen()) {
            return;
        }
        JsonNode message;
        try {
            message = Json.parse(text);
        } catch (Exception e) {
            return;
        }
        socket.firstMessageSeen(true);
        if (message.isObject() && "feature_flags".equals(message.path("type").asText())) {
            socket.previewMetadata(message.path("data").path("supports_preview_metadata").asBoolean(false));
            registry.sendTo(socket, "feature_flags", Messages.features());
        }
    }
}
