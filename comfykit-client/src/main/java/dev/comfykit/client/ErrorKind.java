package dev.comfykit.client;

/**
 * Why an execution failed. Each kind says whether trying the same execution again can succeed.
 */
public enum ErrorKind {

    /** The server rejected the workflow (HTTP 400 with {@code node_errors}); the same request fails again. */
    VALIDATION(false),

    /** A node raised an error while running ({@code execution_error}). */
    EXECUTION(false),

    /** The prompt was interrupted on the server by someone else ({@code execution_interrupted}). */
    INTERRUPTED(false),

    /** The overall timeout elapsed; the prompt was cancelled on the server. */
    TIMEOUT(true),

    /** The server no longer knows the prompt (neither queued nor in history), e.g. after a restart. */
    LOST(true),

    /** The server could not be reached or the connection broke. */
    CONNECTION(true),

    /** The server answered with an unexpected status or body (e.g. HTTP 500). */
    SERVER(true),

    /** The execution was cancelled by the caller or the client was closed. */
    CANCELLED(false),

    /**
     * A request that creates paid work may have reached the service, but its answer was lost; sending it again could
     * create (and bill) the work twice, so it is neither resent nor worth retrying blindly.
     */
    OUTCOME_UNKNOWN(false),

    /** The service refused the credentials (wrong or expired key, a key of another site, no membership). */
    AUTHENTICATION(false),

    /**
     * The configuration is wrong in a way that sending again cannot fix: the server answered 404 for its API (a wrong
     * base URL), or the cookies URL cannot be used.
     */
    CONFIGURATION(false);

    private final boolean retryable;

    ErrorKind(boolean retryable) {
        this.retryable = retryable;
    }

    /** Whether running the same execution again may succeed. */
    public boolean isRetryable() {
        return retryable;
    }
}
