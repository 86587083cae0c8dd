package dev.comfykit.client.spi;

import dev.comfykit.client.CancelOutcome;
import dev.comfykit.client.ExecuteResult;
import dev.comfykit.client.InvalidParameterException;
import dev.comfykit.client.InvalidWorkflowException;
import dev.comfykit.client.SubmissionException;
import dev.comfykit.client.ServerStatus;
import dev.comfykit.client.SubmittedPrompt;
import dev.comfykit.client.WorkflowSource;
import dev.comfykit.client.dsl.WorkflowSchema;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Where prompts run: one ComfyUI server (polled over HTTP or followed over a WebSocket), RunningHub, or a composition
 * of backends (the client routes RunningHub workflows to RunningHub and everything else to ComfyUI; a pool of
 * servers picks a member per prompt).
 * <p>
 * The client loads the workflow and hands each prompt over as a {@link PromptRequest}; the backend does the rest:
 * binds the params (uploading media to its own server), submits, tracks the prompt to its end, collects the outputs,
 * and enforces the time limit (cancelling the prompt where it runs). Every method is asynchronous and thread-safe and
 * holds no thread while a prompt runs.
 * <p>
 * <b>Failure contract.</b> Only invalid input completes a future exceptionally, with an
 * {@link InvalidWorkflowException} or {@link InvalidParameterException}, before anything is submitted. Everything
 * else that goes wrong (a rejected workflow, a node error, the time limit, a lost prompt, an unreachable server, the
 * backend being closed) completes {@link #execute} and {@link #await} normally with a result whose status is
 * {@code failed}. {@link #submit} has no result to fail, so it fails with a {@link SubmissionException} when the prompt
 * was refused or could not be delivered. Cancelling a future returned by {@link #execute} cancels its prompt where
 * it runs.
 */
public interface Backend extends AutoCloseable {

    /**
     * Prepares, submits and awaits one prompt, within {@link PromptRequest#timeout()} counted from
     * {@link PromptRequest#startNanos()}; on expiry the prompt is cancelled and the result fails with
     * {@code TIMEOUT}.
     */
    CompletableFuture<ExecuteResult> execute(PromptRequest request);

    /**
     * Prepares and submits one prompt without waiting for it; wait later with {@link #await}.
     *
     * @return the id, which {@link #await} and {@link #cancel} accept (also from another client of the same backend)
     */
    CompletableFuture<SubmittedPrompt> submit(PromptRequest request);

    /**
     * Waits for a prompt submitted earlier, by this or another client. The timeout ends the wait, not the prompt: it
     * completes the result as failed ({@code TIMEOUT}) and leaves the prompt running.
     */
    CompletableFuture<ExecuteResult> await(String promptId, Duration timeout);

    /** Cancels a prompt: removed from the queue when pending, interrupted when running. */
    CompletableFuture<CancelOutcome> cancel(String promptId);

    /**
     * The params and outputs of a workflow that only the backend can read (a RunningHub workflow id or AI app); a
     * loaded graph's schema is known without asking. Fails with {@link InvalidWorkflowException} for a source the
     * backend does not hold.
     */
    CompletableFuture<WorkflowSchema> describe(WorkflowSource source);

    /** The ComfyUI servers this backend runs prompts on, with their health (none for a backend without any). */
    default List<ServerStatus> servers() {
        return List.of();
    }

    /**
     * Stops waiting: executions in flight complete with a failed ({@code CANCELLED}) result. Whether their prompts
     * keep running is the backend's choice (a ComfyUI backend cancels the prompts it submitted unless
     * {@code cancelOnClose=false} or a job store keeps them); those left running can be awaited by id later.
     * Idempotent.
     */
    @Override
    void close();
}
