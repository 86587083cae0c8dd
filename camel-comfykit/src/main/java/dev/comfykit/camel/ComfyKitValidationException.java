package dev.comfykit.camel;

import dev.comfykit.client.ExecuteResult;
import dev.comfykit.client.ExecutionError;
import org.apache.camel.Exchange;

/**
 * The workflow or its params were rejected: by the server (HTTP 400 with per-node errors, RunningHub validation
 * codes) or before submission (workflow not found or malformed, a missing, unknown or mistyped param). Never worth
 * retrying.
 */
public class ComfyKitValidationException extends ComfyKitFailureException {

    private static final long serialVersionUID = 1L;

    public ComfyKitValidationException(String message, Exchange exchange, ExecuteResult result, ExecutionError error,
            Throwable cause) {
        super(message, exchange, result, error, cause);
    }
}
