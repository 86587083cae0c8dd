package dev.comfykit.client.internal.runninghub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfykit.client.InvalidParameterException;
import dev.comfykit.client.internal.json.Json;
import dev.comfykit.client.internal.workflow.Workflow;

import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Builds RunningHub's {@code nodeInfoList}: the node inputs a task overrides, as
 * {@code {nodeId, fieldName, fieldValue}}.
 */
final class NodeInfoLists {

    private NodeInfoLists() {
    }

    /**
     * The inputs whose values differ between the stored workflow and the prepared one (params applied, media
     * uploaded, zero seeds randomised): exactly what the task must override. Linked inputs are never sent.
     */
    static ArrayNode changes(Workflow stored, ObjectNode prepared) {
        ArrayNode list = Json.mapper().createArrayNode();
        for (String nodeId : stored.nodeIds()) {
            JsonNode before = stored.node(nodeId).path("inputs");
            Iterator<Map.Entry<String, JsonNode>> inputs = prepared.path(nodeId).path("inputs").fields();
            while (inputs.hasNext()) {
                Map.Entry<String, JsonNode> input = inputs.next();
                JsonNode value = input.getValue();
                if (!value.isArray() && !value.equals(before.get(input.getKey()))) {
                    list.add(entry(nodeId, input.getKey(), value));
                }
            }
        }
        return list;
    }

    /**
     * The inputs of an AI app run: params named {@code nodeId.fieldName} (as the app's API page on RunningHub lists
     * them), plus the entries of a raw {@code nodeInfoList} param.
     *
     * @throws InvalidParameterException for a param that names no node and field
     */
    static ArrayNode forApp(String webappId, Map<String, ?> params) {
        ArrayNode list = Json.mapper().createArrayNode();
        for (Map.Entry<String, ?> param : params.entrySet()) {
            String name = param.getKey();
            if (name.equals("nodeInfoList")) {
                addRaw(list, param.getValue());
                continue;
            }
            int dot = name.indexOf('.');
            if (dot <= 0 || dot == name.length() - 1) {
                throw new InvalidParameterException(name, "Param '" + name + "' for RunningHub AI app " + webappId
                        + " must be named nodeId.fieldName (e.g. 52.prompt, as the app's API page lists its inputs),"
                        + " or give a raw nodeInfoList.");
            }
            list.add(entry(name.substring(0, dot), name.substring(dot + 1), Json.toTree(param.getValue())));
        }
        return list;
    }

    private static void addRaw(ArrayNode list, Object raw) {
        JsonNode tree = Json.toTree(raw);
        if (!tree.isArray()) {
            throw new InvalidParameterException("nodeInfoList", "Param 'nodeInfoList' must be a list of"
                    + " {nodeId, fieldName, fieldValue} objects.");
        }
        for (JsonNode entry : tree) {
            if (!entry.path("nodeId").isValueNode() || !entry.path("fieldName").isTextual()
                    || !entry.has("fieldValue")) {
                throw new InvalidParameterException("nodeInfoList", "Every nodeInfoList entry needs nodeId,"
                        + " fieldName and fieldValue, but one is " + entry);
            }
            list.add(entry(entry.get("nodeId").asText(), entry.get("fieldName").asText(), entry.get("fieldValue")));
        }
    }

    private static ObjectNode entry(String nodeId, String field, JsonNode value) {
        ObjectNode entry = Json.object().put("nodeId", nodeId).put("fieldName", field);
        entry.set("fieldValue", value);
        return entry;
    }

    /** The names of app params that hold media to upload first (not text, numbers or booleans). */
    static boolean isMediaValue(Object value) {
        return !(value instanceof CharSequence || value instanceof Number || value instanceof Boolean
                || value instanceof Map || value instanceof List || value instanceof JsonNode);
    }
}
