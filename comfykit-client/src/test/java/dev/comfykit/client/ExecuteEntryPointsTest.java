package dev.comfykit.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.comfykit.client.internal.json.Json;
import dev.comfykit.client.testing.ComfyUiStubs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Every way of handing a workflow to {@link ComfyKit#execute} and {@link ComfyKit#executeJson} runs it with the
 * given params: in-memory maps, Jackson trees and JSON text, files given as {@link Path} or as a path string, and
 * http(s) URLs, which are fetched without the ComfyUI server's credentials.
 */
class ExecuteEntryPointsTest {

    private static final String API_KEY = "sk-comfy-entry-points";
    private static final String COOKIES = "session=server-only-cookie";
    private static final Map<String, Object> PARAMS = Map.of("prefix", "cats", "width", "128");

    @RegisterExtension
    static WireMockExtension server = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    @RegisterExtension
    static WireMockExtension otherHost = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort()).build();

    private final ComfyUiStubs comfy = new ComfyUiStubs(server);
    private ComfyKit kit;

    @BeforeEach
    void setUp() {
        comfy.acceptPrompts().emptyQueue().history(ComfyUiStubs.IMAGE_ENTRY);
        // the test server that serves workflow URLs runs on localhost
        kit = ComfyKit.builder().environment(name -> null).allowPrivateUrls(true).comfyuiUrl(server.baseUrl())
                .apiKey(API_KEY)
                .cookies(COOKIES).timeout(Duration.ofSeconds(10)).build();
    }

    @AfterEach
    void close() {
        kit.close();
    }

    /** The text of workflows/simple.json: node 2 declares the param {@code prefix} for its filename_prefix. */
    private static String simpleWorkflowJson() throws IOException {
        try (InputStream in = ExecuteEntryPointsTest.class.getResourceAsStream("/workflows/simple.json")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** The run completed and the prompt the server received carries the params. */
    private void assertRanWithTheParams(ExecuteResult result) {
        assertThat(result.getStatus()).isEqualTo("completed");
        assertThat(result.getImagesByVar()).containsOnlyKeys("image");
        List<JsonNode> prompts = comfy.submittedPrompts();
        assertThat(prompts).hasSize(1);
        assertThat(result.getPromptId()).isEqualTo(prompts.get(0).get("prompt_id").asText());
        assertThat(prompts.get(0).at("/prompt/2/inputs/filename_prefix").asText()).isEqualTo("cats");
        assertThat(prompts.get(0).at("/prompt/1/inputs/width").asInt()).isEqualTo(128);
    }

    @Test
    void anInMemoryMapWorkflowRunsAndTheCallersMapIsLeftAsItWas() throws Exception {
        Map<String, Object> workflow = Json.toMap(Json.mapper().readTree(simpleWorkflowJson()));

        assertRanWithTheParams(kit.executeJson(workflow, PARAMS).join());

        assertThat(Json.toTree(workflow).at("/2/inputs/filename_prefix").asText()).isEqualTo("test");
    }

    @Test
    void aJacksonTreeWorkflowRunsAndTheCallersTreeIsLeftAsItWas() throws Exception {
        JsonNode workflow = Json.mapper().readTree(simpleWorkflowJson());

        assertRanWithTheParams(kit.executeJson(workflow, PARAMS).join());

        assertThat(workflow.at("/2/inputs/filename_prefix").asText()).isEqualTo("test");
    }

    @Test
    void aJsonTextWorkflowRuns() throws Exception {
        assertRanWithTheParams(kit.executeJson(simpleWorkflowJson(), PARAMS).join());
    }

    @Test
    void malformedJsonTextIsAnInputErrorAndNothingIsSubmitted() {
        assertThatThrownBy(() -> kit.executeJson("{\"1\": {\"class_type\": ", PARAMS).join())
                .isInstanceOf(CompletionException.class)
                .hasCauseInstanceOf(InvalidWorkflowException.class)
                .hasMessageContaining("inline JSON").hasMessageContaining("not valid JSON");
        assertThat(comfy.submittedPrompts()).isEmpty();
    }

    @Test
    void aWorkflowFileGivenAsAPathRuns(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("simple.json"), simpleWorkflowJson());

        assertRanWithTheParams(kit.execute(file, PARAMS).join());
    }

    @Test
    void aWorkflowFileGivenAsAPlainPathStringRuns(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("simple.json"), simpleWorkflowJson());

        assertRanWithTheParams(kit.execute(file.toString(), PARAMS).join());
    }

    @Test
    void aMissingWorkflowFileIsAnInputErrorThatNamesIt(@TempDir Path dir) {
        Path missing = dir.resolve("missing.json");

        assertThatThrownBy(() -> kit.execute(missing, PARAMS).join())
                .hasCauseInstanceOf(InvalidWorkflowException.class)
                .hasMessageContaining("Workflow file not found").hasMessageContaining("missing.json");
        assertThat(comfy.submittedPrompts()).isEmpty();
    }

    @Test
    void aWorkflowUrlIsFetchedWithoutTheServersApiKeyOrCookiesAndRuns() throws Exception {
        otherHost.stubFor(get("/workflows/simple.json").willReturn(aResponse()
                .withHeader("Content-Type", "application/json").withBody(simpleWorkflowJson())));

        assertRanWithTheParams(kit.execute(otherHost.baseUrl() + "/workflows/simple.json", PARAMS).join());

        List<LoggedRequest> fetches = otherHost.findAll(getRequestedFor(urlEqualTo("/workflows/simple.json")));
        assertThat(fetches).hasSize(1);
        assertThat(fetches.get(0).containsHeader("Authorization")).isFalse();
        assertThat(fetches.get(0).containsHeader("Cookie")).isFalse();
        assertThat(server.findAll(anyRequestedFor(anyUrl()))).as("the credentials do go to the ComfyUI server")
                .isNotEmpty().allSatisfy(r -> {
                    assertThat(r.getHeader("Authorization")).isEqualTo("Bearer " + API_KEY);
                    assertThat(r.getHeader("Cookie")).isEqualTo(COOKIES);
                });
    }

    @Test
    void aWorkflowUrlThatCannotBeFetchedIsAnInputErrorAndNothingIsSubmitted() {
        otherHost.stubFor(get("/workflows/gone.json").willReturn(aResponse().withStatus(404)));

        assertThatThrownBy(() -> kit.execute(otherHost.baseUrl() + "/workflows/gone.json", PARAMS).join())
                .hasCauseInstanceOf(InvalidWorkflowException.class)
                .hasMessageContaining("Cannot download workflow").hasMessageContaining("HTTP 404");
        assertThat(comfy.submittedPrompts()).isEmpty();
    }

    @Test
    void credentialsInAWorkflowUrlNeverAppearInTheError() {
        otherHost.stubFor(get(urlPathEqualTo("/workflows/gone.json")).willReturn(aResponse().withStatus(404)));
        String url = otherHost.baseUrl().replace("http://", "http://deploy:hunter2@")
                + "/workflows/gone.json?token=s3cr3t&v=2";

        assertThatThrownBy(() -> kit.execute(url, PARAMS).join())
                .hasCauseInstanceOf(InvalidWorkflowException.class)
                .hasMessageContaining("HTTP 404")
                .hasMessageContaining("http://****@localhost:").hasMessageContaining("?token=****&v=2")
                .hasMessageNotContaining("hunter2").hasMessageNotContaining("s3cr3t");
    }

    @Test
    void byDefaultAWorkflowUrlOnALoopbackHostIsRefusedAndNothingIsFetchedOrSubmitted() {
        otherHost.stubFor(get("/workflows/simple.json").willReturn(aResponse().withStatus(200).withBody("{}")));
        try (ComfyKit strict = ComfyKit.builder().environment(name -> null).comfyuiUrl(server.baseUrl()).build()) {
            assertThatThrownBy(() -> strict.execute(otherHost.baseUrl() + "/workflows/simple.json", PARAMS).join())
                    .hasCauseInstanceOf(InvalidWorkflowException.class)
                    .hasMessageContaining("resolves to a loopback address")
                    .hasMessageContaining("Set allowPrivateUrls=true");
        }
        assertThat(otherHost.getAllServeEvents()).isEmpty();
        assertThat(comfy.submittedPrompts()).isEmpty();
    }
}
