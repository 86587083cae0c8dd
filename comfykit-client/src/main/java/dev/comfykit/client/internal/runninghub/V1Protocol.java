package dev.comfykit.client.internal.runninghub;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.comfykit.client.ErrorKind;
import dev.comfykit.client.ExecutionError;

import java.util.concurrent.CompletableFuture;

/**
 * RunningHub's v1 API (runninghub-api.md §4): {@code /task/openapi/create} and {@code ai-app/run}, polling
 * {@code outputs} (813 queued, 804 running, 805 failed with {@code failedReason}: the status call carries no
 * reason), {@code /task/openapi/upload} and {@code /task/openapi/cancel}; the key in the body and as Bearer.
 */
final class V1Protocol implements RunningHubProtocol {

    private final RunningHubApi api;
    private final RunningHubRequests requests;
    private final RunningHubSettings settings;

    V1Protocol(RunningHubApi api, RunningHubRequests requests, RunningHubSettings settings) {
        this.api = api;
        this.requests = requests;
        this.settings = settings;
    }

    @Override
    public String version() {
        return RunningHubSettings.V1;
    }

    @Override
    public CompletableFuture<Envelope> runWorkflow(String workflowId, ArrayNode nodeInfoList) {
        return api.create(workflowId, nodeInfoList, settings.instanceType);
    }

    @Override
    public CompletableFuture<Envelope> runApp(String webappId, ArrayNode nodeInfoList) {
        return api.runApp(webappId, nodeInfoList, settings.instanceType);
    }

    @Override
    public CompletableFuture<TaskPoll> poll(String taskId) {
        return requests.read("polling task " + taskId, () -> api.outputs(taskId))
                .thenApply(envelope -> interpret(taskId, envelope));
    }

    private TaskPoll interpret(String taskId, Envelope envelope) {
        String code = envelope.code();
        if (envelope.isOk()) {
            return envelope.data().isArray() ? TaskPoll.succeeded(envelope.data()) : TaskPoll.WAITING;
        }
        if (RunningHubCodes.RUNNING.equals(code) || RunningHubCodes.QUEUED.equals(code)) {
            return TaskPoll.WAITING;
        }
        if (RunningHubCodes.FAILED.equals(code)) {
            // the real reason, instead of the "failed: success" of the status call
            return TaskPoll.failed(FailedReasons.of(taskId, envelope.data().path("failedReason"),
                    ErrorKind.EXECUTION, code, RunningHubRequests.describe(envelope)));
        }
        if (RunningHubCodes.TASK_NOT_FOUND.equals(code)) {
            return TaskPoll.failed(ExecutionError.builder(ErrorKind.LOST, "RunningHub no longer knows task " + taskId
                    + " (" + RunningHubRequests.describe(envelope) + ").").code(code).build());
        }
        return TaskPoll.failed(requests.failure("the outputs of task " + taskId, envelope).error());
    }

    @Override
    public CompletableFuture<Boolean> isQueued(String taskId) {
        return requests.read("reading the status of task " + taskId, () -> api.status(taskId))
                .thenApply(status -> status.isOk() && "QUEUED".equals(status.data().asText()));
    }

    @Override
    public CompletableFuture<String> upload(String filename, String contentType, byte[] content) {
        return requests.read("uploading " + filename, () -> api.upload(filename, contentType, content),
                RunningHubCodes.UPLOAD_FAILED).thenApply(envelope -> {
                    if (!envelope.isOk()) {
                        throw requests.failure("the upload of " + filename, envelope);
                    }
                    return envelope.data().path("fileName").asText();
                });
    }

    @Override
    public CompletableFuture<Envelope> cancel(String taskId) {
        return api.cancel(taskId);
    }
}
