package dev.comfykit.client.internal.execution;

import com.fasterxml.jackson.databind.JsonNode;
import dev.comfykit.client.ExecutionError;

/**
 * How a prompt ended as far as the server is concerned: its history entry, or an error that means there will be
 * none (lost, cancelled).
 */
final class PromptOutcome {

    private final JsonNode historyEntry;
    private final ExecutionError error;

    private PromptOutcome(JsonNode historyEntry, ExecutionError error) {
        this.historyEntry = historyEntry;
        this.error = error;
    }

    static PromptOutcome finished(JsonNode historyEntry) {
        return new PromptOutcome(historyEntry, null);
    }

    static PromptOutcome failed(ExecutionError error) {
        return new PromptOutcome(null, error);
    }

    JsonNode historyEntry() {
        return historyEntry;
    }

    ExecutionError error() {
        return error;
    }
}
