package dev.comfykit.client.internal.execution;

import dev.comfykit.client.ErrorKind;
import dev.comfykit.client.ExecutionError;
import dev.comfykit.client.internal.http.BoundedBodyHandlers;
import dev.comfykit.client.internal.http.ResponseTooLargeException;
import dev.comfykit.client.internal.http.ServerCredentials;
import dev.comfykit.client.internal.http.UnexpectedResponseException;

import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;

/**
 * Turns transport exceptions into {@link ExecutionError}s whose messages say what happened and what to check.
 * Messages never contain request headers, so credentials cannot leak through them.
 */
public final class Failures {

    private Failures() {
    }

    /**
     * Runs an action that returns a future; a runtime exception it throws (invalid input found before anything
     * asynchronous started) becomes a failed future, so callers see every failure the same way.
     */
    public static <T> CompletableFuture<T> guard(Supplier<CompletableFuture<T>> action) {
        try {
            return action.get();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** The cause behind {@link CompletionException} and {@link ExecutionException} wrappers. */
    public static Throwable unwrap(Throwable error) {
        Throwable current = error;
        while ((current instanceof CompletionException || current instanceof ExecutionException)
                && current.getCause() != null) {
            current = current.getCause();
        }
        return current;
    }

    /** The message of the failure behind any future's wrapping, or its class name when it has none. */
    public static String message(Throwable error) {
        Throwable cause = unwrap(error);
        return cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    }

    /** A short description of a failure, e.g. {@code connection refused}. */
    public static String describe(Throwable error) {
        Throwable cause = unwrap(error);
        if (cause instanceof HttpConnectTimeoutException) {
            return "timed out while connecting";
        }
        if (cause instanceof HttpTimeoutException) {
            return "no answer within the request timeout";
        }
        if (isConnectionRefused(cause)) {
            return "connection refused";
        }
        if (cause instanceof UnresolvedAddressException
                || (cause instanceof IOException && cause.getCause() instanceof UnresolvedAddressException)) {
            return "unknown host";
        }
        String message = cause.getMessage();
        return cause.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }

    /**
     * An error for a failed request to the ComfyUI server.
     *
     * @param action what was being done, e.g. {@code submitting the prompt}
     */
    public static ExecutionError toError(Throwable error, String baseUrl, String action) {
        Throwable cause = unwrap(error);
        if (cause instanceof ServerCredentials.CookiesUnavailableException) {
            // the cookies URL failed, not ComfyUI: a broken connection may heal, anything else is configuration
            return ExecutionError.of(cause.getCause() != null && neverConnected(cause.getCause()) ? ErrorKind.CONNECTION
                    : ErrorKind.CONFIGURATION, cause.getMessage());
        }
        if (cause instanceof UnexpectedResponseException) {
            UnexpectedResponseException unexpected = (UnexpectedResponseException) cause;
            if (unexpected.status() == 401 || unexpected.status() == 403) {
                return ExecutionError.builder(ErrorKind.AUTHENTICATION, "ComfyUI at " + baseUrl + " refused the"
                        + " credentials while " + action + ": " + cause.getMessage() + ". Check the apiKey"
                        + " (COMFYUI_API_KEY) and cookies (COMFYUI_COOKIES) options.")
                        .httpStatus(unexpected.status()).build();
            }
            if (unexpected.status() == 404) {
                return ExecutionError.builder(ErrorKind.CONFIGURATION, "ComfyUI at " + baseUrl + " answered 404"
                        + " while " + action + " (" + cause.getMessage() + "): is baseUrl right? Set comfyuiUrl"
                        + " (COMFYUI_BASE_URL, the component's baseUrl option) to the address ComfyUI serves its API"
                        + " at, with any path prefix of a proxy.").httpStatus(404).build();
            }
            return ExecutionError.builder(ErrorKind.SERVER, "ComfyUI at " + baseUrl + " failed while " + action + ": "
                    + cause.getMessage()).httpStatus(unexpected.status() == 0 ? null : unexpected.status()).build();
        }
        if (cause instanceof ResponseTooLargeException) {
            return ExecutionError.of(ErrorKind.SERVER, "ComfyUI at " + baseUrl + " sent too much data while "
                    + action + ": " + cause.getMessage() + ".");
        }
        if (cause instanceof BoundedBodyHandlers.BodyTooLargeException) {
            return ExecutionError.of(ErrorKind.SERVER, "ComfyUI at " + baseUrl + " sent too much data while "
                    + action + ": " + cause.getMessage());
        }
        if (cause instanceof IOException || cause instanceof UnresolvedAddressException) {
            String hint = isConnectionRefused(cause) || cause instanceof HttpConnectTimeoutException
                    || cause instanceof UnresolvedAddressException
                    || cause.getCause() instanceof UnresolvedAddressException
                    ? " Is ComfyUI running there? Set comfyuiUrl (COMFYUI_BASE_URL) to its address." : "";
            return ExecutionError.of(ErrorKind.CONNECTION, "Cannot reach ComfyUI at " + baseUrl + " while " + action
                    + " (" + describe(cause) + ")." + hint);
        }
        return ExecutionError.of(ErrorKind.SERVER, "Unexpected failure while " + action + " with ComfyUI at "
                + baseUrl + ": " + describe(cause));
    }

    /**
     * Whether a request provably never reached the server: the connection was refused or could not be made in time
     * (so sending it again cannot make a duplicate).
     */
    public static boolean neverConnected(Throwable error) {
        Throwable cause = unwrap(error);
        // a request whose cookies could not be fetched was never sent
        return cause instanceof ConnectException || cause instanceof HttpConnectTimeoutException
                || cause.getCause() instanceof ConnectException
                || cause instanceof ServerCredentials.CookiesUnavailableException;
    }

    /** Whether the server answered more than the client reads: asking again would download the same excess. */
    public static boolean tooLarge(Throwable error) {
        return unwrap(error) instanceof ResponseTooLargeException;
    }

    private static boolean isConnectionRefused(Throwable cause) {
        return cause instanceof ConnectException
                || (cause instanceof IOException && cause.getCause() instanceof ConnectException);
    }
}
