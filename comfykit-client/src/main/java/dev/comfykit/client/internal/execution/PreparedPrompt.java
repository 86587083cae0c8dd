package dev.comfykit.client.internal.execution;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfykit.client.Priority;
import dev.comfykit.client.dsl.WorkflowSchema;

/**
 * A workflow ready to submit: params applied, media uploaded, seeds randomised; with the schema that names its
 * output variables, and where it goes in the server's queue.
 */
public record PreparedPrompt(ObjectNode graph, WorkflowSchema schema, Priority priority) {

    /** Queued normally. */
    public PreparedPrompt(ObjectNode graph, WorkflowSchema schema) {
        this(graph, schema, Priority.NORMAL);
    }
}
