package dev.comfykit.client.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.comfykit.client.internal.json.Json;

import java.time.Duration;
import java.util.List;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;

/**
 * A ComfyUI server scripted with WireMock, answering with the captured shapes of comfyui-protocol.md. The prompt
 * id the client chose is echoed back, and any history lookup finds the given entry under the requested id.
 */
public final class ComfyUiStubs {

    /** A successful history entry of workflows/simple.json: one image under its SaveImage node 2. */
    public static final String IMAGE_ENTRY = """
            {"prompt": [0, "id", {"2": {"class_type": "SaveImage", "_meta": {"title": "$output.image"}, "inputs": {}}}, {}, ["2"]],
             "outputs": {"2": {"images": [{"filename": "ComfyUI_00001_.png", "subfolder": "", "type": "output"}]}},
             "status": {"status_str": "success", "completed": true, "messages": []},
             "meta": {"2": {"node_id": "2", "display_node": "2", "parent_node": null, "real_node_id": "2"}}}
            """;

    private final WireMockExtension server;

    public ComfyUiStubs(WireMockExtension server) {
        this.server = server;
    }

    public String baseUrl() {
        return server.baseUrl();
    }

    /** POST /prompt accepts and echoes the client's prompt id. */
    public ComfyUiStubs acceptPrompts() {
        server.stubFor(post("/prompt").willReturn(okJson(
                "{\"prompt_id\": \"{{jsonPath request.body '$.prompt_id'}}\", \"number\": 0, \"node_errors\": {}}")
                .withTransformers("response-template")));
        return this;
    }

    /** GET /queue answers an empty queue. */
    public ComfyUiStubs emptyQueue() {
        return queue(List.of(), List.of());
    }

    /** GET /queue answers these running and pending ids. */
    public ComfyUiStubs queue(List<String> running, List<String> pending) {
        server.stubFor(get("/queue").willReturn(okJson("{\"queue_running\": " + items(running)
                + ", \"queue_pending\": " + items(pending) + "}")));
        return this;
    }

    private static String items(List<String> ids) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < ids.size(); i++) {
            sb.append(i == 0 ? "" : ", ").append("[").append(i).append(", \"").append(ids.get(i))
                    .append("\", {}, {}, []]");
        }
        return sb.append("]").toString();
    }

    /** Every GET /history/{id} finds this entry. */
    public ComfyUiStubs history(String entry) {
        server.stubFor(get(urlPathMatching("/history/.+")).willReturn(okJson(
                "{\"{{request.pathSegments.[1]}}\": " + entry + "}").withTransformers("response-template")));
        return this;
    }

    /** Every GET /history/{id} finds nothing (queued, running or unknown). */
    public ComfyUiStubs noHistory() {
        server.stubFor(get(urlPathMatching("/history/.+")).willReturn(okJson("{}")));
        return this;
    }

    /** POST /interrupt and POST /queue answer 200 with an empty body, as ComfyUI does. */
    public ComfyUiStubs acceptActions() {
        server.stubFor(post("/interrupt").willReturn(aResponse().withStatus(200)));
        server.stubFor(post("/queue").willReturn(aResponse().withStatus(200)));
        return this;
    }

    /** The bodies of all POST /prompt requests so far. */
    public List<JsonNode> submittedPrompts() {
        return server.findAll(postRequestedFor(urlEqualTo("/prompt"))).stream().map(ComfyUiStubs::json).toList();
    }

    /** Waits until the client has submitted a prompt and returns the id it chose. */
    public String awaitSubmittedPromptId(Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            List<JsonNode> prompts = submittedPrompts();
            if (!prompts.isEmpty()) {
                return prompts.get(0).get("prompt_id").asText();
            }
            Thread.sleep(5);
        }
        throw new AssertionError("no prompt was submitted within " + limit);
    }

    /** The requests to a path (any method). */
    public List<LoggedRequest> requests(String path) {
        return server.findAll(WireMock.anyRequestedFor(urlEqualTo(path)));
    }

    public static JsonNode json(LoggedRequest request) {
        try {
            return Json.mapper().readTree(request.getBodyAsString());
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + request.getBodyAsString(), e);
        }
    }
}
