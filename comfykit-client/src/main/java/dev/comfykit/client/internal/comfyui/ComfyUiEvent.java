package dev.comfykit.client.internal.comfyui;

import com.fasterxml.jackson.databind.JsonNode;
import dev.comfykit.client.internal.json.Json;

import java.io.IOException;

/**
 * One JSON frame of ComfyUI's WebSocket: {@code {"type": ..., "data": {...}}}.
 */
public final class ComfyUiEvent {

    private final String type;
    private final JsonNode data;

    private ComfyUiEvent(String type, JsonNode data) {
        this.type = type;
        this.data = data;
    }

    /** Parses a text frame; {@code null} when it is not an event (ComfyUI never sends such frames). */
    public static ComfyUiEvent parse(String text) {
        try {
            JsonNode json = Json.mapper().readTree(text);
            if (json == null || !json.path("type").isTextual()) {
                return null;
            }
            return new ComfyUiEvent(json.get("type").asText(), json.path("data"));
        } catch (IOException e) {
            return null;
        }
    }

    public String type() {
        return type;
    }

    public JsonNode data() {
        return data;
    }

    /** The prompt the event belongs to, or {@code null} (status frames, the reconnect-time executing frame). */
    public String promptId() {
        JsonNode id = data.get("prompt_id");
        return id == null || id.isNull() ? null : id.asText();
    }

    /**
     * Whether this is the last event of a prompt: {@code executing} with {@code node: null}, sent after the history
     * entry was written.
     */
    public boolean isPromptFinished() {
        return "executing".equals(type) && data.has("node") && data.get("node").isNull() && promptId() != null;
    }

    /** Whether this is the {@code status} frame that confirms the socket's registration ({@code sid}). */
    public boolean isRegistration() {
        return "status".equals(type) && data.path("sid").isTextual();
    }

    @Override
    public String toString() {
        return type + " " + data;
    }
}
