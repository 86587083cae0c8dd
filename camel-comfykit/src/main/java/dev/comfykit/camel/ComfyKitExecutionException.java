package dev.comfykit.camel;

import dev.comfykit.client.ExecuteResult;
import dev.comfykit.client.ExecutionError;
import org.apache.camel.Exchange;

/**
 * The workflow failed while running: a node raised an error (with node id, class type, exception type and
 * message), or the prompt was interrupted or cancelled.
 */
public class ComfyKitExecutionException extends ComfyKitFailureException {

    private static final long serialVersionUID = 1L;

    public ComfyKitExecutionException(String message, Exchange exchange, ExecuteResult result, ExecutionError error,
            Throwable cause) {
        super(message, exchange, result, error, cause);
    }
}
