package dev.comfykit.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.comfykit.client.dsl.WorkflowSchema;
import dev.comfykit.client.testing.ComfyUiStubs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The HTTP contract of the HTTP executor, checked request by request against the captured protocol.
 */
class HttpExecutorContractTest {

    @RegisterExtension
    static WireMockExtension server = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    private final ComfyUiStubs comfy = new ComfyUiStubs(server);
    private ComfyKit kit;

    @BeforeEach
    void client() {
        kit = ComfyKit.builder().environment(name -> null).comfyuiUrl(server.baseUrl())
                .timeout(Duration.ofSeconds(10)).build();
    }

    @AfterEach
    void close() {
        kit.close();
    }

    @Test
    void submitsTheBoundWorkflowWithAClientChosenPromptIdAndClientId() {
        comfy.acceptPrompts().emptyQueue().history(ComfyUiStubs.IMAGE_ENTRY);

        ExecuteResult result = kit.execute("classpath:workflows/simple.json",
                Map.of("prefix", "cats", "width", "128")).join();

        assertThat(result.getStatus()).isEqualTo("completed");
        List<JsonNode> prompts = comfy.submittedPrompts();
        assertThat(prompts).hasSize(1);
        JsonNode body = prompts.get(0);
        String promptId = body.get("prompt_id").asText();
        assertThat(UUID.fromString(promptId)).hasToString(promptId);
        assertThat(result.getPromptId()).isEqualTo(promptId);
        assertThat(body.get("client_id").asText()).matches("[0-9a-f]{32}");
        assertThat(body.has("extra_data")).as("no api key, no extra_data").isFalse();
        assertThat(body.at("/prompt/2/inputs/filename_prefix").asText()).isEqualTo("cats");
        assertThat(body.at("/prompt/1/inputs/width").isInt()).isTrue();
        assertThat(body.at("/prompt/1/inputs/width").asInt()).isEqualTo(128);
        assertThat(body.at("/prompt/1/inputs/height").asInt()).isEqualTo(48);
        assertThat(body.at("/prompt/2/_meta/title").asText()).as("titles travel with the prompt")
                .isEqualTo("$output.image, $prefix.filename_prefix!");
        LoggedRequest request = comfy.requests("/prompt").get(0);
        assertThat(request.getHeader("Content-Type")).startsWith("application/json");
        assertThat(request.containsHeader("Origin")).as("ComfyUI's CSRF guard rejects Origin").isFalse();
        assertThat(request.containsHeader("Authorization")).isFalse();
    }

    @Test
    void resultHoldsEncodedViewUrlsGroupedByOutputVariable() {
        comfy.acceptPrompts().emptyQueue().history(ComfyUiStubs.IMAGE_ENTRY);

        ExecuteResult result = kit.execute("classpath:workflows/simple.json", Map.of("prefix", "x")).join();

        assertThat(result.getImages()).containsExactly(server.baseUrl()
                + "/view?filename=ComfyUI_00001_.png&subfolder=&type=output");
        assertThat(result.getImagesByVar()).containsOnlyKeys("image");
        assertThat(result.getDuration()).isPositive();
    }

    @Test
    void withFewPromptsWaitingReadsTheHistoryOfEachDirectly() {
        comfy.acceptPrompts().emptyQueue().history(ComfyUiStubs.IMAGE_ENTRY);

        ExecuteResult result = kit.execute("classpath:workflows/simple.json", Map.of("prefix", "x")).join();

        // finished at the first poll: one history read, no queue read before it
        assertThat(server.findAll(getRequestedFor(urlEqualTo("/history/" + result.getPromptId())))).hasSize(1);
        assertThat(server.findAll(getRequestedFor(urlEqualTo("/queue")))).isEmpty();
    }

    @Test
    void withManyPromptsWaitingOneQueueReadARoundTellsWhichToLookUp() throws Exception {
        comfy.acceptPrompts().noHistory();
        List<CompletableFuture<ExecuteResult>> executions = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            executions.add(kit.execute("classpath:workflows/simple.json", Map.of("prefix", "x" + i)));
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> comfy.submittedPrompts().size() == 12);
        List<String> ids = comfy.submittedPrompts().stream().map(p -> p.get("prompt_id").asText()).toList();
        comfy.queue(ids.subList(0, 1), ids.subList(1, 12));
        server.resetRequests();
        await().atMost(Duration.ofSeconds(5))
                .until(() -> server.findAll(getRequestedFor(urlEqualTo("/queue"))).size() >= 3);

        assertThat(server.findAll(getRequestedFor(urlPathMatching("/history/.+"))))
                .as("all twelve are queued: no history is read").isEmpty();

        comfy.emptyQueue().history(ComfyUiStubs.IMAGE_ENTRY);
        assertThat(executions).allSatisfy(e -> assertThat(e.get(5, TimeUnit.SECONDS).getStatus())
                .isEqualTo("completed"));
    }

    @Test
    void pollingStartsFastAndBacksOffInsteadOfAFixedOneSecondPoll() throws Exception {
        comfy.acceptPrompts().noHistory();
        String running = "placeholder";
        comfy.queue(List.of(running), List.of());
        var execution = kit.execute("classpath:workflows/simple.json", Map.of("prefix", "x"));
        String promptId = comfy.awaitSubmittedPromptId(Duration.ofSeconds(5));
        comfy.queue(List.of(promptId), List.of());
        Thread.sleep(700);
        comfy.emptyQueue().history(ComfyUiStubs.IMAGE_ENTRY);

        assertThat(execution.join().getStatus()).isEqualTo("completed");
        // one prompt waiting: its history is polled directly
        int polls = server.findAll(getRequestedFor(urlEqualTo("/history/" + promptId))).size();
        // a fixed one-second poll would make 1 or 2 requests; a busy loop thousands
        assertThat(polls).isBetween(8, 200);
    }

    @Test
    void anOldServerThatChoosesItsOwnPromptIdIsFollowed() {
        server.stubFor(post("/prompt").willReturn(okJson(
                "{\"prompt_id\": \"server-chosen-id\", \"number\": 3, \"node_errors\": {}}")));
        comfy.emptyQueue();
        server.stubFor(get("/history/server-chosen-id").willReturn(okJson(
                "{\"server-chosen-id\": " + ComfyUiStubs.IMAGE_ENTRY + "}")));

        ExecuteResult result = kit.execute("classpath:workflows/simple.json", Map.of("prefix", "x")).join();

        assertThat(result.getStatus()).isEqualTo("completed");
        assertThat(result.getPromptId()).isEqualTo("server-chosen-id");
    }

    @Test
    void awaitFindsAPromptSubmittedElsewhereAndReadsItsVariablesFromTheHistory() {
        comfy.emptyQueue().history(ComfyUiStubs.IMAGE_ENTRY);

        ExecuteResult result = kit.await("prompt-from-yesterday").join();

        assertThat(result.getPromptId()).isEqualTo("prompt-from-yesterday");
        assertThat(result.getImagesByVar()).containsOnlyKeys("image");
    }

    @Test
    void submitReturnsAtOnceWithThePromptId() {
        comfy.acceptPrompts();

        SubmittedPrompt submitted = kit.submit("classpath:workflows/simple.json", Map.of("prefix", "x")).join();

        assertThat(submitted.getPromptId()).isEqualTo(comfy.submittedPrompts().get(0).get("prompt_id").asText());
        assertThat(server.findAll(getRequestedFor(urlPathMatching("/history/.*")))).isEmpty();
    }

    @Test
    void cancelRemovesAPendingPromptAndInterruptsARunningOne() {
        comfy.acceptActions().queue(List.of("running-1"), List.of("pending-1"));

        assertThat(kit.cancel("running-1").join()).isEqualTo(CancelOutcome.INTERRUPTED);
        assertThat(ComfyUiStubs.json(comfy.requests("/interrupt").get(0)).get("prompt_id").asText())
                .isEqualTo("running-1");

        assertThat(kit.cancel("pending-1").join()).isEqualTo(CancelOutcome.REMOVED_FROM_QUEUE);
        JsonNode delete = ComfyUiStubs.json(server.findAll(
                com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor(urlEqualTo("/queue"))).get(0));
        assertThat(delete.get("delete").get(0).asText()).isEqualTo("pending-1");

        assertThat(kit.cancel("finished-1").join()).isEqualTo(CancelOutcome.NOT_FOUND);
    }

    @Test
    void describeGivesTheParamsAndOutputs() {
        WorkflowSchema schema = kit.describe("classpath:workflows/simple.json").join();
        assertThat(schema.paramNames()).containsExactly("width", "height", "color", "prefix");
        assertThat(schema.param("prefix").isRequired()).isTrue();
        assertThat(schema.getOutputs()).extracting(o -> o.getVariable()).containsExactly("image");
    }
}
