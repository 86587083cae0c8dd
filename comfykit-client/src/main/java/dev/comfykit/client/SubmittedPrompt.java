package dev.comfykit.client;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.Objects;

/**
 * A prompt the server accepted, returned by {@link ComfyKit#submit}; wait for it later with
 * {@link ComfyKit#await(String)}, even from another process.
 */
public final class SubmittedPrompt {

    private final String promptId;
    private final String clientId;
    private final String server;

    /** A prompt whose server is not named (RunningHub). */
    public SubmittedPrompt(String promptId, String clientId) {
        this(promptId, clientId, null);
    }

    /**
     * @param server the name of the ComfyUI server that accepted the prompt (see {@link ExecuteResult#getServer()})
     */
    public SubmittedPrompt(String promptId, String clientId, String server) {
        this.promptId = Objects.requireNonNull(promptId);
        this.clientId = clientId;
        this.server = server;
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

    /**
     * The name of the ComfyUI server that accepted the prompt, as {@link ExecuteResult#getServer()} names it, or
     * {@code null} (RunningHub).
     */
    @JsonProperty("server")
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public String getServer() {
        return server;
    }

    /** A copy naming the server that accepted the prompt. */
    public SubmittedPrompt withServer(String serverName) {
        return new SubmittedPrompt(promptId, clientId, serverName);
    }

    @Override
    public String toString() {
        return "SubmittedPrompt[" + promptId + (server == null ? "" : " on " + server) + "]";
    }
}
