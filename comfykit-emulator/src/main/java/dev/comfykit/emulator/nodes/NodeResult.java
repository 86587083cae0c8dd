package dev.comfykit.emulator.nodes;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A node's return: its outputs by slot and, for output nodes, the UI dictionary that ComfyUI sends in
 * {@code executed} and stores in the history's {@code outputs}.
 */
public record NodeResult(Object[] outputs, ObjectNode ui) {

    public static NodeResult of(Object... outputs) {
        return new NodeResult(outputs, null);
    }

    public static NodeResult ui(ObjectNode ui) {
        return new NodeResult(new Object[0], ui);
    }
}
