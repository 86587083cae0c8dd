package dev.comfykit.client.internal.runninghub;

import com.fasterxml.jackson.databind.node.ArrayNode;

import java.util.concurrent.CompletableFuture;

/**
 * What differs between RunningHub's API versions, chosen once from {@code runninghubApiVersion}: how a task is
 * started, how its state and outputs are read, how media is uploaded and how a task is cancelled. Everything else
 * (waiting for a permit, polling on a schedule, retries, timeouts, mapping outputs) is the engine's and the same for
 * both. Fetching a workflow's API JSON and the account status exist in v1 only and are used by both versions.
 */
interface RunningHubProtocol {

    /** {@code v1} or {@code v2}. */
    String version();

    /**
     * Starts a workflow task. Not retried here: {@link RunningHubRequests#create} decides what may be sent again.
     *
     * @return the answer as an {@link Envelope} whose {@code data.taskId} is the new task's id
     */
    CompletableFuture<Envelope> runWorkflow(String workflowId, ArrayNode nodeInfoList);

    /** Starts an AI app task; as {@link #runWorkflow}. */
    CompletableFuture<Envelope> runApp(String webappId, ArrayNode nodeInfoList);

    /** One poll of a task (retried as a read): still waiting, its output items, or why it failed. */
    CompletableFuture<TaskPoll> poll(String taskId);

    /** Whether the task still waits in RunningHub's queue (so cancelling removes it rather than interrupts it). */
    CompletableFuture<Boolean> isQueued(String taskId);

    /** Uploads a media file; completes with the name a loader node takes as its value. */
    CompletableFuture<String> upload(String filename, String contentType, byte[] content);

    /** Asks RunningHub to cancel a task; the envelope is 0, 807 (unknown) or 817 (ended already). */
    CompletableFuture<Envelope> cancel(String taskId);

    /** The protocol {@code runninghubApiVersion} names. */
    static RunningHubProtocol of(RunningHubSettings settings, RunningHubApi v1, RunningHubV2Api v2,
                                 RunningHubRequests requests) {
        return RunningHubSettings.V1.equals(settings.apiVersion) ? new V1Protocol(v1, requests, settings)
                : new V2Protocol(v2, v1, requests, settings);
    }
}
