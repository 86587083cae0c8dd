package dev.comfykit.client.internal.runninghub;

import dev.comfykit.client.ExecutionError;

/**
 * Carries a structured RunningHub failure through the futures of an execution.
 */
final class RunningHubFailure extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient ExecutionError error;

    RunningHubFailure(ExecutionError error) {
        super(error.getMessage(), null, false, false);
        this.error = error;
    }

    ExecutionError error() {
        return error;
    }
}
