package dev.comfykit.client.internal.backend;

import dev.comfykit.client.CancelOutcome;
import dev.comfykit.client.ExecuteResult;
import dev.comfykit.client.ServerStatus;
import dev.comfykit.client.SubmittedPrompt;
import dev.comfykit.client.WorkflowSource;
import dev.comfykit.client.dsl.WorkflowSchema;
import dev.comfykit.client.spi.Backend;
import dev.comfykit.client.spi.PromptRequest;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Sends RunningHub workflows, AI apps and task ids (all digits) to RunningHub and everything else to ComfyUI (one
 * server, or later a pool of them).
 */
public final class RoutingBackend implements Backend {

    private final Backend comfyUi;
    private final Backend runningHub;

    public RoutingBackend(Backend comfyUi, Backend runningHub) {
        this.comfyUi = comfyUi;
        this.runningHub = runningHub;
    }

    @Override
    public CompletableFuture<ExecuteResult> execute(PromptRequest request) {
        return forRequest(request).execute(request);
    }

    @Override
    public CompletableFuture<SubmittedPrompt> submit(PromptRequest request) {
        return forRequest(request).submit(request);
    }

    @Override
    public CompletableFuture<ExecuteResult> await(String promptId, Duration timeout) {
        return forId(promptId).await(promptId, timeout);
    }

    @Override
    public CompletableFuture<CancelOutcome> cancel(String promptId) {
        return forId(promptId).cancel(promptId);
    }

    @Override
    public CompletableFuture<WorkflowSchema> describe(WorkflowSource source) {
        return (source.isRunningHub() ? runningHub : comfyUi).describe(source);
    }

    private Backend forRequest(PromptRequest request) {
        return request.isRunningHub() ? runningHub : comfyUi;
    }

    private Backend forId(String promptId) {
        return RunningHubBackend.isTaskId(promptId) ? runningHub : comfyUi;
    }

    /** The ComfyUI servers; RunningHub is a service, not a server the client watches. */
    @Override
    public List<ServerStatus> servers() {
        return comfyUi.servers();
    }

    @Override
    public void close() {
        comfyUi.close();
        runningHub.close();
    }
}
