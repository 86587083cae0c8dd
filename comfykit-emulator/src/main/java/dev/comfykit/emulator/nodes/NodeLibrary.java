package dev.comfykit.emulator.nodes;

/** How a node library attaches behaviour to a class declared in {@code object_info.json}. */
final class NodeLibrary {

    private NodeLibrary() {
    }

    record Binding(NodeFunction function, NodeDefinition.CustomValidation validation, NodeDefinition.Fingerprint fingerprint) {
        static Binding of(NodeFunction function) {
            return new Binding(function, null, null);
        }
    }
}
