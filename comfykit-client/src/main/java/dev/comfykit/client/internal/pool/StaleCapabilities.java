package dev.comfykit.client.internal.pool;

import dev.comfykit.client.ErrorKind;
import dev.comfykit.client.ExecuteResult;
import dev.comfykit.client.ExecutionError;

import java.util.Set;

/**
 * Whether a result shows that what is known of a server's capabilities is stale: the server refused the prompt for a
 * node class it does not have ({@code invalid_prompt}, "node X does not exist") or a file not in a choice list
 * ({@code value_not_in_list}). Models and custom nodes get installed and removed while a client runs; such a refusal
 * is the cheapest sign of it, so the capabilities are then read again.
 */
public final class StaleCapabilities {

    private static final Set<String> LIST_ERRORS = Set.of("value_not_in_list");

    private StaleCapabilities() {
    }

    /** Whether the result is a validation error about a missing node class or model. */
    public static boolean shownBy(ExecuteResult result) {
        ExecutionError error = result == null ? null : result.getError();
        if (error == null || error.getKind() != ErrorKind.VALIDATION) {
            return false;
        }
        if ("invalid_prompt".equals(error.getErrorType()) && error.getMessage() != null
                && error.getMessage().contains("does not exist")) {
            return true;
        }
        return error.getNodeErrors().values().stream()
                .anyMatch(node -> node.getErrors().stream().anyMatch(issue -> LIST_ERRORS.contains(issue.getType())));
    }

    /** Refreshes the capabilities when the result shows them stale; returns the result. */
    public static ExecuteResult refreshIfShown(ExecuteResult result, ServerCapabilities capabilities) {
        if (shownBy(result)) {
            capabilities.refresh();
        }
        return result;
    }
}
