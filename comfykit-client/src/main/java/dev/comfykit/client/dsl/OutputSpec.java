package dev.comfykit.client.dsl;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;
import java.util.Objects;

/**
 * An output variable and the nodes whose outputs are grouped under it.
 */
public final class OutputSpec {

    private final String variable;
    private final List<String> nodeIds;
    private final boolean marked;

    /** An output variable from its parts (the workflow loader builds these from a workflow's titles). */
    public OutputSpec(String variable, List<String> nodeIds, boolean marked) {
        this.variable = Objects.requireNonNull(variable);
        this.nodeIds = List.copyOf(nodeIds);
        this.marked = marked;
    }

    @JsonProperty("variable")
    public String getVariable() {
        return variable;
    }

    @JsonProperty("node_ids")
    public List<String> getNodeIds() {
        return nodeIds;
    }

    /** Whether the variable comes from a {@code $output.name} marker (otherwise it is an output node's id). */
    @JsonProperty("marked")
    public boolean isMarked() {
        return marked;
    }

    @Override
    public String toString() {
        return variable + "=" + nodeIds;
    }
}
