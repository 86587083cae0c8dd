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
    private final String jobId;

    /** A prompt whose server is not named (RunningHub) and that belongs to no durable job. */
    public SubmittedPrompt(String promptId, String clientId) {
        this(promptId, clientId, null, null);
    }

    /**
     * @param server the name of the ComfyUI server that accepted the prompt (see {@link ExecuteResult#getServer()})
     * @param jobId  the durable job the prompt belongs to (with a job store), or {@code null}
     */
    public SubmittedPrompt(String promptId, String clientId, String server, String jobId) {
        this.promptId = Objects.requireNonNull(promptId);
        this.clientId = clientId;
        this.server = server;
        this.jobId = jobId;
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
     * {@code null} (RunningHub, or a durable job found by id whose server is not known here).
     */
    @JsonProperty("server")
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public String getServer() {
        return server;
    }

    /**
     * The job id when the client has a job store ({@link ComfyKit#await(String)} accepts it from any instance on the
     * same store), else {@code null}.
     */
    @JsonProperty("job_id")
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public String getJobId() {
        return jobId;
    }

    /** A copy naming the server that accepted the prompt. */
    public SubmittedPrompt withServer(String serverName) {
        return new SubmittedPrompt(promptId, clientId, serverName, jobId);
    }

    /** A copy naming the durable job the prompt belongs to. */
    public SubmittedPrompt withJobId(String job) {
        return new SubmittedPrompt(promptId, clientId, server, job);
    }

    @Override
    public String toString() {
        return "SubmittedPrompt[" + promptId + (server == null ? "" : " on " + server)
                + (jobId == null ? "" : ", job " + jobId) + "]";
    }
}
