package dev.comfykit.client;

import dev.comfykit.client.dsl.WorkflowSchema;

import java.util.Map;

/**
 * Supplies params once the workflow is loaded and its declared params are known: integrations use it to pick
 * values from a message (only the declared names, coerced to each param's type) without loading the workflow twice.
 */
@FunctionalInterface
public interface ParamSource {

    /**
     * The params for this workflow.
     *
     * @throws InvalidParameterException when the values do not fit the workflow
     */
    Map<String, ?> params(WorkflowSchema schema);
}
