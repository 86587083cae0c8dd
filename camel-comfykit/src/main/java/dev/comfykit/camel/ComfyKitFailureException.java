package dev.comfykit.camel;

import dev.comfykit.client.ErrorKind;
import dev.comfykit.client.ExecuteResult;
import dev.comfykit.client.ExecutionError;
import org.apache.camel.CamelExchangeException;
import org.apache.camel.Exchange;

/**
 * A failed ComfyKit execution, set on the exchange. Carries the {@link ExecuteResult} (with everything produced
 * before the failure) and its structured {@link ExecutionError}; {@link #isRetryable()} tells redelivery whether
 * trying again can help. Subclasses separate the kinds: {@link ComfyKitValidationException},
 * {@link ComfyKitExecutionException}, {@link ComfyKitTimeoutException}, {@link ComfyKitConnectionException},
 * {@link ComfyKitConfigurationException}.
 */
public class ComfyKitFailureException extends CamelExchangeException {

    private static final long serialVersionUID = 1L;

    private final String text;
    private final transient ExecuteResult result;
    private final transient ExecutionError error;

    public ComfyKitFailureException(String message, Exchange exchange, ExecuteResult result, ExecutionError error,
            Throwable cause) {
        super(message, exchange, cause);
        this.text = message;
        this.result = result;
        this.error = error;
    }

    /**
     * What went wrong, once: without the {@code on Exchange[...]} and {@code Caused by: [...]} that
     * {@link CamelExchangeException} appends (the cause's text is already in it), so that
     * {@code ${exception.message}} can go to a caller as it is. The exchange is {@link #getExchange()}; the cause stays
     * {@link #getCause()}.
     */
    @Override
    public String getMessage() {
        return text;
    }

    /** The failed result, or {@code null} when nothing was submitted (invalid input). */
    public ExecuteResult getResult() {
        return result;
    }

    /** The structured error, or {@code null} for invalid input detected before submission. */
    public ExecutionError getError() {
        return error;
    }

    /** Why it failed, or {@code null} for invalid input detected before submission. */
    public ErrorKind getKind() {
        return error == null ? null : error.getKind();
    }

    /** The prompt (or RunningHub task) id, when something was submitted. */
    public String getPromptId() {
        return result == null ? null : result.getPromptId();
    }

    /** Whether running the same exchange again may succeed. */
    public boolean isRetryable() {
        return error != null && error.isRetryable();
    }
}
