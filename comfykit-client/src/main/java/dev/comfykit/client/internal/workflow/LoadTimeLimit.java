package dev.comfykit.client.internal.workflow;

import dev.comfykit.client.ErrorKind;
import dev.comfykit.client.ExecuteResult;
import dev.comfykit.client.ExecutionError;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * The execution's time limit applied to loading its workflow: a slow workflow URL cannot stretch it.
 */
public final class LoadTimeLimit {

    private final ScheduledExecutorService scheduler;
    private final Duration timeout;

    public LoadTimeLimit(ScheduledExecutorService scheduler, Duration timeout) {
        this.scheduler = scheduler;
        this.timeout = timeout;
    }

    /**
     * Starts loading; the future fails with a {@link TimeoutException} when the limit passes first, and with what
     * {@code load} throws (invalid input) at once.
     */
    public CompletableFuture<LoadedWorkflow> load(Supplier<CompletableFuture<LoadedWorkflow>> load) {
        CompletableFuture<LoadedWorkflow> loading;
        try {
            loading = load.get();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        if (!loading.isDone()) {
            ScheduledFuture<?> limit = scheduler.schedule(() -> loading.completeExceptionally(new TimeoutException()),
                    timeout.toNanos(), TimeUnit.NANOSECONDS);
            loading.whenComplete((l, e) -> limit.cancel(false));
        }
        return loading;
    }

    /** The failed result of an execution whose workflow was still loading when the limit passed. */
    public ExecuteResult timedOut(long startNanos) {
        return ExecuteResult.failure(null, (System.nanoTime() - startNanos) / 1e9,
                ExecutionError.of(ErrorKind.TIMEOUT, "Timed out after " + timeout + " while loading the workflow."));
    }

    /** The time limit. */
    public Duration timeout() {
        return timeout;
    }
}
