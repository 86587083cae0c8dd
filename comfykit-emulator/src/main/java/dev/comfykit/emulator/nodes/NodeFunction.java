package dev.comfykit.emulator.nodes;

/** What a node does when it runs. */
@FunctionalInterface
public interface NodeFunction {

    NodeResult execute(NodeInputs inputs, NodeContext context) throws Exception;
}
