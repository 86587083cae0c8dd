package dev.comfykit.emulator.validation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfykit.emulator.json.Json;
import dev.comfykit.emulator.json.Py;
import dev.comfykit.emulator.nodes.InputSpec;
import dev.comfykit.emulator.nodes.NodeDefinition;
import dev.comfykit.emulator.nodes.NodeRegistry;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * ComfyUI's {@code validate_prompt}: the same checks, in the same order, with the same error objects. Like the real
 * server it coerces widget values in place ({@code "8"} becomes 8 in the queued prompt).
 * <p>
 * Quirks kept on purpose: only errors attached to the output node itself appear in the top-level
 * {@code details}; every failing output is appended to the {@code dependent_outputs} of every node with errors
 * seen so far.
 */
public final class PromptValidator {

    private record Outcome(boolean valid, List<ObjectNode> reasons) {
    }

    /** Thrown for inputs the real server fails on with a 500 (it raises outside its validation). */
    public static final class Unprocessable extends Exception {
        private static final long serialVersionUID = 1L;

        Unprocessable(String message) {
            super(message);
        }
    }

    private final NodeRegistry registry;

    public PromptValidator(NodeRegistry registry) {
        this.registry = registry;
    }

    public ValidationResult validate(JsonNode promptNode, JsonNode partialTargets) throws Unprocessable {
        if (!promptNode.isObject()) {
            if ((promptNode.isArray() || promptNode.isTextual()) && promptNode.size() == 0 && promptNode.asText("").isEmpty()) {
                return failure(error("prompt_no_outputs", "Prompt has no outputs", "", Json.object()));
            }
            throw new Unprocessable("prompt is not an object");
        }
        ObjectNode prompt = (ObjectNode) promptNode;
        List<String> outputs = new ArrayList<>();
        Iterator<Map.Entry<String, JsonNode>> nodes = prompt.fields();
        while (nodes.hasNext()) {
            Map.Entry<String, JsonNode> e = nodes.next();
            String id = e.getKey();
            JsonNode node = e.getValue();
            if (!node.isObject()) {
                if (node.isTextual() && !node.textValue().contains("class_type")) {
                    return failure(missingClassType(id));
                }
                throw new Unprocessable("node " + id + " is not an object");
            }
            if (!node.has("class_type")) {
                return failure(missingClassType(id));
            }
            JsonNode classType = node.get("class_type");
            NodeDefinition def = classType.isTextual() ? registry.get(classType.textValue()) : null;
            if (def == null) {
                return failure(error("invalid_prompt", "Cannot execute because node " + Py.str(classType) + " does not exist.",
                        "Node ID '#" + id + "'", Json.object()));
            }
            if (def.outputNode() && inTargets(partialTargets, id)) {
                outputs.add(id);
            }
        }
        if (outputs.isEmpty()) {
            return failure(error("prompt_no_outputs", "Prompt has no outputs", "", Json.object()));
        }

        Map<String, Outcome> validated = new LinkedHashMap<>();
        List<String> good = new ArrayList<>();
        List<ObjectNode> outputReasons = new ArrayList<>();
        ObjectNode nodeErrors = Json.object();
        for (String o : outputs) {
            Outcome m;
            try {
                m = validateInputs(prompt, o, validated, new HashSet<>());
            } catch (PyException ex) {
                m = new Outcome(false, List.of(error("exception_during_validation", "Exception when validating node",
                        ex.getMessage(), exceptionInfo(ex))));
                validated.put(o, m);
            }
            if (m.valid()) {
                good.add(o);
                continue;
            }
            outputReasons.addAll(m.reasons());
            for (Map.Entry<String, Outcome> v : validated.entrySet()) {
                Outcome result = v.getValue();
                if (!result.valid() && !result.reasons().isEmpty()) {
                    ObjectNode entry = (ObjectNode) nodeErrors.get(v.getKey());
                    if (entry == null) {
                        entry = nodeErrors.putObject(v.getKey());
                        ArrayNode errors = entry.putArray("errors");
                        result.reasons().forEach(errors::add);
                        entry.putArray("dependent_outputs");
                        entry.set("class_type", prompt.get(v.getKey()).get("class_type"));
                    }
                    ((ArrayNode) entry.get("dependent_outputs")).add(o);
                }
            }
        }
        if (good.isEmpty()) {
            List<String> lines = new ArrayList<>();
            for (ObjectNode reason : outputReasons) {
                lines.add(reason.get("message").asText() + ": " + reason.get("details").asText());
            }
            return new ValidationResult(false, error("prompt_outputs_failed_validation", "Prompt outputs failed validation",
                    String.join("\n", lines), Json.object()), List.of(), nodeErrors);
        }
        return new ValidationResult(true, null, List.copyOf(good), nodeErrors);
    }

    private static boolean inTargets(JsonNode targets, String id) {
        if (targets == null || targets.isNull()) {
            return true;
        }
        if (targets.isTextual()) {
            return targets.textValue().contains(id);
        }
        for (JsonNode t : targets) {
            if (t.isTextual() && t.textValue().equals(id)) {
                return true;
            }
        }
        return false;
    }

    private Outcome validateInputs(ObjectNode prompt, String id, Map<String, Outcome> validated, Set<String> inProgress)
            throws PyException {
        Outcome memo = validated.get(id);
        if (memo != null) {
            return memo;
        }
        if (!inProgress.add(id)) {
            throw new PyException("RecursionError", "maximum recursion depth exceeded");
        }
        JsonNode node = prompt.get(id);
        JsonNode inputsNode = node.get("inputs");
        if (inputsNode == null) {
            throw new PyException("KeyError", "'inputs'");
        }
        if (!inputsNode.isObject()) {
            throw new PyException("TypeError", Py.typeName(inputsNode) + " indices must be integers or slices, not str");
        }
        ObjectNode inputs = (ObjectNode) inputsNode;
        NodeDefinition def = registry.get(node.get("class_type").textValue());
        List<ObjectNode> errors = new ArrayList<>();
        boolean valid = true;

        for (InputSpec spec : def.inputs()) {
            String x = spec.name();
            if (!inputs.has(x)) {
                if (spec.required()) {
                    ObjectNode info = Json.object().put("input_name", x);
                    errors.add(error("required_input_missing", "Required input is missing", x, info));
                }
                continue;
            }
            JsonNode val = inputs.get(x);
            if (val.isArray()) {
                if (val.size() != 2) {
                    ObjectNode info = Json.object().put("input_name", x);
                    info.set("input_config", spec.inputConfig());
                    info.set("received_value", val);
                    errors.add(error("bad_linked_input", "Bad linked input, must be a length-2 list of [node_id, slot_index]", x, info));
                    continue;
                }
                String oId = linkedNode(prompt, val.get(0));
                NodeDefinition source = registry.get(prompt.get(oId).get("class_type").textValue());
                String receivedType = returnType(source, val.get(1));
                if (!typesMatch(receivedType, spec.type())) {
                    ObjectNode info = Json.object().put("input_name", x);
                    info.set("input_config", spec.inputConfig());
                    info.put("received_type", receivedType);
                    info.set("linked_node", val);
                    String inputType = spec.isCombo() ? Py.repr(spec.type()) : spec.typeName();
                    errors.add(error("return_type_mismatch", "Return type mismatch between linked nodes",
                            x + ", received_type(" + receivedType + ") mismatch input_type(" + inputType + ")", info));
                    continue;
                }
                try {
                    Outcome r = validateInputs(prompt, oId, validated, inProgress);
                    if (!r.valid()) {
                        valid = false;
                    }
                } catch (PyException ex) {
                    valid = false;
                    ObjectNode info = Json.object().put("input_name", x);
                    info.set("input_config", spec.inputConfig());
                    info.put("exception_message", ex.getMessage());
                    info.put("exception_type", ex.type());
                    info.set("traceback", traceback("validate_inputs", 802));
                    info.set("linked_node", val);
                    validated.put(oId, new Outcome(false, List.of(error("exception_during_inner_validation",
                            "Exception when validating inner node", ex.getMessage(), info))));
                }
                continue;
            }
            String typeName = spec.typeName();
            try {
                if (val.isObject() && val.has("__value__")) {
                    val = val.get("__value__");
                    inputs.set(x, val);
                }
                if ("INT".equals(typeName)) {
                    val = Coercion.toInt(val);
                    inputs.set(x, val);
                } else if ("FLOAT".equals(typeName)) {
                    val = Coercion.toFloat(val);
                    inputs.set(x, val);
                } else if ("STRING".equals(typeName)) {
                    val = Coercion.toStr(val);
                    inputs.set(x, val);
                } else if ("BOOLEAN".equals(typeName)) {
                    val = Coercion.toBool(val);
                    inputs.set(x, val);
                }
            } catch (PyException ex) {
                ObjectNode info = Json.object().put("input_name", x);
                info.set("input_config", spec.inputConfig());
                info.set("received_value", val);
                info.put("exception_message", ex.getMessage());
                errors.add(error("invalid_input_type", "Failed to convert an input value to a " + typeName + " value",
                        x + ", " + Py.str(val) + ", " + ex.getMessage(), info));
                continue;
            }
            if (def.validates(x)) {
                continue;
            }
            ObjectNode options = spec.options();
            JsonNode min = options.get("min");
            if (min != null && val.isNumber() && lessThan(val, min)) {
                errors.add(error("value_smaller_than_min", "Value " + Py.str(val) + " smaller than min of " + Py.str(min), x,
                        valueInfo(x, spec.inputConfig(), val)));
                continue;
            }
            JsonNode max = options.get("max");
            if (max != null && val.isNumber() && lessThan(max, val)) {
                errors.add(error("value_bigger_than_max", "Value " + Py.str(val) + " bigger than max of " + Py.str(max), x,
                        valueInfo(x, spec.inputConfig(), val)));
                continue;
            }
            if (spec.isCombo() && !inCombo(val, spec.type())) {
                boolean large = spec.type().size() > 20;
                String listInfo = large ? "(list of length " + spec.type().size() + ")" : Py.repr(spec.type());
                errors.add(error("value_not_in_list", "Value not in list", x + ": '" + Py.str(val) + "' not in " + listInfo,
                        valueInfo(x, large ? null : spec.inputConfig(), val)));
            }
        }
        if (def.customValidation() != null) {
            for (String x : def.customValidation().inputs()) {
                JsonNode val = inputs.get(x);
                if (val == null || val.isArray()) {
                    continue;
                }
                String reason = def.customValidation().validate(x, val);
                if (reason != null) {
                    errors.add(error("custom_validation_failed", "Custom validation failed for node", x + " - " + reason,
                            Json.object().put("input_name", x)));
                }
            }
        }
        inProgress.remove(id);
        Outcome ret = new Outcome(errors.isEmpty() && valid, errors);
        validated.put(id, ret);
        return ret;
    }

    private static String linkedNode(ObjectNode prompt, JsonNode ref) throws PyException {
        if (ref.isTextual() && prompt.has(ref.textValue())) {
            return ref.textValue();
        }
        if (ref.isArray() || ref.isObject()) {
            throw new PyException("TypeError", "unhashable type: '" + Py.typeName(ref) + "'");
        }
        throw new PyException("KeyError", Py.repr(ref));
    }

    private static String returnType(NodeDefinition source, JsonNode slot) throws PyException {
        if (!(slot.isIntegralNumber() || slot.isBoolean())) {
            throw new PyException("TypeError", "tuple indices must be integers or slices, not " + Py.typeName(slot));
        }
        long index = slot.isBoolean() ? (slot.booleanValue() ? 1 : 0) : slot.longValue();
        int n = source.outputTypes().size();
        if (index < 0) {
            index += n;
        }
        if (index < 0 || index >= n) {
            throw new PyException("IndexError", "tuple index out of range");
        }
        return source.outputTypes().get((int) index);
    }

    /** ComfyUI's {@code validate_node_input}: exact match, {@code *}, or overlapping comma-separated unions. */
    static boolean typesMatch(String received, JsonNode inputType) {
        if (inputType.isTextual() && inputType.textValue().equals(received)) {
            return true;
        }
        if ("*".equals(received) || (inputType.isTextual() && "*".equals(inputType.textValue()))) {
            return true;
        }
        if (!inputType.isTextual()) {
            return false;
        }
        Set<String> receivedTypes = new HashSet<>();
        for (String t : received.split(",")) {
            receivedTypes.add(t.strip());
        }
        for (String t : inputType.textValue().split(",")) {
            if (receivedTypes.contains(t.strip())) {
                return true;
            }
        }
        return false;
    }

    private static boolean lessThan(JsonNode a, JsonNode b) {
        Integer c = Coercion.compare(a, b);
        return c != null && c < 0;
    }

    private static boolean inCombo(JsonNode val, JsonNode options) {
        for (JsonNode option : options) {
            if (Coercion.pyEquals(val, option)) {
                return true;
            }
        }
        return false;
    }

    private static ObjectNode valueInfo(String x, JsonNode config, JsonNode val) {
        ObjectNode info = Json.object().put("input_name", x);
        info.set("input_config", config == null ? com.fasterxml.jackson.databind.node.NullNode.getInstance() : config);
        info.set("received_value", val);
        return info;
    }

    private static ObjectNode missingClassType(String id) {
        return error("invalid_prompt", "Cannot execute because a node is missing the class_type property.",
                "Node ID '#" + id + "'", Json.object());
    }

    private static ValidationResult failure(ObjectNode error) {
        return new ValidationResult(false, error, List.of(), Json.object());
    }

    private static ObjectNode exceptionInfo(PyException ex) {
        ObjectNode info = Json.object();
        info.put("exception_type", ex.type());
        info.set("traceback", traceback("validate_prompt", 1016));
        return info;
    }

    /** Python-style traceback lines; the emulator has no Python frames, so they name its own stages. */
    private static ArrayNode traceback(String function, int line) {
        ArrayNode tb = Json.array();
        tb.add("  File \"<comfykit-emulator>/execution.py\", line " + line + ", in " + function + "\n");
        tb.add("  File \"<comfykit-emulator>/execution.py\", line 794, in validate_inputs\n");
        return tb;
    }

    /** ComfyUI's error object: {@code {type, message, details, extra_info}}. */
    public static ObjectNode error(String type, String message, String details, ObjectNode extraInfo) {
        ObjectNode e = Json.object();
        e.put("type", type);
        e.put("message", message);
        e.put("details", details);
        e.set("extra_info", extraInfo);
        return e;
    }
}
