package dev.comfykit.camel;

/**
 * What a {@code comfykit:} producer does with a message.
 */
public enum ComfyKitOperation {
    /** Runs the workflow and waits for the result (the default). */
    execute,
    /** Submits the workflow and returns at once with the prompt id. */
    submit,
    /** Waits for the prompt whose id is in the {@code CamelComfyKitPromptId} header (or the body). */
    await,
    /** Cancels the prompt whose id is in the {@code CamelComfyKitPromptId} header (or the body). */
    cancel,
    /** Returns the workflow's declared params and outputs. */
    describe;

    /** Whether the operation runs or reads a workflow (await and cancel work on a prompt id alone). */
    public boolean needsWorkflow() {
        return this == execute || this == submit || this == describe;
    }
}
