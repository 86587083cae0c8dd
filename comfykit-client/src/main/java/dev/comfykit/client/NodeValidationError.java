package dev.comfykit.client;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;

/**
 * The validation problems of one node, as returned in {@code node_errors} by {@code POST /prompt}.
 */
public final class NodeValidationError {

    private final String nodeId;
    private final String classType;
    private final List<ValidationIssue> errors;
    private final List<String> dependentOutputs;

    public NodeValidationError(String nodeId, String classType, List<ValidationIssue> errors,
                               List<String> dependentOutputs) {
        this.nodeId = nodeId;
        this.classType = classType;
        this.errors = errors == null ? List.of() : List.copyOf(errors);
        this.dependentOutputs = dependentOutputs == null ? List.of() : List.copyOf(dependentOutputs);
    }

    @JsonProperty("node_id")
    public String getNodeId() {
        return nodeId;
    }

    @JsonProperty("class_type")
    public String getClassType() {
        return classType;
    }

    @JsonProperty("errors")
    public List<ValidationIssue> getErrors() {
        return errors;
    }

    /** The output nodes that could not run because of this node. */
    @JsonProperty("dependent_outputs")
    public List<String> getDependentOutputs() {
        return dependentOutputs;
    }

    @Override
    public String toString() {
        return "node " + nodeId + " (" + classType + "): " + errors;
    }
}
