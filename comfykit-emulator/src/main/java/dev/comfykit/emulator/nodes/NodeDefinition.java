package dev.comfykit.emulator.nodes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * A node class: its {@code /object_info} entry (which is also what validation checks against) and what it does.
 *
 * @param className       the {@code class_type}
 * @param info            the {@code /object_info} entry, without run-time lists
 * @param inputs          required then optional inputs, in declaration order
 * @param outputTypes     {@code RETURN_TYPES}
 * @param outputNode      whether the class is an output node (a prompt needs at least one)
 * @param function        what it does
 * @param customValidation ComfyUI's {@code VALIDATE_INPUTS}, or null
 * @param fingerprint     ComfyUI's {@code IS_CHANGED} (part of the output cache key), or null
 */
public record NodeDefinition(String className, ObjectNode info, List<InputSpec> inputs, List<String> outputTypes,
                             boolean outputNode, NodeFunction function, CustomValidation customValidation,
                             Fingerprint fingerprint) {

    /** ComfyUI's {@code VALIDATE_INPUTS} for one input: null when valid, else the reason. */
    @FunctionalInterface
    public interface CustomValidation {
        String validate(String inputName, JsonNode value);

        /** The inputs it validates (those skip the type, range and combo checks). */
        default List<String> inputs() {
            return List.of();
        }
    }

    /** ComfyUI's {@code IS_CHANGED}: something that changes when the node's result would. */
    @FunctionalInterface
    public interface Fingerprint {
        String of(ObjectNode inputs);
    }

    public InputSpec input(String name) {
        for (InputSpec spec : inputs) {
            if (spec.name().equals(name)) {
                return spec;
            }
        }
        return null;
    }

    public boolean validates(String inputName) {
        return customValidation != null && customValidation.inputs().contains(inputName);
    }
}
