package dev.comfykit.benchmarks;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** Short descriptions of failures for the report. */
final class Failure {

    private Failure() {
    }

    static String describe(Throwable error) {
        Throwable cause = error;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException
                || cause.getClass().getName().equals("org.apache.camel.CamelExecutionException"))
                && cause.getCause() != null) {
            cause = cause.getCause();
        }
        String message = cause.getMessage();
        return cause.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }
}
