package dev.comfykit.client.internal.workflow;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfykit.client.InvalidWorkflowException;
import dev.comfykit.client.internal.json.Json;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A ComfyUI workflow in API format (node id to {@code class_type}, {@code inputs}, {@code _meta.title}), checked
 * for shape when created and never modified afterwards: executions work on {@link #copyGraph() copies}.
 */
public final class Workflow {

    private final ObjectNode graph;
    private final String origin;
    private final List<String> nodeIds;

    private Workflow(ObjectNode graph, String origin) {
        this.graph = graph;
        this.origin = origin;
        List<String> ids = new ArrayList<>();
        graph.fieldNames().forEachRemaining(ids::add);
        this.nodeIds = Collections.unmodifiableList(ids);
    }

    /**
     * Parses workflow JSON text.
     *
     * @param json   the JSON text
     * @param origin where it came from, for messages (a path, URL or "inline JSON")
     * @throws InvalidWorkflowException for invalid JSON (with line and column) or a workflow that is not in API format
     */
    public static Workflow parse(String json, String origin) {
        Objects.requireNonNull(json, "json");
        JsonNode tree;
        try {
            tree = Json.mapper().readTree(json);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String position = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
            throw new InvalidWorkflowException("Workflow " + origin + " is not valid JSON" + position + ": "
                    + e.getOriginalMessage(), e);
        }
        if (tree == null || tree.isMissingNode()) {
            throw new InvalidWorkflowException("Workflow " + origin + " is empty: expected a ComfyUI workflow in API"
                    + " format (a JSON object of node id -> {class_type, inputs})");
        }
        return of(tree, origin);
    }

    /**
     * Wraps a JSON tree, which is copied.
     *
     * @throws InvalidWorkflowException when the tree is not an API-format workflow
     */
    public static Workflow of(JsonNode tree, String origin) {
        Objects.requireNonNull(tree, "workflow");
        check(tree, origin);
        return new Workflow(((ObjectNode) tree).deepCopy(), origin);
    }

    /**
     * Views a graph another part of the client loaded (e.g. a {@code PromptRequest}'s), without copying it: it is
     * checked for shape, and neither this workflow nor its owner may change it afterwards.
     *
     * @throws InvalidWorkflowException when the graph is not an API-format workflow
     */
    public static Workflow view(ObjectNode graph, String origin) {
        Objects.requireNonNull(graph, "workflow");
        check(graph, origin);
        return new Workflow(graph, origin);
    }

    /**
     * Wraps plain Java maps (as read by any JSON library), which are copied.
     *
     * @throws InvalidWorkflowException when the map is not an API-format workflow
     */
    public static Workflow of(Map<String, ?> map, String origin) {
        Objects.requireNonNull(map, "workflow");
        JsonNode tree;
        try {
            tree = Json.toTree(map);
        } catch (IllegalArgumentException e) {
            throw new InvalidWorkflowException("Workflow " + origin + " cannot be converted to JSON: "
                    + e.getMessage(), e);
        }
        return of(tree, origin);
    }

    private static void check(JsonNode tree, String origin) {
        if (!tree.isObject()) {
            throw new InvalidWorkflowException("Workflow " + origin + " must be a JSON object of node id -> node"
                    + " (ComfyUI API format), but it is a JSON " + tree.getNodeType().name().toLowerCase());
        }
        if (tree.path("nodes").isArray() && (tree.has("links") || tree.has("last_node_id"))) {
            throw new InvalidWorkflowException("Workflow " + origin + " is in ComfyUI's UI (editor) format, which"
                    + " cannot be queued. Export it in API format instead: in ComfyUI choose Workflow > Export (API)"
                    + " (older versions: enable 'Dev mode Options' in the settings and use 'Save (API Format)').");
        }
        if (tree.path("prompt").isObject() && !tree.path("prompt").has("class_type")) {
            throw new InvalidWorkflowException("Workflow " + origin + " looks like a POST /prompt request body"
                    + " (it has a 'prompt' object): pass the value of 'prompt', the API-format workflow itself.");
        }
        if (tree.isEmpty()) {
            throw new InvalidWorkflowException("Workflow " + origin + " has no nodes.");
        }
        Iterator<Map.Entry<String, JsonNode>> nodes = tree.fields();
        while (nodes.hasNext()) {
            Map.Entry<String, JsonNode> entry = nodes.next();
            JsonNode node = entry.getValue();
            String id = entry.getKey();
            if (!node.isObject()) {
                throw new InvalidWorkflowException("Workflow " + origin + ": node '" + id + "' must be an object"
                        + " with class_type and inputs, but it is " + node + ". Is this an API-format workflow?");
            }
            if (!node.path("class_type").isTextual() || node.path("class_type").asText().isBlank()) {
                throw new InvalidWorkflowException("Workflow " + origin + ": node '" + id + "' has no class_type."
                        + " Every node of an API-format workflow needs \"class_type\" (e.g. \"KSampler\").");
            }
            if (node.has("inputs") && !node.get("inputs").isObject()) {
                throw new InvalidWorkflowException("Workflow " + origin + ": node '" + id + "' ("
                        + node.get("class_type").asText() + ") has inputs that are not a JSON object.");
            }
        }
    }

    /** Where the workflow came from (for messages). */
    public String origin() {
        return origin;
    }

    /** The node ids in document order. */
    public List<String> nodeIds() {
        return nodeIds;
    }

    /** A read-only view of one node, or {@code null}. Do not modify it. */
    public JsonNode node(String id) {
        return graph.get(id);
    }

    /** The class type of a node. */
    public String classType(String id) {
        return graph.path(id).path("class_type").asText(null);
    }

    /** The title of a node ({@code _meta.title}), or {@code null}. */
    public String title(String id) {
        JsonNode title = graph.path(id).path("_meta").path("title");
        return title.isTextual() ? title.asText() : null;
    }

    /** The graph itself, shared: read it, never change it (use {@link #copyGraph()} for that). */
    public ObjectNode graph() {
        return graph;
    }

    /** A deep copy of the graph that the caller may change. */
    public ObjectNode copyGraph() {
        return graph.deepCopy();
    }

    @Override
    public String toString() {
        return "Workflow[" + origin + ", " + nodeIds.size() + " nodes]";
    }
}
