package dev.comfykit.emulator.nodes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfykit.emulator.json.Json;
import dev.comfykit.emulator.json.Py;
import java.math.BigInteger;
import java.util.Map;

/** Primitives, StringConcatenate and PreviewAny (ComfyUI's text output). */
final class ValueNodes {

    private ValueNodes() {
    }

    static void bind(Map<String, NodeLibrary.Binding> b) {
        NodeFunction identity = (in, ctx) -> NodeResult.of(in.get("value"));
        b.put("PrimitiveString", NodeLibrary.Binding.of(identity));
        b.put("PrimitiveStringMultiline", NodeLibrary.Binding.of(identity));
        b.put("PrimitiveInt", NodeLibrary.Binding.of(identity));
        b.put("PrimitiveFloat", NodeLibrary.Binding.of(identity));
        b.put("PrimitiveBoolean", NodeLibrary.Binding.of(identity));
        b.put("StringConcatenate", NodeLibrary.Binding.of((in, ctx) -> NodeResult.of(
                in.string("string_a") + in.string("delimiter") + in.string("string_b"))));
        b.put("PreviewAny", NodeLibrary.Binding.of((in, ctx) -> {
            ObjectNode ui = Json.object();
            ArrayNode text = ui.putArray("text");
            text.add(preview(in.get("source")));
            return NodeResult.ui(ui);
        }));
    }

    /** PreviewAny's rendering: strings as they are, numbers and booleans as Python prints them, else JSON. */
    static String preview(Object source) {
        if (source == null) {
            return "None";
        }
        if (source instanceof String s) {
            return s;
        }
        if (source instanceof Boolean bool) {
            return bool ? "True" : "False";
        }
        if (source instanceof Double d) {
            return Py.floatRepr(d);
        }
        if (source instanceof Long || source instanceof Integer || source instanceof BigInteger) {
            return source.toString();
        }
        if (source instanceof JsonNode node) {
            if (node.isTextual()) {
                return node.textValue();
            }
            if (node.isNumber() || node.isBoolean() || node.isNull()) {
                return Py.str(node);
            }
            return Json.text(node);
        }
        return source.toString();
    }
}
