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
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The RunningHub v1 endpoints the client uses (the workflow JSON, the account status and cancel serve v2 too, which
 * has no such endpoints). Every call carries the key twice, as the JSON field {@code apiKey}
 * (lower-case {@code apikey} for {@code accountStatus}) and as {@code Authorization: Bearer}; answers are
 * {@link Envelope}s. The key goes to the RunningHub site only: output files are fetched elsewhere, plainly.
 */
final class RunningHubApi {

    private static final long MAX_RESPONSE_BYTES = 64L * 1024 * 1024;

    private final HttpSender sender;
    private final String base;
    private final String apiKey;
    private final Duration requestTimeout;
    private final String webhookUrl;

    /**
     * @param webhookUrl the URL (with its token) RunningHub calls when a task ends, or {@code null}
     */
    RunningHubApi(HttpSender sender, URI baseUrl, String apiKey, Duration requestTimeout, String webhookUrl) {
        this.sender = sender;
        String text = baseUrl.toString();
        this.base = text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
        this.apiKey = apiKey;
        this.requestTimeout = requestTimeout;
        this.webhookUrl = webhookUrl;
    }

    /** The site, e.g. {@code https://www.runninghub.ai}. */
    String site() {
        return base;
    }

    /** {@code POST /api/openapi/getJsonApiFormat}: {@code data.prompt} is the API-format workflow as a string. */
    CompletableFuture<Envelope> workflowJson(String workflowId) {
        return post("/api/openapi/getJsonApiFormat", body().put("workflowId", workflowId));
    }

    /** {@code POST /task/openapi/create}: runs a workflow with node overrides. */
    CompletableFuture<Envelope> create(String workflowId, ArrayNode nodeInfoList, String instanceType) {
        ObjectNode body = body().put("workflowId", workflowId);
        body.set("nodeInfoList", nodeInfoList);
        if (instanceType != null) {
            body.put("instanceType", instanceType);
        }
        withWebhook(body);
        return post("/task/openapi/create", body);
    }

    /** {@code POST /task/openapi/ai-app/run}: runs an AI app; {@code webappId} goes as an exact number. */
    CompletableFuture<Envelope> runApp(String webappId, ArrayNode nodeInfoList, String instanceType) {
        ObjectNode body = body();
        body.put("webappId", new java.math.BigInteger(webappId));
        body.set("nodeInfoList", nodeInfoList);
        if (instanceType != null) {
            body.put("instanceType", instanceType);
        }
        withWebhook(body);
        return post("/task/openapi/ai-app/run", body);
    }

    /** {@code POST /task/openapi/outputs}: the outputs, or 804/813 while running/queued, 805 failed, 807 unknown. */
    CompletableFuture<Envelope> outputs(String taskId) {
        return post("/task/openapi/outputs", body().put("taskId", taskId));
    }

    /** {@code POST /task/openapi/status}: {@code data} is QUEUED, RUNNING, SUCCESS or FAILED (never a reason). */
    CompletableFuture<Envelope> status(String taskId) {
        return post("/task/openapi/status", body().put("taskId", taskId));
    }

    /** {@code POST /task/openapi/cancel}. */
    CompletableFuture<Envelope> cancel(String taskId) {
        return post("/task/openapi/cancel", body().put("taskId", taskId));
    }

    /** {@code POST /uc/openapi/accountStatus} (the key as lower-case {@code apikey}, as this endpoint wants it). */
    CompletableFuture<Envelope> accountStatus() {
        ObjectNode body = Json.object().put("apikey", apiKey);
        return post("/uc/openapi/accountStatus", body);
    }

    /** {@code POST /task/openapi/upload} (multipart {@code apiKey}, {@code file}, {@code fileType}). */
    CompletableFuture<Envelope> upload(String filename, String contentType, byte[] content) {
        String fileType = contentType.startsWith("video/") ? "video" : contentType.startsWith("image/") ? "image"
                : "input";
        Multipart form = new Multipart().field("apiKey", apiKey).file("file", filename, contentType, content)
                .field("fileType", fileType);
        return send("/task/openapi/upload", form.contentType(), form.toByteArray());
    }

    private void withWebhook(ObjectNode body) {
        if (webhookUrl != null) {
            body.put("webhookUrl", webhookUrl);
        }
    }

    private ObjectNode body() {
        return Json.object().put("apiKey", apiKey);
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
        if (response.statusCode() != 200) {
            throw new CompletionException(new UnexpectedResponseException("POST " + path, response.statusCode(),
                    response.body()));
        }
        try {
            JsonNode json = Json.mapper().readTree(response.body());
            if (json == null || !json.isObject() || !json.has("code")) {
                throw new CompletionException(new UnexpectedResponseException("POST " + path,
                        "the answer is not a RunningHub envelope {code, msg, data}"));
            }
            return Envelope.of(json);
        } catch (IOException e) {
            throw new CompletionException(new UnexpectedResponseException("POST " + path, "the answer is not JSON"));
        }
    }
}
