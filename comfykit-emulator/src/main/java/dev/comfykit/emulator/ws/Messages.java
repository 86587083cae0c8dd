package dev.comfykit.emulator.ws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfykit.emulator.json.Json;

/** Text frames as ComfyUI writes them: {@code {"type": ..., "data": {...}}}. */
public final class Messages {

    private Messages() {
    }

    public static String frame(String type, JsonNode data) {
        ObjectNode message = Json.object();
        message.put("type", type);
        message.set("data", data);
        return Json.text(message);
    }

    /** The {@code status} payload: {@code {"status": {"exec_info": {"queue_remaining": n}}}}. */
    public static ObjectNode status(int queueRemaining) {
        ObjectNode data = Json.object();
        data.putObject("status").putObject("exec_info").put("queue_remaining", queueRemaining);
        return data;
    }

    /** The server's feature flags, as {@code GET /features} and the negotiation reply show them. */
    public static ObjectNode features() {
        ObjectNode flags = Json.object();
        flags.put("supports_preview_metadata", true);
        flags.put("max_upload_size", 104857600);
        return flags;
    }
}
