package dev.comfykit.client.internal.runninghub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfykit.client.ErrorKind;
import dev.comfykit.client.ExecutionError;
import dev.comfykit.client.internal.json.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Locale;
import java.util.concurrent.CompletableFuture;

/**
 * RunningHub's v2 API (runninghub-api.md §6): {@code /openapi/v2/run/workflow/{id}} and {@code run/ai-app/{id}},
 * one reason-carrying {@code /openapi/v2/query} instead of v1's status and outputs, and the binary media upload; the
 * key as Bearer only. v2 has no cancel endpoint: v1's {@code /task/openapi/cancel}, which takes any task id, cancels
 * v2 tasks too.
 */
final class V2Protocol implements RunningHubProtocol {

    private static final Logger LOG = LoggerFactory.getLogger(V2Protocol.class);

    private final RunningHubV2Api api;
    private final RunningHubApi v1;
    private final RunningHubRequests requests;
    private final RunningHubSettings settings;

    V2Protocol(RunningHubV2Api api, RunningHubApi v1, RunningHubRequests requests, RunningHubSettings settings) {
        this.api = api;
        this.v1 = v1;
        this.requests = requests;
        this.settings = settings;
    }

    @Override
    public String version() {
        return RunningHubSettings.V2;
    }

    @Override
    public CompletableFuture<Envelope> runWorkflow(String workflowId, ArrayNode nodeInfoList) {
        return api.runWorkflow(workflowId, nodeInfoList, settings.instanceType, settings.webhookCallbackUrl);
    }

    @Override
    public CompletableFuture<Envelope> runApp(String webappId, ArrayNode nodeInfoList) {
        return api.runApp(webappId, nodeInfoList, settings.instanceType, settings.webhookCallbackUrl);
    }

    @Override
    public CompletableFuture<TaskPoll> poll(String taskId) {
        // no extra retryable codes: a FAILED task carries its errorCode too, and is an answer, not a hiccup
        return requests.read("polling task " + taskId, () -> api.query(taskId))
                .thenApply(envelope -> interpret(taskId, envelope));
    }

    private TaskPoll interpret(String taskId, Envelope envelope) {
        JsonNode task = envelope.data();
        String status = task.path("status").asText("").toUpperCase(Locale.ROOT);
        String errorCode = task.path("errorCode").asText("");
        String errorMessage = task.path("errorMessage").asText("");
        switch (status) {
            case "FAILED":
                return TaskPoll.failed(FailedReasons.of(taskId, task.path("failedReason"),
                        RunningHubCodes.kindOfFailedTask(errorCode), errorCode.isEmpty() ? null : errorCode,
                        errorCode.isEmpty() && errorMessage.isEmpty() ? "status FAILED"
                                : RunningHubRequests.describe(envelope)));
            case "CANCEL":
            case "CANCELLED":
                return TaskPoll.failed(ExecutionError.builder(ErrorKind.CANCELLED, "RunningHub task " + taskId
                        + " was cancelled" + (errorMessage.isEmpty() ? "." : ": " + errorMessage + "."))
                        .code(errorCode.isEmpty() ? null : errorCode).build());
            default:
                break;
        }
        if (!envelope.isOk()) {
            if (RunningHubCodes.TASK_NOT_FOUND_V2.equals(envelope.code())
                    || RunningHubCodes.TASK_NOT_FOUND.equals(envelope.code())) {
                return TaskPoll.failed(ExecutionError.builder(ErrorKind.LOST, "RunningHub no longer knows task "
                        + taskId + " (" + RunningHubRequests.describe(envelope) + ").").code(envelope.code()).build());
            }
            return TaskPoll.failed(requests.failure("the state of task " + taskId, envelope).error());
        }
        switch (status) {
            case "SUCCESS":
                return TaskPoll.succeeded(items(task));
            case "CREATE":
            case "QUEUED":
            case "RUNNING":
                return TaskPoll.WAITING;
            default:
                // not a state this client knows: keep polling (on schedule, never busy) until it ends or times out
                LOG.debug("[{}] unknown v2 status '{}'; polling on", taskId, status);
                return TaskPoll.WAITING;
        }
    }

    /** The results in v1's item shape ({@code fileUrl, fileType, nodeId}), with the inline text and the usage. */
    private static ArrayNode items(JsonNode task) {
        ArrayNode items = Json.mapper().createArrayNode();
        JsonNode usage = task.path("usage");
        for (JsonNode result : task.path("results")) {
            ObjectNode item = items.addObject();
            String url = result.path("url").asText("");
            item.put("fileUrl", url.isEmpty() ? result.path("outputUrl").asText("") : url);
            JsonNode type = result.get("outputType");
            if (type != null && type.isTextual() && !type.asText().isEmpty()) {
                item.put("fileType", type.asText());
            }
            item.put("nodeId", result.path("nodeId").asText(""));
            JsonNode text = result.get("text");
            if (text != null && text.isTextual()) {
                item.put("text", text.asText());
            }
            for (String field : new String[]{"taskCostTime", "consumeCoins", "consumeMoney",
                    "thirdPartyConsumeMoney"}) {
                if (usage.has(field)) {
                    item.set(field, usage.get(field));
                }
            }
        }
        return items;
    }

    @Override
    public CompletableFuture<Boolean> isQueued(String taskId) {
        return requests.read("reading the status of task " + taskId, () -> api.query(taskId))
                .thenApply(answer -> {
                    String status = answer.data().path("status").asText("");
                    return "QUEUED".equals(status) || "CREATE".equals(status);
                });
    }

    @Override
    public CompletableFuture<String> upload(String filename, String contentType, byte[] content) {
        return requests.read("uploading " + filename, () -> api.upload(filename, contentType, content),
                RunningHubCodes.UPLOAD_FAILED, "1012").thenApply(envelope -> {
                    if (!envelope.isOk()) {
                        throw requests.failure("the upload of " + filename, envelope);
                    }
                    String fileName = envelope.data().path("fileName").asText("");
                    if (fileName.isEmpty()) {
                        throw new RunningHubFailure(ExecutionError.of(ErrorKind.SERVER, "RunningHub accepted the upload"
                                + " of " + filename + " but returned no fileName: " + envelope.data()));
                    }
                    return fileName;
                });
    }

    /** v2 has no cancel endpoint; v1's takes the id of any task (runninghub-api.md §4.5). */
    @Override
    public CompletableFuture<Envelope> cancel(String taskId) {
        return v1.cancel(taskId);
    }
}
