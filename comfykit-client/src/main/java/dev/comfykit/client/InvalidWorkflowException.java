package dev.comfykit.client;

/**
 * The workflow cannot be used as given: not found, not JSON, not in ComfyUI's API format, or with title DSL
 * markers that cannot work. Nothing was submitted; fix the workflow and try again.
 */
public class InvalidWorkflowException extends ComfyKitException {

    private static final long serialVersionUID = 1L;

    public InvalidWorkflowException(String message) {
        super(message);
    }

    public InvalidWorkflowException(String message, Throwable cause) {
        super(message, cause);
    }
}
