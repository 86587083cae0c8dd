package dev.comfykit.client.execution;

import dev.comfykit.client.ExecuteResult;
import dev.comfykit.client.ExecutionError;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;

/**
 * The state of one execution on a local ComfyUI: its result future, its deadline, and the prompt once submitted.
 * Whichever ends it first (the outcome, the timeout, a cancellation) wins; the others find it done.
 */
final class LocalExecution {

    private final CompletableFuture<ExecuteResult> result = new CompletableFuture<>();
    private final long startNanos;
    private final long timeoutNanos;
    private volatile PendingPrompt prompt;
    private volatile ScheduledFuture<?> timer;

    LocalExecution(long startNanos, long timeoutNanos) {
        this.startNanos = startNanos;
        this.timeoutNanos = timeoutNanos;
        result.whenComplete((r, e) -> {
            ScheduledFuture<?> t = timer;
            if (t != null) {
                t.cancel(false);
            }
        });
    }

    CompletableFuture<ExecuteResult> result() {
        return result;
    }

    long startNanos() {
        return startNanos;
    }

    long timeoutNanos() {
        return timeoutNanos;
    }

    void timer(ScheduledFuture<?> scheduled) {
        this.timer = scheduled;
        if (result.isDone()) {
            scheduled.cancel(false);
        }
    }

    /** Binds the submitted prompt; {@code false} when the execution already ended (timed out, cancelled). */
    synchronized boolean attach(PendingPrompt pending) {
        if (result.isDone()) {
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

    boolean isDone() {
        return result.isDone();
    }

    /** Seconds since the execution started. */
    double elapsedSeconds(long nowNanos) {
        return (nowNanos - startNanos) / 1e9;
    }

    void fail(String promptId, long nowNanos, ExecutionError error) {
        result.complete(ExecuteResult.failure(promptId, elapsedSeconds(nowNanos), error));
    }
}
