package dev.comfykit.examples.springboot;

import dev.comfykit.camel.ComfyKitFailureException;
import dev.comfykit.camel.ComfyKitValidationException;
import org.apache.camel.CamelExecutionException;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * Turns route failures into HTTP answers that say why: invalid input (a missing or mistyped param) is the
 * caller's 400; a failure on the ComfyUI side is a 502.
 */
@RestControllerAdvice
public class ComfyKitErrors {

    @ExceptionHandler(CamelExecutionException.class)
    public ProblemDetail routeFailed(CamelExecutionException e) {
        if (e.getCause() instanceof ComfyKitValidationException validation) {
            return ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, reason(validation));
        }
        if (e.getCause() instanceof ComfyKitFailureException failure) {
            return ProblemDetail.forStatusAndDetail(HttpStatus.BAD_GATEWAY, reason(failure));
        }
        throw e;
    }

    /** The reason alone: the exception's own message also describes the exchange, which is no business of a client. */
    private static String reason(ComfyKitFailureException failure) {
        if (failure.getError() != null) {
            return failure.getError().getMessage();
        }
        return failure.getCause() != null ? failure.getCause().getMessage() : failure.getMessage();
    }
}
