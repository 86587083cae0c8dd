package dev.comfykit.client;

/**
 * Thrown by {@link ExecuteResult#orThrow()} for a failed execution; carries the whole result.
 */
public class ExecutionFailedException extends ComfyKitException {

    private static final long serialVersionUID = 1L;

    private final transient ExecuteResult result;

    public ExecutionFailedException(ExecuteResult result) {
        super(describe(result));
        this.result = result;
    }

    private static String describe(ExecuteResult result) {
        String id = result.getPromptId() == null ? "" : " (prompt " + result.getPromptId() + ")";
        return "Execution failed" + id + ": " + result.getMsg();
    }

    /** The failed result, with everything produced before the failure. */
    public ExecuteResult getResult() {
        return result;
    }

    /** The structured error of the result. */
    public ExecutionError getError() {
        return result.getError();
    }
}
