package dev.comfykit.client;

/**
 * What cancelling a prompt on the server did.
 */
public enum CancelOutcome {
    /** The prompt was running and was interrupted. */
    INTERRUPTED,
    /** The prompt was waiting in the queue and was removed from it. */
    REMOVED_FROM_QUEUE,
    /** The server had nothing to cancel: the prompt had finished, or the server does not know it. */
    NOT_FOUND
}
