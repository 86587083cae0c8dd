package dev.comfykit.emulator.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

/** A deliberately plain ComfyUI client for the protocol tests: JDK HttpClient and WebSocket only. */
public final class Client {

    public static final ObjectMapper MAPPER = new ObjectMapper();

    private final String base;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public Client(String base) {
        this.base = base;
    }

    public String base() {
        return base;
    }

    /** An HTTP answer. */
    public record Response(int status, String contentType, byte[] body, HttpResponse<byte[]> raw) {
        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        public JsonNode json() {
            return Client.json(text());
        }

        public String header(String name) {
            return raw.headers().firstValue(name).orElse(null);
        }
    }

    public static JsonNode json(String text) {
        try {
            return MAPPER.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Response get(String path) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).GET());
    }

    public Response post(String path, String body) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    public Response post(String path) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).POST(HttpRequest.BodyPublishers.noBody()));
    }

    public Response send(HttpRequest.Builder request) {
        try {
            HttpResponse<byte[]> r = http.send(request.timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofByteArray());
            return new Response(r.statusCode(), r.headers().firstValue("Content-Type").orElse(null), r.body(), r);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Submits {@code {"prompt": ..., "client_id": ...}} and returns the answer's prompt_id (expects 200). */
    public String submit(String promptJson, String clientId) {
        ObjectNode body = MAPPER.createObjectNode();
        body.set("prompt", json(promptJson));
        if (clientId != null) {
            body.put("client_id", clientId);
        }
        Response r = post("/prompt", body.toString());
        if (r.status() != 200) {
            throw new AssertionError("POST /prompt gave " + r.status() + ": " + r.text());
        }
        return r.json().get("prompt_id").asText();
    }

    /** A multipart upload to {@code /upload/image}. */
    public Response upload(String filename, byte[] bytes, Map<String, String> fields) {
        return upload("/upload/image", filename, bytes, fields);
    }

    /** A multipart upload to {@code path} ({@code /upload/image} or {@code /upload/mask}). */
    public Response upload(String path, String filename, byte[] bytes, Map<String, String> fields) {
        String boundary = "----emulator" + UUID.randomUUID();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Map.Entry<String, String> f : fields.entrySet()) {
            write(out, "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + f.getKey() + "\"\r\n\r\n"
                    + f.getValue() + "\r\n");
        }
        if (filename != null) {
            write(out, "--" + boundary + "\r\nContent-Disposition: form-data; name=\"image\"; filename=\"" + filename
                    + "\"\r\nContent-Type: image/png\r\n\r\n");
            out.writeBytes(bytes);
            write(out, "\r\n");
        }
        write(out, "--" + boundary + "--\r\n");
        return send(HttpRequest.newBuilder(URI.create(base + path))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(out.toByteArray())));
    }

    private static void write(ByteArrayOutputStream out, String s) {
        out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
    }

    public Socket socket(String clientId) {
        return Socket.connect(http, base.replace("http://", "ws://") + "/ws" + (clientId == null ? "" : "?clientId=" + clientId));
    }

    public Socket socketAt(String path) {
        return Socket.connect(http, base.replace("http://", "ws://") + path);
    }

    /** Polls /history/{id} until the entry exists. */
    public JsonNode awaitHistory(String promptId) {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode h = get("/history/" + promptId).json();
            if (h.has(promptId)) {
                return h.get(promptId);
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        throw new AssertionError("no history for " + promptId);
    }
}
