package dev.comfykit.client;

import dev.comfykit.client.internal.execution.Failures;

/**
 * Reads the failure behind a future of this client: integrations (the Camel component, health checks) report it
 * without knowing how the client wraps its errors.
 */
public final class FailureCauses {

    private FailureCauses() {
    }

    /** The cause behind {@link java.util.concurrent.CompletionException} and similar future wrappers. */
    public static Throwable unwrap(Throwable error) {
        return Failures.unwrap(error);
    }

    /** A short description of a failure to reach a server, e.g. {@code connection refused} or {@code unknown host}. */
    public static String describe(Throwable error) {
        return Failures.describe(error);
    }
}
