package dev.comfykit.client;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.Objects;

/**
 * A prompt the server accepted, returned by {@link ComfyKit#submit}; wait for it later with
 * {@link ComfyKit#await(String)}, even from another process.
 */
public final class SubmittedPrompt {

    private final String promptId;
    private final String clientId;

    public SubmittedPrompt(String promptId, String clientId) {
        this.promptId = Objects.requireNonNull(promptId);
        this.clientId = clientId;
    }

    @JsonProperty("prompt_id")
    public String getPromptId() {
        return promptId;
    }

    /** The client id the prompt was submitted with (its WebSocket events go to that id). */
    @JsonProperty("client_id")
    public String getClientId() {
        return clientId;
    }

    @Override
    public String toString() {
        return "SubmittedPrompt[" + promptId + "]";
    }
}
