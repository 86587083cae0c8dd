package dev.comfykit.emulator.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.comfykit.emulator.ComfyUiEmulatorExtension;
import dev.comfykit.emulator.support.Client;
import dev.comfykit.emulator.support.Workflows;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** POST /prompt: answers, the number counter and its priorities, prompt ids, client ids (protocol §4). */
class PromptSubmissionTest {

    @RegisterExtension
    static ComfyUiEmulatorExtension comfy = ComfyUiEmulatorExtension.create(b -> b.stepTime(Duration.ZERO));

    private Client client;

    @BeforeEach
    void setUp() {
        client = new Client(comfy.baseUrl());
    }

    private String body(String prompt, String extra) {
        return "{\"prompt\": " + prompt + (extra.isEmpty() ? "" : ", " + extra) + "}";
    }

    @Test
    void answersWithPromptIdNumberAndEmptyNodeErrors() {
        Client.Response r = client.post("/prompt", body(Workflows.emptyToSave(1, "sub"), "\"client_id\": \"c\""));

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.contentType()).isEqualTo("application/json; charset=utf-8");
        JsonNode json = r.json();
        assertThat(json.fieldNames()).toIterable().containsExactly("prompt_id", "number", "node_errors");
        assertThat(json.get("prompt_id").asText()).matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
        assertThat(json.get("number").isIntegralNumber()).isTrue();
        assertThat(json.get("node_errors").size()).isZero();
    }

    @Test
    void counterAdvancesOnEveryPromptWithoutNumberIncludingRejectedOnes() {
        long first = client.post("/prompt", body(Workflows.emptyToSave(2, "cnt"), "")).json().get("number").asLong();
        Client.Response rejected = client.post("/prompt", body("{\"1\": {\"class_type\": \"NoSuchNode\", \"inputs\": {}}}", ""));
        Client.Response noPrompt = client.post("/prompt", "{\"client_id\": \"x\"}");
        long next = client.post("/prompt", body(Workflows.emptyToSave(3, "cnt"), "")).json().get("number").asLong();

        assertThat(rejected.status()).isEqualTo(400);
        assertThat(noPrompt.status()).isEqualTo(400);
        assertThat(next).isEqualTo(first + 3);
    }

    @Test
    void frontGivesTheNegatedCounter() {
        long n = client.post("/prompt", body(Workflows.emptyToSave(4, "front"), "")).json().get("number").asLong();
        JsonNode front = client.post("/prompt", body(Workflows.emptyToSave(5, "front"), "\"front\": true")).json();

        assertThat(front.get("number").asLong()).isEqualTo(-(n + 1));
        assertThat(front.get("number").isIntegralNumber()).isTrue();
    }

    @Test
    void explicitNumberIsEchoedAsFloat() {
        Client.Response r = client.post("/prompt", body(Workflows.emptyToSave(6, "num"), "\"number\": 1000"));

        assertThat(r.text()).contains("\"number\": 1000.0");
        assertThat(r.json().get("number").isDouble()).isTrue();
    }

    @Test
    void explicitNumberDoesNotAdvanceTheCounter() {
        long a = client.post("/prompt", body(Workflows.emptyToSave(7, "num"), "")).json().get("number").asLong();
        client.post("/prompt", body(Workflows.emptyToSave(8, "num"), "\"number\": 5"));
        long b = client.post("/prompt", body(Workflows.emptyToSave(9, "num"), "")).json().get("number").asLong();

        assertThat(b).isEqualTo(a + 1);
    }

    @Test
    void clientChosenPromptIdIsEchoedAsString() {
        JsonNode uuid = client.post("/prompt", body(Workflows.emptyToSave(10, "pid"),
                "\"prompt_id\": \"11111111-aaaa-bbbb-cccc-000000000001\"")).json();
        JsonNode number = client.post("/prompt", body(Workflows.emptyToSave(11, "pid"), "\"prompt_id\": 12345")).json();

        assertThat(uuid.get("prompt_id").asText()).isEqualTo("11111111-aaaa-bbbb-cccc-000000000001");
        assertThat(number.get("prompt_id").isTextual()).isTrue();
        assertThat(number.get("prompt_id").asText()).isEqualTo("12345");
    }

    @Test
    void topLevelClientIdOverridesExtraDataAndSecretsAreStrippedFromHistory() {
        String id = client.post("/prompt", body(Workflows.emptyToSave(79, "cap_noclient"), """
                "client_id": "clientA",
                "extra_data": {"client_id": "clientB", "api_key_comfy_org": "secret-key", "auth_token_comfy_org": "secret-token"}
                """)).json().get("prompt_id").asText();

        JsonNode entry = client.awaitHistory(id);
        assertThat(entry.get("prompt").get(3)).isEqualTo(Client.json("{\"client_id\": \"clientA\"}"));
    }

    @Test
    void extraDataIsEchoedWithClientIdAddedLast() {
        String id = client.post("/prompt", body(Workflows.emptyToSave(12, "extra"),
                "\"client_id\": \"clientA\", \"extra_data\": {\"extra_pnginfo\": {\"workflow\": {\"note\": \"opaque\"}}}"))
                .json().get("prompt_id").asText();

        JsonNode extra = client.awaitHistory(id).get("prompt").get(3);
        assertThat(extra.fieldNames()).toIterable().containsExactly("extra_pnginfo", "client_id");
    }

    @Test
    void widgetValuesAreCoercedInTheQueuedPrompt() {
        String prompt = """
                {"1": {"class_type": "EmptyImage", "inputs": {"width": "8", "height": 8.9, "batch_size": 1, "color": 13}},
                 "2": {"class_type": "SaveImage", "inputs": {"images": ["1", 0], "filename_prefix": "coerce"}}}
                """;
        String id = client.post("/prompt", body(prompt, "")).json().get("prompt_id").asText();

        JsonNode inputs = client.awaitHistory(id).get("prompt").get(2).get("1").get("inputs");
        assertThat(inputs.get("width").isIntegralNumber()).isTrue();
        assertThat(inputs.get("width").asInt()).isEqualTo(8);
        assertThat(inputs.get("height").asInt()).isEqualTo(8);
    }

    @Test
    void bodyIsReadAsJsonWhateverTheContentType() {
        Client.Response r = client.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(comfy.baseUrl() + "/prompt"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body(Workflows.emptyToSave(14, "form"), ""))));

        assertThat(r.status()).isEqualTo(200);
    }

    @Test
    void missingPromptGives400NoPrompt() {
        Client.Response r = client.post("/prompt", "{\"client_id\": \"clientA\"}");

        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json()).isEqualTo(Client.json("""
                {"error": {"type": "no_prompt", "message": "No prompt provided", "details": "No prompt provided", "extra_info": {}},
                 "node_errors": {}}
                """));
    }

    @Test
    void bodyThatIsNotJsonGives500TextBody() {
        Client.Response r = client.post("/prompt", "this is not json");

        assertThat(r.status()).isEqualTo(500);
        assertThat(r.contentType()).startsWith("text/plain");
        assertThat(r.text()).isEqualTo("500 Internal Server Error\n\nServer got itself in trouble");
    }

    @Test
    void getPromptReportsQueueRemaining() {
        Client.Response r = client.get("/prompt");

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().get("exec_info").get("queue_remaining").isInt()).isTrue();
    }

    @Test
    void lastBodiesAreObservable() {
        long before = comfy.emulator().promptsReceived();
        client.post("/prompt", body(Workflows.emptyToSave(13, "obs"), "\"client_id\": \"observer\""));

        assertThat(comfy.emulator().promptsReceived()).isEqualTo(before + 1);
        assertThat(comfy.emulator().lastPromptBody()).contains("\"client_id\": \"observer\"");
        assertThat(comfy.emulator().receivedPromptBodies()).isNotEmpty();
    }
}
