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
    private final String jobId;

    public SubmittedPrompt(String promptId, String clientId) {
        this(promptId, clientId, null);
    }

    /** @param jobId the durable job the prompt belongs to (with a job store), or {@code null} */
    public SubmittedPrompt(String promptId, String clientId, String jobId) {
        this.promptId = Objects.requireNonNull(promptId);
        this.clientId = clientId;
        this.jobId = jobId;
    }

    /**
     * The job id when the client has a job store ({@link ComfyKit#await(String)} accepts it from any instance on the
     * same store), else {@code null}.
     */
    @JsonProperty("job_id")
    @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
    public String getJobId() {
        return jobId;
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
        return "SubmittedPrompt[" + promptId + (jobId == null ? "" : ", job " + jobId) + "]";
    }
}
