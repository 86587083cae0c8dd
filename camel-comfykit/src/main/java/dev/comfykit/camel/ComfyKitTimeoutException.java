package dev.comfykit.camel;

import dev.comfykit.client.ExecuteResult;
import dev.comfykit.client.ExecutionError;
import org.apache.camel.Exchange;

/**
 * The execution did not finish within the timeout; the prompt was cancelled on the server (the message says
 * whether it was interrupted or removed from the queue). Retryable.
 */
public class ComfyKitTimeoutException extends ComfyKitFailureException {

    private static final long serialVersionUID = 1L;

    public ComfyKitTimeoutException(String message, Exchange exchange, ExecuteResult result, ExecutionError error,
            Throwable cause) {
        super(message, exchange, result, error, cause);
    }
}
