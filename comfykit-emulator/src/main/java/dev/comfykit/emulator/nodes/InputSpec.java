package dev.comfykit.emulator.nodes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfykit.emulator.json.Json;
import java.util.ArrayList;
import java.util.List;

/**
 * One input of a node class as {@code /object_info} declares it: {@code [TYPE]} or {@code [TYPE, {options}]},
 * where TYPE is a type name or the list of allowed combo values.
 */
public final class InputSpec {

    private final String name;
    private final boolean required;
    private final JsonNode type;
    private final ObjectNode options;
    private final JsonNode declaration;

    InputSpec(String name, boolean required, JsonNode declaration) {
        this.name = name;
        this.required = required;
        this.declaration = declaration;
        this.type = declaration.get(0);
        this.options = declaration.size() > 1 && declaration.get(1).isObject() ? (ObjectNode) declaration.get(1) : null;
    }

    public String name() {
        return name;
    }

    public boolean required() {
        return required;
    }

    /** The type: a text node ({@code "INT"}) or an array of combo values. */
    public JsonNode type() {
        return type;
    }

    public boolean isCombo() {
        return type.isArray();
    }

    /** The type name, or null for a combo. */
    public String typeName() {
        return type.isTextual() ? type.textValue() : null;
    }

    public List<String> comboValues() {
        List<String> values = new ArrayList<>();
        type.forEach(v -> values.add(v.asText()));
        return values;
    }

    /** The declared options; an empty object when the declaration has none. */
    public ObjectNode options() {
        return options == null ? Json.object() : options;
    }

    /** The declaration exactly as {@code /object_info} shows it. */
    public JsonNode declaration() {
        return declaration;
    }

    /** The {@code input_config} of validation errors: always {@code [TYPE, {options}]}. */
    public ArrayNode inputConfig() {
        ArrayNode config = Json.array();
        config.add(type);
        config.add(options());
        return config;
    }
}
