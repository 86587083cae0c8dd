package dev.comfykit.client.internal.execution;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfykit.client.internal.comfyui.ComfyUiEvent;
import dev.comfykit.client.internal.json.Json;

/**
 * A prompt's history entry assembled from the prompt's own WebSocket events, so that the WebSocket executor needs no
 * {@code GET /history/{id}} after {@code executing} with {@code node: null}: on a short job that round trip is
 * about half of the time the client adds (benchmarks/README.md).
 * <p>
 * ComfyUI sends a prompt's events, in order, only to the socket of the client id it was submitted with:
 * {@code execution_start}, {@code execution_cached}, {@code executed} for every output node (cached ones included,
 * with the same outputs as the history), then {@code execution_success}, {@code execution_error} or
 * {@code execution_interrupted}, and last {@code executing} with {@code node: null}, written after the history
 * entry. The entry built here has the {@code outputs} and {@code status} (with its {@code messages}) of the history
 * entry. It is only used when every event from {@code execution_start} to the final status was seen on one socket;
 * otherwise (the socket connected late or was lost meanwhile) the history is read as before.
 * <p>
 * Events of one socket are handled one at a time, in order; a socket loss {@linkplain PendingPrompt#forgetEvents()
 * discards} what was collected.
 */
final class EventHistory {

    private final ObjectNode outputs = Json.object();
    private final ObjectNode status = Json.object();
    private final ArrayNode messages = status.putArray("messages");
    private boolean ended;

    private EventHistory(JsonNode startData) {
        status.put("status_str", "success").put("completed", false);
        message("execution_start", startData);
    }

    /**
     * Collects one event of the prompt into {@code current}, the record so far ({@code null} before
     * {@code execution_start}).
     *
     * @return the record to keep: a new one on {@code execution_start} (a rerun starts over), else {@code current}
     */
    static EventHistory collect(EventHistory current, ComfyUiEvent event) {
        String type = event.type();
        if (type.equals("execution_start")) {
            return new EventHistory(event.data());
        }
        if (current == null || current.ended) {
            return current;
        }
        switch (type) {
            case "execution_cached" -> current.message(type, event.data());
            case "executed" -> current.executed(event.data());
            case "execution_success", "execution_error", "execution_interrupted" -> current.end(type, event.data());
            default -> {
                // progress, executing, previews: not part of the history entry
            }
        }
        return current;
    }

    /** The history entry, or {@code null} when the prompt's final status event has not been seen. */
    JsonNode entry() {
        if (!ended) {
            return null;
        }
        ObjectNode entry = Json.object();
        entry.set("outputs", outputs);
        entry.set("status", status);
        return entry;
    }

    private void executed(JsonNode data) {
        JsonNode node = data.path("node");
        JsonNode output = data.path("output");
        if (node.isTextual() && output.isObject()) {
            outputs.set(node.asText(), output);
        }
    }

    private void end(String type, JsonNode data) {
        boolean success = type.equals("execution_success");
        status.put("status_str", success ? "success" : "error").put("completed", success);
        message(type, data);
        ended = true;
    }

    private void message(String type, JsonNode data) {
        messages.addArray().add(type).add(data);
    }
}
