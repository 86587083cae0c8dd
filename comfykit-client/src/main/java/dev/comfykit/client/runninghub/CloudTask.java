package dev.comfykit.client.runninghub;

import dev.comfykit.client.ExecuteResult;
import dev.comfykit.client.ExecutionError;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;

/**
 * One execution on RunningHub: its result, its deadline, and the task id once RunningHub created the task.
 */
final class CloudTask {

    private final CompletableFuture<ExecuteResult> result = new CompletableFuture<>();
    private final long startNanos;
    private final long timeoutNanos;
    private volatile String taskId;
    private volatile ScheduledFuture<?> timer;

    CloudTask(long startNanos, long timeoutNanos) {
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

    long deadlineNanos() {
        return startNanos + timeoutNanos;
    }

    long timeoutNanos() {
        return timeoutNanos;
    }

    String taskId() {
        return taskId;
    }

    void taskId(String id) {
        this.taskId = id;
    }

    void timer(ScheduledFuture<?> scheduled) {
        this.timer = scheduled;
        if (result.isDone()) {
            scheduled.cancel(false);
        }
    }

    boolean isDone() {
        return result.isDone();
    }

    double elapsedSeconds(long nowNanos) {
        return (nowNanos - startNanos) / 1e9;
    }

    boolean fail(long nowNanos, ExecutionError error) {
        return result.complete(ExecuteResult.failure(taskId, elapsedSeconds(nowNanos), error));
    }
}
