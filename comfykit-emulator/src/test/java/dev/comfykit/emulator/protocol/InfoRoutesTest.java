package dev.comfykit.emulator.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.comfykit.emulator.ComfyUiEmulatorExtension;
import dev.comfykit.emulator.support.Client;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Read-only routes, /api aliases, unknown routes and the origin check (protocol §1, §2). */
class InfoRoutesTest {

    @RegisterExtension
    static ComfyUiEmulatorExtension comfy = ComfyUiEmulatorExtension.create(b -> b.stepTime(Duration.ZERO));

    private Client client;

    @BeforeEach
    void setUp() {
        client = new Client(comfy.baseUrl());
    }

    @Test
    void systemStatsHasTheCapturedKeys() {
        Client.Response r = client.get("/system_stats");

        assertThat(r.contentType()).isEqualTo("application/json; charset=utf-8");
        JsonNode json = r.json();
        assertThat(json.get("system").fieldNames()).toIterable().containsExactly("os", "ram_total", "ram_free", "comfyui_version",
                "required_frontend_version", "installed_templates_version", "required_templates_version", "python_version",
                "pytorch_version", "embedded_python", "argv");
        assertThat(json.get("devices").get(0).fieldNames()).toIterable().containsExactly("name", "type", "index", "vram_total",
                "vram_free", "torch_vram_total", "torch_vram_free");
        assertThat(json.get("system").get("comfyui_version").asText()).isEqualTo("0.3.65");
    }

    @Test
    void features() {
        assertThat(client.get("/features").json())
                .isEqualTo(Client.json("{\"supports_preview_metadata\": true, \"max_upload_size\": 104857600}"));
    }

    @Test
    void emptyListsAndModels() {
        assertThat(client.get("/embeddings").text()).isEqualTo("[]");
        assertThat(client.get("/extensions").text()).isEqualTo("[]");
        assertThat(client.get("/models").json().get(0).asText()).isEqualTo("checkpoints");
        assertThat(client.get("/models/checkpoints").json()).extracting(JsonNode::asText).contains("v1-5-pruned-emaonly.safetensors");
        assertThat(client.get("/models/nope").status()).isEqualTo(404);
    }

    @Test
    void everyRouteAlsoAnswersUnderApi() {
        for (String path : new String[] {"/system_stats", "/prompt", "/queue", "/features", "/object_info/EmptyImage", "/history"}) {
            Client.Response plain = client.get(path);
            Client.Response api = client.get("/api" + path);
            assertThat(api.status()).as(path).isEqualTo(200);
            assertThat(api.contentType()).as(path).isEqualTo(plain.contentType());
        }
        assertThat(client.post("/api/prompt", "{\"prompt\": {\"1\": {\"class_type\": \"PrimitiveInt\", \"inputs\": {\"value\": 1}},"
                + " \"2\": {\"class_type\": \"PreviewAny\", \"inputs\": {\"source\": [\"1\", 0]}}}}").status()).isEqualTo(200);
    }

    @Test
    void unknownRouteIs404Text() {
        Client.Response r = client.get("/no/such/route");

        assertThat(r.status()).isEqualTo(404);
        assertThat(r.contentType()).startsWith("text/plain");
        assertThat(r.text()).isEqualTo("404: Not Found");
    }

    @Test
    void knownPathWithAnotherMethodIs405() {
        assertThat(client.post("/system_stats", "{}").status()).isEqualTo(405);
    }

    @Test
    void foreignOriginOnLoopbackIs403() {
        Client.Response r = client.send(HttpRequest.newBuilder(URI.create(comfy.baseUrl() + "/system_stats"))
                .header("Origin", "http://evil.example").GET());

        assertThat(r.status()).isEqualTo(403);
        assertThat(r.body()).isEmpty();
    }

    @Test
    void sameOriginIsAllowed() {
        Client.Response r = client.send(HttpRequest.newBuilder(URI.create(comfy.baseUrl() + "/system_stats"))
                .header("Origin", comfy.baseUrl()).GET());

        assertThat(r.status()).isEqualTo(200);
    }

    @Test
    void freeAnswersEmpty() {
        Client.Response r = client.post("/free", "{\"unload_models\": true}");

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).isEmpty();
    }
}
