package dev.comfykit.emulator.runninghub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Locale;

/**
 * Applies a {@code nodeInfoList} ({@code [{nodeId, fieldName, fieldValue}]}) to a workflow: every entry must name a
 * node of the workflow and one of that node's inputs that holds a value, not a link. Values are set as given and
 * coerced later by ComfyUI's validation ({@code "42"} becomes 42 for an INT), with one RunningHub-side exception:
 * {@code "true"}/{@code "false"} for an input holding a boolean become booleans (ComfyUI's {@code bool("false")}
 * would be true).
 */
final class NodeInfoList {

    private NodeInfoList() {
    }

    /**
     * Applies the entries to {@code graph} (a copy the task owns).
     *
     * @return null if every entry applied, else what is wrong with the first entry that did not (an 803)
     */
    static String apply(ObjectNode graph, JsonNode list) {
        for (JsonNode entry : list) {
            if (!entry.isObject()) {
                return "a nodeInfoList entry is not an object: " + entry;
            }
            JsonNode nodeId = entry.get("nodeId");
            JsonNode fieldName = entry.get("fieldName");
            if (nodeId == null || !(nodeId.isTextual() || nodeId.isIntegralNumber()) || fieldName == null
                    || !fieldName.isTextual() || !entry.has("fieldValue")) {
                return "every nodeInfoList entry needs nodeId, fieldName and fieldValue: " + entry;
            }
            JsonNode node = graph.get(nodeId.asText());
            if (node == null) {
                return "node " + nodeId.asText() + " does not exist in the workflow";
            }
            ObjectNode inputs = (ObjectNode) node.get("inputs");
            JsonNode current = inputs.get(fieldName.textValue());
            if (current == null) {
                return "node " + nodeId.asText() + " has no input " + fieldName.textValue();
            }
            if (isLink(current)) {
                return "input " + fieldName.textValue() + " of node " + nodeId.asText() + " is a link, not a value";
            }
            inputs.set(fieldName.textValue(), value(current, entry.get("fieldValue")));
        }
        return null;
    }

    private static boolean isLink(JsonNode value) {
        return value.isArray() && value.size() == 2 && value.get(0).isTextual() && value.get(1).isIntegralNumber();
    }

    private static JsonNode value(JsonNode current, JsonNode given) {
        if (current.isBoolean() && given.isTextual()) {
            String text = given.textValue().trim().toLowerCase(Locale.ROOT);
            if (text.equals("true") || text.equals("false")) {
                return BooleanNode.valueOf(text.equals("true"));
            }
        }
        return given;
    }
}
