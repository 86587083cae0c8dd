package dev.comfykit.client.internal.execution;

import dev.comfykit.client.ExecuteResult;
import dev.comfykit.client.ExecutionError;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * The common state of one execution, local or on RunningHub: the result future, when it started, its time limit and
 * the timer that enforces it. Whichever ends the execution first (the outcome, the timeout, a cancellation) wins; the
 * others find it done. The timer is cancelled as soon as the result is in.
 */
public abstract class TimedExecution {

    /** How long a timed-out execution waits for the server to answer its cancellation before it ends anyway. */
    private static final long CANCEL_PATIENCE_NANOS = TimeUnit.SECONDS.toNanos(2);

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

    /**
     * Runs {@code action} when the caller cancels the result future (the prompt or task would otherwise go on running
     * on the server).
     */
    public void onCallerCancel(Runnable action) {
        result.whenComplete((r, e) -> {
            if (e instanceof CancellationException) {
                action.run();
            }
        });
    }

    /** Ends the execution with a failed result, unless it already ended. */
    public boolean fail(String id, long nowNanos, ExecutionError error) {
        return result.complete(ExecuteResult.failure(id, elapsedSeconds(nowNanos), error));
    }

    /**
     * Ends a timed-out execution once the server answered the cancellation of its prompt or task, so that the result
     * says what became of it; but waits at most two seconds for that answer, because a server that does not answer
     * must not hold up the timeout. The cancellation goes on in the background.
     *
     * @param whatItDid what the cancellation did, from its outcome or failure
     * @param timedOut  the timeout error, given what the cancellation did
     */
    public <T> void failAfterCancelling(String id, CompletableFuture<T> cancellation,
                                        BiFunction<T, Throwable, String> whatItDid,
                                        Function<String, ExecutionError> timedOut,
                                        ScheduledExecutorService scheduler, LongSupplier clock) {
        ScheduledFuture<?> giveUp = scheduler.schedule(() -> fail(id, clock.getAsLong(), timedOut.apply(
                        "cancelling it was requested, but the server has not answered yet (the request goes on)")),
                CANCEL_PATIENCE_NANOS, TimeUnit.NANOSECONDS);
        cancellation.handle((outcome, error) -> {
            giveUp.cancel(false);
            fail(id, clock.getAsLong(), timedOut.apply(whatItDid.apply(outcome, error)));
            return null;
        });
    }
}
