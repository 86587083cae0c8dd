package dev.comfykit.client.internal.comfyui;

import dev.comfykit.client.ExecutionError;
import dev.comfykit.client.NodeValidationError;

import java.util.Map;

/**
 * The answer to {@code POST /prompt}: accepted with the prompt id (and, on a partial acceptance, the node errors
 * of the dropped outputs), or rejected with a validation error.
 */
public final class SubmitResponse {

    private final String promptId;
    private final Map<String, NodeValidationError> droppedOutputErrors;
    private final ExecutionError rejection;

    private SubmitResponse(String promptId, Map<String, NodeValidationError> droppedOutputErrors,
                           ExecutionError rejection) {
        this.promptId = promptId;
        this.droppedOutputErrors = droppedOutputErrors;
        this.rejection = rejection;
    }

    static SubmitResponse accepted(String promptId, Map<String, NodeValidationError> nodeErrors) {
        return new SubmitResponse(promptId, Map.copyOf(nodeErrors), null);
    }

    static SubmitResponse rejected(ExecutionError error) {
        return new SubmitResponse(null, Map.of(), error);
    }

    public boolean isAccepted() {
        return rejection == null;
    }

    /** The prompt id the server uses (the one the client chose, on servers that support choosing). */
    public String promptId() {
        return promptId;
    }

    /** Errors of output branches the server dropped while accepting the rest (HTTP 200 with node errors). */
    public Map<String, NodeValidationError> droppedOutputErrors() {
        return droppedOutputErrors;
    }

    /** Why the prompt was rejected, or {@code null}. */
    public ExecutionError rejection() {
        return rejection;
    }
}
