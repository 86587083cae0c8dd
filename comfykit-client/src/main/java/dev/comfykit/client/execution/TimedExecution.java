package dev.comfykit.client.execution;

import dev.comfykit.client.ExecuteResult;
import dev.comfykit.client.ExecutionError;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;

/**
 * The common state of one execution, local or on RunningHub: the result future, when it started, its time limit and
 * the timer that enforces it. Whichever ends the execution first (the outcome, the timeout, a cancellation) wins; the
 * others find it done. The timer is cancelled as soon as the result is in.
 */
public abstract class TimedExecution {

    private final CompletableFuture<ExecuteResult> result = new CompletableFuture<>();
    private final long startNanos;
    private final long timeoutNanos;
    private volatile ScheduledFuture<?> timer;

    protected TimedExecution(long startNanos, long timeoutNanos) {
        this.startNanos = startNanos;
        this.timeoutNanos = timeoutNanos;
        result.whenComplete((r, e) -> {
            ScheduledFuture<?> t = timer;
            if (t != null) {
                t.cancel(false);
            }
        });
    }

    /** The result; completed once. */
    public CompletableFuture<ExecuteResult> result() {
        return result;
    }

    public long startNanos() {
        return startNanos;
    }

    public long timeoutNanos() {
        return timeoutNanos;
    }

    /** When the time limit expires, by the clock of {@code startNanos}. */
    public long deadlineNanos() {
        return startNanos + timeoutNanos;
    }

    /** Sets the timer of the time limit; cancelled at once if the execution already ended. */
    public void timer(ScheduledFuture<?> scheduled) {
        this.timer = scheduled;
        if (result.isDone()) {
            scheduled.cancel(false);
        }
    }

    public boolean isDone() {
        return result.isDone();
    }

    /** Seconds since the execution started. */
    public double elapsedSeconds(long nowNanos) {
        return (nowNanos - startNanos) / 1e9;
    }

    /** Ends the execution with a failed result, unless it already ended. */
    public boolean fail(String id, long nowNanos, ExecutionError error) {
        return result.complete(ExecuteResult.failure(id, elapsedSeconds(nowNanos), error));
    }
}
