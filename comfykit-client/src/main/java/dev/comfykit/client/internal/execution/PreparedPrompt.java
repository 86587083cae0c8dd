package dev.comfykit.client.internal.execution;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfykit.client.dsl.WorkflowSchema;

/**
 * A workflow ready to submit: params applied, media uploaded, seeds randomised; with the schema that names its
 * output variables.
 */
public final class PreparedPrompt {

    private final ObjectNode graph;
    private final WorkflowSchema schema;

    public PreparedPrompt(ObjectNode graph, WorkflowSchema schema) {
        this.graph = graph;
        this.schema = schema;
    }

    public ObjectNode graph() {
        return graph;
    }

    public WorkflowSchema schema() {
        return schema;
    }
}
