package dev.comfykit.client.internal.execution;

/**
 * One execution on a local ComfyUI, with the prompt once it is submitted.
 */
final class LocalExecution extends TimedExecution {

    private volatile PendingPrompt prompt;

    LocalExecution(long startNanos, long timeoutNanos) {
        super(startNanos, timeoutNanos);
    }

    /** Binds the submitted prompt; {@code false} when the execution already ended (timed out, cancelled). */
    synchronized boolean attach(PendingPrompt pending) {
        if (isDone()) {
            return false;
        }
        this.prompt = pending;
        return true;
    }

    /** The prompt, or {@code null} before submission. */
    synchronized PendingPrompt prompt() {
        return prompt;
    }

    /** Replaces the prompt (the server chose another id). */
    synchronized void reattach(PendingPrompt pending) {
        this.prompt = pending;
    }
}
