package dev.comfykit.client.internal.comfyui;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfykit.client.ErrorKind;
import dev.comfykit.client.ExecutionError;
import dev.comfykit.client.NodeValidationError;
import dev.comfykit.client.Priority;
import dev.comfykit.client.internal.http.ComfyUiTransport;
import dev.comfykit.client.internal.http.Multipart;
import dev.comfykit.client.internal.http.TransferListeners;
import dev.comfykit.client.internal.http.UnexpectedResponseException;
import dev.comfykit.client.internal.json.Json;

import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The ComfyUI HTTP endpoints a workflow client needs, with the request and response shapes of the captured
 * protocol: submit, history, queue, interrupt, delete, upload and view.
 */
public final class ComfyUiApi {

    private static final String JSON = "application/json";

    private final ComfyUiTransport transport;
    private final TransferListeners transfers;
    private final ServerProtocol protocol;

    public ComfyUiApi(ComfyUiTransport transport) {
        this(transport, new TransferListeners());
    }

    /** @param transfers told of the bytes of every upload and {@code /view} download (metrics) */
    public ComfyUiApi(ComfyUiTransport transport, TransferListeners transfers) {
        this.transport = transport;
        this.transfers = transfers;
        this.protocol = new ServerProtocol(this);
    }

    /** What this server's protocol offers (the jobs API, the cancel endpoint), found out once per connection. */
    public ServerProtocol protocol() {
        return protocol;
    }

    /** The transport (base URL, credentials). */
    public ComfyUiTransport transport() {
        return transport;
    }

    /**
     * {@code POST /prompt} with a client-chosen prompt id, the client id that routes the WebSocket events, and the
     * api key for paid API nodes in {@code extra_data}, queued normally.
     */
    public CompletableFuture<SubmitResponse> submit(ObjectNode graph, String promptId, String clientId,
                                                    String apiKey) {
        return submit(graph, promptId, clientId, apiKey, Priority.NORMAL);
    }

    /**
     * {@code POST /prompt} as {@link #submit(ObjectNode, String, String, String)}, with the queue position:
     * {@code "front": true} or an explicit {@code "number"} (both understood by every ComfyUI version).
     */
    public CompletableFuture<SubmitResponse> submit(ObjectNode graph, String promptId, String clientId,
                                                    String apiKey, Priority priority) {
        ObjectNode body = Json.object();
        body.set("prompt", graph);
        body.put("client_id", clientId);
        body.put("prompt_id", promptId);
        if (priority != null && priority.isFront()) {
            body.put("front", true);
        } else if (priority != null && priority.queueNumber() != null) {
            body.put("number", priority.queueNumber());
        }
        if (apiKey != null) {
            body.putObject("extra_data").put("api_key_comfy_org", apiKey);
        }
        return transport.post("/prompt", JSON, Json.writeBytes(body)).thenApply(response -> {
            try {
                return submitResponse(response);
            } catch (IOException e) {
                throw new CompletionException(e);
            }
        });
    }

    private static SubmitResponse submitResponse(HttpResponse<byte[]> response) throws IOException {
        int status = response.statusCode();
        if (status == 200) {
            JsonNode json = readJson("POST /prompt", response);
            JsonNode id = json.get("prompt_id");
            if (id == null || id.isNull()) {
                throw new UnexpectedResponseException("POST /prompt", "the answer has no prompt_id");
            }
            return SubmitResponse.accepted(id.asText(), ValidationErrors.parse(json.get("node_errors")));
        }
        if (status == 400) {
            JsonNode json;
            try {
                json = Json.mapper().readTree(response.body());
            } catch (IOException e) {
                throw new UnexpectedResponseException("POST /prompt", status, response.body());
            }
            return SubmitResponse.rejected(rejection(json));
        }
        throw new UnexpectedResponseException("POST /prompt", status, response.body());
    }

    private static ExecutionError rejection(JsonNode json) {
        JsonNode error = json.path("error");
        String type = error.isObject() ? Json.text(error.get("type")) : null;
        String message = error.isObject() ? Json.text(error.get("message")) : error.isTextual() ? error.asText() : null;
        String details = error.isObject() ? Json.text(error.get("details")) : null;
        Map<String, NodeValidationError> nodeErrors = ValidationErrors.parse(json.get("node_errors"));
        StringBuilder text = new StringBuilder("ComfyUI rejected the workflow");
        if (message != null) {
            text.append(": ").append(message);
        }
        if (details != null && !details.isEmpty()) {
            text.append(" (").append(details).append(')');
        }
        if (!nodeErrors.isEmpty()) {
            text.append(": ").append(ValidationErrors.summary(nodeErrors));
        }
        return ExecutionError.builder(ErrorKind.VALIDATION, text.toString())
                .errorType(type, details).nodeErrors(nodeErrors).httpStatus(400).build();
    }

    /** {@code GET /history/{id}}: the entry, or {@code null} while the prompt is queued, running or unknown. */
    public CompletableFuture<JsonNode> history(String promptId) {
        String request = "GET /history/" + promptId;
        return transport.get("/history/" + encodePath(promptId)).thenApply(response -> {
            try {
                JsonNode json = readJson(request, response);
                JsonNode entry = json.get(promptId);
                return entry == null || entry.isNull() ? null : entry;
            } catch (IOException e) {
                throw new CompletionException(e);
            }
        });
    }

    /**
     * {@code GET /object_info}: the declarations of every node class the server has, keyed by class. Fails with
     * {@link UnexpectedResponseException} when the server answers otherwise than 200 JSON.
     */
    public CompletableFuture<JsonNode> objectInfo() {
        String request = "GET /object_info";
        return transport.get("/object_info").thenApply(response -> {
            try {
                return readJson(request, response);
            } catch (IOException e) {
                throw new CompletionException(e);
            }
        });
    }

    /**
     * {@code GET /object_info/{class}}: the declaration of one node class ({@code {}} for a class the server does
     * not know). Fails with {@link UnexpectedResponseException} when the server answers otherwise than 200 JSON.
     */
    public CompletableFuture<JsonNode> objectInfo(String classType) {
        String request = "GET /object_info/" + classType;
        return transport.get("/object_info/" + encodePath(classType)).thenApply(response -> {
            try {
                return readJson(request, response);
            } catch (IOException e) {
                throw new CompletionException(e);
            }
        });
    }

    /** {@code GET /system_stats}: the server's version, devices and memory, as plain data. */
    public CompletableFuture<Map<String, Object>> systemStats() {
        return transport.get("/system_stats").thenApply(response -> {
            try {
                return Json.toMap(readJson("GET /system_stats", response));
            } catch (IOException e) {
                throw new CompletionException(e);
            }
        });
    }

    /**
     * Whether the server has the jobs API ({@code GET /api/jobs}, ComfyUI 0.5.1+): asks {@code GET /api/jobs?limit=1}.
     * {@code false} when the server answers 404 or 405 (an older server); fails when the question could not be
     * answered (no connection, another status), so that it is asked again later.
     */
    public CompletableFuture<Boolean> hasJobsApi() {
        String request = "GET /api/jobs";
        return transport.get("/api/jobs?limit=1").thenApply(response -> {
            if (response.statusCode() == 404 || response.statusCode() == 405) {
                return false;
            }
            try {
                return readJson(request, response).path("jobs").isArray();
            } catch (IOException e) {
                throw new CompletionException(e);
            }
        });
    }

    /**
     * {@code GET /api/jobs/{id}}: the job's state, or {@code null} when the server does not know the id (404). Only
     * for servers with the jobs API ({@link #hasJobsApi()}).
     */
    public CompletableFuture<JobState> job(String promptId) {
        String request = "GET /api/jobs/" + promptId;
        return transport.get("/api/jobs/" + encodePath(promptId)).thenApply(response -> {
            try {
                if (response.statusCode() == 404 && isJson(response)) {
                    return null;
                }
                return JobState.parse(promptId, readJson(request, response));
            } catch (IOException e) {
                throw new CompletionException(e);
            }
        });
    }

    /**
     * {@code GET /api/jobs?status=in_progress,pending}: the ids of the running and pending jobs, without the
     * workflows that {@code GET /queue} carries. Only for servers with the jobs API.
     */
    public CompletableFuture<QueueSnapshot> activeJobs() {
        String request = "GET /api/jobs?status=in_progress,pending";
        return transport.get("/api/jobs?status=in_progress,pending").thenApply(response -> {
            try {
                JsonNode jobs = readJson(request, response).path("jobs");
                if (!jobs.isArray()) {
                    throw new UnexpectedResponseException(request, "the answer has no jobs list");
                }
                java.util.Set<String> running = new java.util.HashSet<>();
                java.util.Set<String> pending = new java.util.HashSet<>();
                for (JsonNode job : jobs) {
                    String id = Json.text(job.get("id"));
                    if (id != null) {
                        ("in_progress".equals(Json.text(job.get("status"))) ? running : pending).add(id);
                    }
                }
                return new QueueSnapshot(running, pending);
            } catch (IOException e) {
                throw new CompletionException(e);
            }
        });
    }

    /**
     * {@code POST /api/jobs/{id}/cancel} (ComfyUI 0.33+): interrupts the job if it runs (the server checks that it is
     * still the running one, atomically) or removes it from the queue. {@code true} when something was cancelled,
     * {@code false} for a finished or unknown job. Fails with an {@link UnexpectedResponseException} of status 404
     * or 405 on a server without the endpoint.
     */
    public CompletableFuture<Boolean> cancelJob(String promptId) {
        String request = "POST /api/jobs/" + promptId + "/cancel";
        return transport.post("/api/jobs/" + encodePath(promptId) + "/cancel", JSON, new byte[0])
                .thenApply(response -> {
                    try {
                        JsonNode cancelled = readJson(request, response).get("cancelled");
                        if (cancelled == null || !cancelled.isBoolean()) {
                            throw new UnexpectedResponseException(request, "the answer has no cancelled flag");
                        }
                        return cancelled.booleanValue();
                    } catch (IOException e) {
                        throw new CompletionException(e);
                    }
                });
    }

    private static boolean isJson(HttpResponse<byte[]> response) {
        return response.headers().firstValue("Content-Type").map(type -> type.startsWith("application/json"))
                .orElse(false);
    }

    /**
     * The running and pending prompt ids by the lightest request the server offers: the jobs API's list (no
     * workflows) where it has one, else {@code GET /queue}.
     */
    public CompletableFuture<QueueSnapshot> queueIds() {
        return protocol.jobsApi().thenCompose(jobs -> jobs ? activeJobs() : queue());
    }

    /** Whether the server knows the prompt at all: queued, running or in its history. */
    public CompletableFuture<Boolean> knows(String promptId) {
        return protocol.jobsApi().thenCompose(jobs -> jobs ? job(promptId).thenApply(job -> job != null)
                : queue().thenCompose(queue -> queue.contains(promptId) ? CompletableFuture.completedFuture(true)
                        : history(promptId).thenApply(entry -> entry != null)));
    }

    /** {@code GET /queue}: the running and pending prompt ids. */
    public CompletableFuture<QueueSnapshot> queue() {
        return transport.get("/queue").thenApply(response -> {
            try {
                if (response.statusCode() != 200) {
                    throw new UnexpectedResponseException("GET /queue", response.statusCode(), response.body());
                }
                return QueueSnapshot.parse(response.body());
            } catch (IOException e) {
                throw new CompletionException(e);
            }
        });
    }

    /**
     * {@code POST /interrupt {"prompt_id": id}}: interrupts the prompt if it is the running one. Servers older than
     * v0.3.56 ignore the body and interrupt whatever runs, so callers check the queue first.
     */
    public CompletableFuture<Void> interrupt(String promptId) {
        ObjectNode body = Json.object().put("prompt_id", promptId);
        return transport.post("/interrupt", JSON, Json.writeBytes(body))
                .thenApply(response -> expectOk("POST /interrupt", response));
    }

    /** {@code POST /queue {"delete": [id]}}: removes a pending prompt (a running one is not affected). */
    public CompletableFuture<Void> deleteFromQueue(String promptId) {
        return deleteFromQueue(java.util.List.of(promptId));
    }

    /** {@code POST /queue {"delete": [ids]}}: removes pending prompts in one request (running ones are not affected). */
    public CompletableFuture<Void> deleteFromQueue(java.util.Collection<String> promptIds) {
        ObjectNode body = Json.object();
        com.fasterxml.jackson.databind.node.ArrayNode ids = body.putArray("delete");
        promptIds.forEach(ids::add);
        return transport.post("/queue", JSON, Json.writeBytes(body))
                .thenApply(response -> expectOk("POST /queue", response));
    }

    /**
     * {@code POST /upload/image}: stores a file in the input folder. Without {@code overwrite} the server keeps an
     * identical existing file's name and renames a different one ({@code name (1).png}), so another user's file
     * is never replaced.
     */
    public CompletableFuture<UploadedFile> upload(String filename, String contentType, byte[] content) {
        Multipart form = new Multipart().file("image", filename, contentType, content).field("type", "input");
        return uploaded(filename, content.length,
                transport.post("/upload/image", form.contentType(), form.toByteArray()));
    }

    /**
     * {@code POST /upload/image} as {@link #upload(String, String, byte[])}, the content streamed from disk: the
     * multipart head, the file in chunks, the tail. A server's size limit ({@code --max-upload-size}, answered with
     * 413) fails with a message naming the file, its size and the server option.
     */
    public CompletableFuture<UploadedFile> upload(String filename, String contentType,
                                                  dev.comfykit.client.internal.media.UploadContent content) {
        Multipart form;
        try {
            form = new Multipart().file("image", filename, contentType, content.publisher()).field("type", "input");
        } catch (IOException e) {
            return CompletableFuture.failedFuture(e);
        }
        return uploaded(filename, content.size(),
                transport.post("/upload/image", form.contentType(), form.publisher()));
    }

    private CompletableFuture<UploadedFile> uploaded(String filename, long size,
                                                     CompletableFuture<HttpResponse<byte[]>> request) {
        return request.thenApply(response -> {
            try {
                if (response.statusCode() == 413) {
                    throw new UnexpectedResponseException("POST /upload/image", "the server refused " + filename
                            + " (" + size + " bytes) as too large (HTTP 413): start ComfyUI with a larger"
                            + " --max-upload-size (in MB) or send a smaller file");
                }
                JsonNode json = readJson("POST /upload/image", response);
                if (!json.path("name").isTextual()) {
                    throw new UnexpectedResponseException("POST /upload/image", "the answer has no name");
                }
                transfers.uploaded(transport.baseUrl(), size);
                return new UploadedFile(json.get("name").asText(), Json.text(json.get("subfolder")),
                        Json.text(json.get("type")));
            } catch (IOException e) {
                throw new CompletionException(e);
            }
        });
    }

    /**
     * Whether the server still holds an input file ({@code HEAD /view?type=input}, which aiohttp answers for every
     * GET route): {@code true} on 200, {@code false} otherwise.
     */
    public CompletableFuture<Boolean> inputExists(String reference) {
        int slash = reference.lastIndexOf('/');
        String subfolder = slash < 0 ? "" : reference.substring(0, slash);
        String name = reference.substring(slash + 1);
        return transport.head(viewPath(name, subfolder, "input")).thenApply(response -> response.statusCode() == 200);
    }

    /** The absolute {@code /view} URL of a file, every value URL-encoded. */
    public String viewUrl(String filename, String subfolder, String type) {
        return transport.baseUrl() + viewPath(filename, subfolder, type);
    }

    /**
     * {@code GET /view}: the content of a file, streamed; a dropped connection is resumed with a Range request and
     * a file over the option {@code maxOutputBytes} fails (see {@link ViewDownload}).
     */
    public CompletableFuture<InputStream> view(String filename, String subfolder, String type) {
        return ViewDownload.open(transport, viewPath(filename, subfolder, type), filename)
                .thenApply(body -> transfers.counting(transport.baseUrl(), body));
    }

    static String viewPath(String filename, String subfolder, String type) {
        return "/view?filename=" + encode(filename) + "&subfolder=" + encode(subfolder == null ? "" : subfolder)
                + "&type=" + encode(type == null ? "output" : type);
    }

    /** Encodes a query value; spaces become {@code %20}, which every server decodes the same way. */
    static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String encodePath(String segment) {
        return encode(segment);
    }

    private static JsonNode readJson(String request, HttpResponse<byte[]> response) throws IOException {
        if (response.statusCode() != 200) {
            throw new UnexpectedResponseException(request, response.statusCode(), response.body());
        }
        try {
            JsonNode json = Json.mapper().readTree(response.body());
            if (json == null || !json.isObject()) {
                throw new UnexpectedResponseException(request, "the answer is not a JSON object");
            }
            return json;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new UnexpectedResponseException(request, "the answer is not JSON: " + e.getOriginalMessage());
        }
    }

    private static Void expectOk(String request, HttpResponse<byte[]> response) {
        if (response.statusCode() != 200) {
            throw new CompletionException(
                    new UnexpectedResponseException(request, response.statusCode(), response.body()));
        }
        return null;
    }

}
