package dev.comfykit.camel.support;

import dev.comfykit.camel.ComfyKitConfigurationException;
import dev.comfykit.camel.ComfyKitConnectionException;
import dev.comfykit.camel.ComfyKitExecutionException;
import dev.comfykit.camel.ComfyKitFailureException;
import dev.comfykit.camel.ComfyKitTimeoutException;
import dev.comfykit.camel.ComfyKitValidationException;
import dev.comfykit.client.ErrorKind;
import dev.comfykit.client.ExecuteResult;
import dev.comfykit.client.ExecutionError;
import dev.comfykit.client.InvalidParameterException;
import dev.comfykit.client.InvalidWorkflowException;
import dev.comfykit.client.SubmissionException;
import org.apache.camel.Exchange;

/**
 * Chooses the exception type for a failure, so that {@code onException} and redelivery can tell what is worth
 * retrying.
 */
public final class FailureExceptions {

    private FailureExceptions() {
    }

    /** The exception for a failed result. */
    public static ComfyKitFailureException of(Exchange exchange, ExecuteResult result) {
        return of(exchange, result, result.getError(), null);
    }

    /** The exception for a failure with a structured error (and possibly a result). */
    public static ComfyKitFailureException of(Exchange exchange, ExecuteResult result, ExecutionError error,
                                              Throwable cause) {
        String id = result == null || result.getPromptId() == null ? "" : " (prompt " + result.getPromptId() + ")";
        String message = "ComfyKit execution failed" + id + ": " + error.getMessage();
        switch (error.getKind()) {
            case VALIDATION:
            case AUTHENTICATION:
                return new ComfyKitValidationException(message, exchange, result, error, cause);
            case CONFIGURATION:
                return new ComfyKitConfigurationException(message, exchange, result, error, cause);
            case TIMEOUT:
                return new ComfyKitTimeoutException(message, exchange, result, error, cause);
            case CONNECTION:
            case SERVER:
            case LOST:
            case OUTCOME_UNKNOWN:
                return new ComfyKitConnectionException(message, exchange, result, error, cause);
            default:
                return new ComfyKitExecutionException(message, exchange, result, error, cause);
        }
    }

    /**
     * The exception for a failure raised by the client: invalid input becomes a validation exception; other
     * exceptions are returned unchanged.
     */
    public static Throwable of(Exchange exchange, Throwable failure) {
        if (failure instanceof InvalidWorkflowException || failure instanceof InvalidParameterException) {
            // a VALIDATION error, so getKind() says the same as for a workflow the server rejected
            return new ComfyKitValidationException(failure.getMessage(), exchange, null,
                    ExecutionError.of(ErrorKind.VALIDATION, failure.getMessage()), failure);
        }
        if (failure instanceof SubmissionException) {
            return of(exchange, null, ((SubmissionException) failure).getError(), failure);
        }
        return failure;
    }
}
