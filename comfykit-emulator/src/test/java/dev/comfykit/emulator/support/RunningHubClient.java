package dev.comfykit.emulator.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import java.util.function.Predicate;

/** A deliberately plain RunningHub v1 client for the emulation's protocol tests (JDK HttpClient only). */
public final class RunningHubClient {

    private final Client http;
    private final String key;

    public RunningHubClient(String base, String key) {
        this.http = new Client(base);
        this.key = key;
    }

    public Client http() {
        return http;
    }

    /** POSTs a JSON body; expects HTTP 200 with a JSON envelope and returns it. */
    public JsonNode call(String path, String body) {
        Client.Response r = http.post(path, body);
        if (r.status() != 200) {
            throw new AssertionError("POST " + path + " gave HTTP " + r.status() + ": " + r.text());
        }
        if (!"application/json".equals(r.contentType())) {
            throw new AssertionError("POST " + path + " answered " + r.contentType());
        }
        return r.json();
    }

    public JsonNode call(String path, ObjectNode body) {
        return call(path, body.toString());
    }

    /** A body with this client's key as {@code apiKey}. */
    public ObjectNode body() {
        return Client.MAPPER.createObjectNode().put("apiKey", key);
    }

    public static ArrayNode nodeInfo(Object... triples) {
        ArrayNode list = Client.MAPPER.createArrayNode();
        for (int i = 0; i < triples.length; i += 3) {
            ObjectNode entry = list.addObject();
            entry.set("nodeId", Client.MAPPER.valueToTree(triples[i]));
            entry.put("fieldName", (String) triples[i + 1]);
            entry.set("fieldValue", Client.MAPPER.valueToTree(triples[i + 2]));
        }
        return list;
    }

    public JsonNode create(String workflowId, ArrayNode nodeInfoList) {
        ObjectNode body = body().put("workflowId", workflowId);
        if (nodeInfoList != null) {
            body.set("nodeInfoList", nodeInfoList);
        }
        return call("/task/openapi/create", body);
    }

    /** Creates a task, expects code 0 and returns its id. */
    public String createTask(String workflowId, ArrayNode nodeInfoList) {
        JsonNode answer = create(workflowId, nodeInfoList);
        if (answer.path("code").asInt(-1) != 0) {
            throw new AssertionError("create failed: " + answer);
        }
        return answer.get("data").get("taskId").asText();
    }

    public JsonNode onTask(String path, String taskId) {
        return call(path, body().put("taskId", taskId));
    }

    public String status(String taskId) {
        JsonNode answer = onTask("/task/openapi/status", taskId);
        if (answer.path("code").asInt(-1) != 0) {
            throw new AssertionError("status failed: " + answer);
        }
        return answer.get("data").asText();
    }

    public JsonNode outputs(String taskId) {
        return onTask("/task/openapi/outputs", taskId);
    }

    public JsonNode cancel(String taskId) {
        return onTask("/task/openapi/cancel", taskId);
    }

    /** Polls the status until it matches (the emulator runs the task on its own threads); fails after 10 s. */
    public String awaitStatus(String taskId, Predicate<String> done) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        String status = status(taskId);
        while (!done.test(status)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("task " + taskId + " is still " + status);
            }
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
            status = status(taskId);
        }
        return status;
    }

    public String awaitEnd(String taskId) {
        return awaitStatus(taskId, s -> s.equals("SUCCESS") || s.equals("FAILED"));
    }

    /** A multipart upload to {@code /task/openapi/upload} with parts {@code apiKey}, {@code file}, {@code fileType}. */
    public JsonNode upload(String apiKey, String filename, byte[] bytes, String fileType) {
        String boundary = "----rh" + UUID.randomUUID();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (apiKey != null) {
            field(out, boundary, "apiKey", apiKey);
        }
        if (filename != null) {
            write(out, "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + filename
                    + "\"\r\nContent-Type: application/octet-stream\r\n\r\n");
            out.writeBytes(bytes);
            write(out, "\r\n");
        }
        if (fileType != null) {
            field(out, boundary, "fileType", fileType);
        }
        write(out, "--" + boundary + "--\r\n");
        Client.Response r = http.send(HttpRequest.newBuilder(URI.create(http.base() + "/task/openapi/upload"))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(out.toByteArray())));
        if (r.status() != 200) {
            throw new AssertionError("upload gave HTTP " + r.status() + ": " + r.text());
        }
        return r.json();
    }

    private static void field(ByteArrayOutputStream out, String boundary, String name, String value) {
        write(out, "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" + value + "\r\n");
    }

    private static void write(ByteArrayOutputStream out, String s) {
        out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
    }
}
