package dev.comfykit.client.internal.runninghub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfykit.client.internal.http.BoundedBodyHandlers;
import dev.comfykit.client.internal.http.HttpSender;
import dev.comfykit.client.internal.http.Multipart;
import dev.comfykit.client.internal.http.UnexpectedResponseException;
import dev.comfykit.client.internal.json.Json;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The RunningHub v2 endpoints the client uses (runninghub-api.md §6): the key travels only as
 * {@code Authorization: Bearer}. Task answers are not enveloped ({@code {taskId, status, errorCode, errorMessage,
 * failedReason, results, usage}}, §3.2); they are read into an {@link Envelope} whose code is the {@code errorCode}
 * ({@code 0} when it is empty) and whose data is the whole task object, so that one retry policy serves both versions.
 * An error answer is read whatever its HTTP status (a refused key may come as 401 with an {@code errorCode}).
 */
final class RunningHubV2Api {

    private static final long MAX_RESPONSE_BYTES = 64L * 1024 * 1024;

    private final HttpSender sender;
    private final String base;
    private final String apiKey;
    private final Duration requestTimeout;

    RunningHubV2Api(HttpSender sender, URI baseUrl, String apiKey, Duration requestTimeout) {
        this.sender = sender;
        String text = baseUrl.toString();
        this.base = text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
        this.apiKey = apiKey;
        this.requestTimeout = requestTimeout;
    }

    /** {@code POST /openapi/v2/run/workflow/{workflowId}}. */
    CompletableFuture<Envelope> runWorkflow(String workflowId, ArrayNode nodeInfoList, String instanceType,
                                            String webhookUrl) {
        return post("/openapi/v2/run/workflow/" + segment(workflowId), runBody(nodeInfoList, instanceType,
                webhookUrl));
    }

    /** {@code POST /openapi/v2/run/ai-app/{webappId}}. */
    CompletableFuture<Envelope> runApp(String webappId, ArrayNode nodeInfoList, String instanceType,
                                       String webhookUrl) {
        return post("/openapi/v2/run/ai-app/" + segment(webappId), runBody(nodeInfoList, instanceType, webhookUrl));
    }

    /** {@code POST /openapi/v2/query}: the task object, with its status, results, usage and failure reason. */
    CompletableFuture<Envelope> query(String taskId) {
        return post("/openapi/v2/query", Json.object().put("taskId", taskId));
    }

    /**
     * {@code POST /openapi/v2/media/upload/binary} (multipart part {@code file}): answers
     * {@code {code, message, data: {type, download_url, fileName, size}}}.
     */
    CompletableFuture<Envelope> upload(String filename, String contentType, byte[] content) {
        Multipart form = new Multipart().file("file", filename, contentType, content);
        return send("/openapi/v2/media/upload/binary", form.contentType(), form.toByteArray());
    }

    private static ObjectNode runBody(ArrayNode nodeInfoList, String instanceType, String webhookUrl) {
        ObjectNode body = Json.object();
        body.set("nodeInfoList", nodeInfoList);
        if (instanceType != null) {
            body.put("instanceType", instanceType);
        }
        if (webhookUrl != null) {
            body.put("webhookUrl", webhookUrl);
        }
        return body;
    }

    private static String segment(String id) {
        return URLEncoder.encode(id, StandardCharsets.UTF_8);
    }

    private CompletableFuture<Envelope> post(String path, ObjectNode body) {
        return send(path, "application/json", Json.writeBytes(body));
    }

    private CompletableFuture<Envelope> send(String path, String contentType, byte[] body) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + path)).timeout(requestTimeout)
                .header("Content-Type", contentType)
                .header("Authorization", "Bearer " + apiKey)
                .header("User-Agent", "comfykit-java")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        return sender.send(request, BoundedBodyHandlers.ofBytes(MAX_RESPONSE_BYTES))
                .thenApply(response -> envelope(path, response));
    }

    private static Envelope envelope(String path, HttpResponse<byte[]> response) {
        JsonNode json;
        try {
            json = Json.mapper().readTree(response.body());
        } catch (IOException e) {
            json = null;
        }
        if (json != null && json.isObject() && !json.path("errorCode").asText("").isEmpty()) {
            return new Envelope(json.path("errorCode").asText(), json.path("errorMessage").asText(""), json);
        }
        if (response.statusCode() != 200) {
            throw new CompletionException(new UnexpectedResponseException("POST " + path, response.statusCode(),
                    response.body()));
        }
        if (json == null || !json.isObject()) {
            throw new CompletionException(new UnexpectedResponseException("POST " + path, "the answer is not JSON"));
        }
        if (json.has("code")) {
            // the utility endpoints' own envelope, with "message" for "msg" on media upload
            return new Envelope(json.get("code").asText(), json.path("message").asText(json.path("msg").asText("")),
                    json.get("data"));
        }
        if (!json.has("taskId") && !json.has("status")) {
            throw new CompletionException(new UnexpectedResponseException("POST " + path,
                    "the answer is not a RunningHub v2 task {taskId, status, errorCode, ...}"));
        }
        return new Envelope(Envelope.OK, "", json);
    }
}
