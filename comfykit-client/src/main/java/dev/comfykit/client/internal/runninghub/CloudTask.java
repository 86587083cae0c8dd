package dev.comfykit.client.internal.runninghub;

import dev.comfykit.client.ExecutionError;
import dev.comfykit.client.internal.execution.TimedExecution;

/**
 * One execution on RunningHub, with the task id once RunningHub created the task.
 */
final class CloudTask extends TimedExecution {

    private volatile String taskId;

    CloudTask(long startNanos, long timeoutNanos) {
        super(startNanos, timeoutNanos);
    }

    String taskId() {
        return taskId;
    }

    void taskId(String id) {
        this.taskId = id;
    }

    boolean fail(long nowNanos, ExecutionError error) {
        return fail(taskId, nowNanos, error);
    }
}
