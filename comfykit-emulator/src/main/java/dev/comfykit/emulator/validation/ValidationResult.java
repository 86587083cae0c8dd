package dev.comfykit.emulator.validation;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * The outcome of validating a prompt, in ComfyUI's terms.
 *
 * @param valid       whether at least one output validated (the prompt is queued)
 * @param error       the top-level {@code error} object of a 400 answer, or null
 * @param goodOutputs the output nodes that will be executed
 * @param nodeErrors  {@code node_errors}; may be non-empty on success
 */
public record ValidationResult(boolean valid, ObjectNode error, List<String> goodOutputs, ObjectNode nodeErrors) {
}
