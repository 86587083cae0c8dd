package dev.comfykit.camel.observe;

import dev.comfykit.client.ErrorKind;
import dev.comfykit.client.ExecuteResult;

/**
 * One execution (or wait) of a {@code comfykit:} producer, as metrics and the dev console see it once it ended.
 *
 * @param operation {@code execute} or {@code await}
 * @param workflow  the workflow's short name ({@link Names#workflow(String)}), or {@code null} for an await
 * @param server    the name of the server that ran it ({@link Names#server}), or {@code null} when not known
 * @param result    the result, or {@code null} when the execution ended with an exception
 * @param exception the exception (invalid workflow or params, an unexpected failure), or {@code null}
 * @param nanos     how long it took, from the producer's start to the result
 */
public record Execution(String operation, String workflow, String server, ExecuteResult result, Throwable exception,
                        long nanos) {

    /** Outcome of an execution that returned a result: {@code completed} or {@code failed}; else {@code error}. */
    public String outcome() {
        if (result == null) {
            return "error";
        }
        return result.isFailed() ? ExecuteResult.FAILED : ExecuteResult.COMPLETED;
    }

    /**
     * Why it failed: an {@link ErrorKind} name, {@code INVALID_INPUT} for a workflow or params that do not fit,
     * {@code EXCEPTION} for anything else thrown, {@code none} when it completed.
     */
    public String errorKind() {
        if (result != null) {
            return result.isFailed() && result.getError() != null ? result.getError().getKind().name() : "none";
        }
        return Names.isInvalidInput(exception) ? "INVALID_INPUT" : "EXCEPTION";
    }

    /** Whether it did not complete. */
    public boolean isFailure() {
        return !"none".equals(errorKind());
    }

    /** The prompt id, when a result has one. */
    public String promptId() {
        return result != null ? result.getPromptId() : null;
    }

    /** What went wrong, in one line, or {@code null} when it completed. */
    public String message() {
        if (result != null) {
            return result.isFailed() && result.getError() != null ? result.getError().getMessage() : null;
        }
        return exception == null ? null : exception.getMessage();
    }
}
