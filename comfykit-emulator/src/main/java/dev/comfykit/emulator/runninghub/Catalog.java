package dev.comfykit.emulator.runninghub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfykit.emulator.json.Json;
import java.io.IOException;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/** The workflows (by workflowId) and AI apps (by webappId) the emulated account can run, in API format. */
final class Catalog {

    private final Map<String, ObjectNode> workflows = new ConcurrentHashMap<>();
    private final Map<String, ObjectNode> apps = new ConcurrentHashMap<>();

    void registerWorkflow(String workflowId, String apiJson) {
        workflows.put(Objects.requireNonNull(workflowId, "workflowId"), parse(apiJson));
    }

    void registerApp(String webappId, String apiJson) {
        apps.put(Objects.requireNonNull(webappId, "webappId"), parse(apiJson));
    }

    /** The stored workflow (do not modify), or null. */
    ObjectNode workflow(String workflowId) {
        return workflows.get(workflowId);
    }

    /** The app's workflow (do not modify), or null. */
    ObjectNode app(String webappId) {
        return apps.get(webappId);
    }

    /**
     * Parses an API-format workflow: an object whose values are node objects.
     *
     * @throws IllegalArgumentException for anything else
     */
    static ObjectNode parse(String apiJson) {
        JsonNode json;
        try {
            json = Json.parse(Objects.requireNonNull(apiJson, "apiJson"));
        } catch (IOException e) {
            throw new IllegalArgumentException("not JSON: " + e.getMessage(), e);
        }
        if (!json.isObject() || json.isEmpty()) {
            throw new IllegalArgumentException("an API-format workflow is a non-empty object of nodes");
        }
        Iterator<Map.Entry<String, JsonNode>> nodes = json.fields();
        while (nodes.hasNext()) {
            Map.Entry<String, JsonNode> node = nodes.next();
            if (!node.getValue().isObject() || !node.getValue().path("inputs").isObject()) {
                throw new IllegalArgumentException("node " + node.getKey() + " is not an API-format node"
                        + " {class_type, inputs}; is this a UI-format workflow?");
            }
        }
        return (ObjectNode) json;
    }
}
