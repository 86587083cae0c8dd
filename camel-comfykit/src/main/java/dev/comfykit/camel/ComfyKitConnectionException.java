package dev.comfykit.camel;

import dev.comfykit.client.ExecuteResult;
import dev.comfykit.client.ExecutionError;
import org.apache.camel.Exchange;

/**
 * The server could not be reached, answered with an unexpected status, or no longer knows the prompt (e.g. after a
 * restart). Retryable.
 */
public class ComfyKitConnectionException extends ComfyKitFailureException {

    private static final long serialVersionUID = 1L;

    public ComfyKitConnectionException(String message, Exchange exchange, ExecuteResult result, ExecutionError error,
            Throwable cause) {
        super(message, exchange, result, error, cause);
    }
}
