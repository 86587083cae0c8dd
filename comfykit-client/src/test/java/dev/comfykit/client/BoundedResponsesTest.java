package dev.comfykit.client;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.comfykit.client.testing.ComfyUiStubs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * JSON answers are read up to {@code maxResponseBytes}: a server that sends more fails the prompt that needed the
 * answer, with a message naming the request, the limit and the option, and the answer is not asked for again.
 */
class BoundedResponsesTest {

    private static final long LIMIT = 1024 * 1024;

    @RegisterExtension
    static WireMockExtension server = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    private final ComfyUiStubs comfy = new ComfyUiStubs(server);
    private ComfyKit kit;

    @AfterEach
    void close() {
        if (kit != null) {
            kit.close();
        }
    }

    private ComfyKit kit() {
        kit = ComfyKit.builder().environment(name -> null).comfyuiUrl(server.baseUrl())
                .timeout(Duration.ofSeconds(20)).maxResponseBytes(LIMIT).build();
        return kit;
    }

    /** A valid JSON answer of about twice the limit: a hostile or broken server's. */
    private static ResponseDefinitionBuilder oversized(boolean chunked) {
        String body = "{\"x\": \"" + "a".repeat((int) (2 * LIMIT)) + "\"}";
        ResponseDefinitionBuilder response = aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json; charset=utf-8").withBody(body);
        // chunked: no Content-Length, so the limit is found while reading
        return chunked ? response.withChunkedDribbleDelay(8, 50) : response;
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void anOversizedHistoryFailsThePromptOnceInsteadOfBeingReadAgainAndAgain(boolean chunked) {
        comfy.acceptPrompts().emptyQueue();
        server.stubFor(get(urlPathMatching("/history/.+")).willReturn(oversized(chunked)));

        ExecuteResult result = kit().execute("classpath:workflows/simple.json", Map.of("prefix", "x")).join();

        assertThat(result.isFailed()).isTrue();
        assertThat(result.getError().getKind()).isEqualTo(ErrorKind.SERVER);
        assertThat(result.getMsg()).contains("GET /history/" + result.getPromptId(), "more than " + LIMIT + " bytes",
                "maxResponseBytes");
        assertThat(server.findAll(getRequestedFor(urlPathMatching("/history/.+")))).hasSize(1);
    }

    @Test
    void anOversizedJobAnswerFailsThePromptOnAServerWithTheJobsApi() {
        comfy.acceptPrompts();
        server.stubFor(get(urlEqualTo("/api/jobs?limit=1")).willReturn(okJson(
                "{\"jobs\": [], \"pagination\": {\"offset\": 0, \"limit\": 1, \"total\": 0, \"has_more\": false}}")));
        server.stubFor(get(urlPathMatching("/api/jobs/.+")).willReturn(oversized(false)));

        ExecuteResult result = kit().execute("classpath:workflows/simple.json", Map.of("prefix", "x")).join();

        assertThat(result.getMsg()).contains("GET /api/jobs/" + result.getPromptId(), "maxResponseBytes");
        assertThat(server.findAll(getRequestedFor(urlPathMatching("/api/jobs/.+")))).hasSize(1);
        assertThat(server.findAll(getRequestedFor(urlPathMatching("/history/.+")))).isEmpty();
    }

    @Test
    void anOversizedQueueFailsThePromptsThatNeedIt() {
        comfy.acceptPrompts().noHistory();
        server.stubFor(get("/queue").willReturn(oversized(false)));
        ComfyKit client = kit();

        List<CompletableFuture<ExecuteResult>> runs = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            runs.add(client.execute("classpath:workflows/simple.json", Map.of("prefix", "x" + i)));
        }

        for (CompletableFuture<ExecuteResult> run : runs) {
            ExecuteResult result = run.join();
            assertThat(result.getError().getKind()).isEqualTo(ErrorKind.SERVER);
            assertThat(result.getMsg()).contains("GET /queue answered more than " + LIMIT, "maxResponseBytes");
        }
        // each failed prompt left the polling: the queue was read at most once per prompt, not on every round
        assertThat(server.findAll(getRequestedFor(urlEqualTo("/queue")))).hasSizeLessThanOrEqualTo(runs.size());
    }

    @Test
    void answersWithinTheLimitAreRead() {
        comfy.acceptPrompts().emptyQueue().history(ComfyUiStubs.IMAGE_ENTRY);

        ExecuteResult result = kit().execute("classpath:workflows/simple.json", Map.of("prefix", "x")).join();

        assertThat(result.isCompleted()).as(result.getMsg()).isTrue();
    }

    @Test
    void theLimitMustBePositive() {
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> ComfyKit.builder()
                .environment(name -> null).maxResponseBytes(0).build()))
                .hasMessageContaining("maxResponseBytes").hasMessageContaining("positive");
    }
}
