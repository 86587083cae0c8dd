package dev.comfykit.emulator.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/** Helpers to compare recorded frames with captured ones. */
public final class Frames {

    private Frames() {
    }

    public static String type(JsonNode frame) {
        return frame.path("type").asText();
    }

    public static Predicate<JsonNode> ofType(String type) {
        return f -> type(f).equals(type);
    }

    /** Copies a value with timestamps removed and the given ids replaced by placeholders ("PID"). */
    public static JsonNode normalize(JsonNode node, Map<String, String> replacements) {
        JsonNode copy = node.deepCopy();
        strip(copy, replacements);
        if (copy.isTextual() && replacements.containsKey(copy.textValue())) {
            return TextNode.valueOf(replacements.get(copy.textValue()));
        }
        return copy;
    }

    private static void strip(JsonNode node, Map<String, String> replacements) {
        if (node.isObject()) {
            ObjectNode o = (ObjectNode) node;
            o.remove("timestamp");
            Iterator<Map.Entry<String, JsonNode>> it = o.fields();
            java.util.List<String> keys = new java.util.ArrayList<>();
            it.forEachRemaining(e -> keys.add(e.getKey()));
            for (String k : keys) {
                JsonNode v = o.get(k);
                if (v.isTextual() && replacements.containsKey(v.textValue())) {
                    o.put(k, replacements.get(v.textValue()));
                } else {
                    strip(v, replacements);
                }
                if (replacements.containsKey(k)) {
                    o.set(replacements.get(k), o.remove(k));
                }
            }
        } else if (node.isArray()) {
            ArrayNode a = (ArrayNode) node;
            for (int i = 0; i < a.size(); i++) {
                JsonNode v = a.get(i);
                if (v.isTextual() && replacements.containsKey(v.textValue())) {
                    a.set(i, TextNode.valueOf(replacements.get(v.textValue())));
                } else {
                    strip(v, replacements);
                }
            }
        }
    }

    /** Parses captured frames (one JSON per line). */
    public static List<JsonNode> captured(String lines) {
        return lines.lines().map(String::strip).filter(l -> !l.isEmpty()).map(Client::json).collect(Collectors.toList());
    }

    public static List<JsonNode> without(List<JsonNode> frames, String... types) {
        List<String> drop = List.of(types);
        return frames.stream().filter(f -> !drop.contains(type(f))).collect(Collectors.toList());
    }

    public static List<String> types(List<JsonNode> frames) {
        return frames.stream().map(Frames::type).collect(Collectors.toList());
    }
}
