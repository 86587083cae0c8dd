package dev.comfykit.client.internal.runninghub;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.comfykit.client.CancelOutcome;
import dev.comfykit.client.ComfyKit;
import dev.comfykit.client.ComfyKitBuilder;
import dev.comfykit.client.ErrorKind;
import dev.comfykit.client.ExecuteResult;
import dev.comfykit.client.InvalidParameterException;
import dev.comfykit.client.internal.json.Json;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The RunningHub v1 contract (runninghubApiVersion=v1), request by request: bodies, headers, envelopes, and the semantics of every code.
 */
class RunningHubContractTest {

    private static final String KEY = "rh-test-key-0123456789abcdef0123";
    private static final String WORKFLOW_ID = "1904136902449209346";
    private static final String TASK_ID = "1904737800233889793";
    private static final String WORKFLOW = """
            {"3": {"class_type": "KSampler", "_meta": {"title": "$seed, $steps.steps"}, "inputs": {"seed": 0, "steps": 20, "model": ["4", 0]}},
             "6": {"class_type": "CLIPTextEncode", "_meta": {"title": "$prompt.text!"}, "inputs": {"text": "old", "clip": ["4", 1]}},
             "9": {"class_type": "SaveImage", "_meta": {"title": "$output.image"}, "inputs": {"images": ["8", 0], "filename_prefix": "x"}},
             "10": {"class_type": "LoadImage", "_meta": {"title": "$photo.~image"}, "inputs": {"image": "example.png"}},
             "11": {"class_type": "ShowText", "_meta": {"title": "$output.caption"}, "inputs": {}}}
            """;

    @RegisterExtension
    static WireMockExtension runninghub = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    @RegisterExtension
    static WireMockExtension cdn = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    private ComfyKit kit;

    @BeforeEach
    void setUp() {
        kit = client(b -> b);
        runninghub.stubFor(post("/api/openapi/getJsonApiFormat").willReturn(okJson(envelope(0, "SUCCESS",
                Json.write(Map.of("prompt", WORKFLOW))))));
        runninghub.stubFor(post("/task/openapi/create").willReturn(okJson(envelope(0, "success", """
                {"netWssUrl": null, "taskId": %s, "clientId": "e8", "taskStatus": "QUEUED",
                 "promptTips": "{\\"result\\": true, \\"error\\": null, \\"outputs_to_execute\\": [\\"9\\"], \\"node_errors\\": {}}"}
                """.formatted(TASK_ID)))));
        runninghub.stubFor(post("/task/openapi/status").willReturn(okJson(envelope(0, "success", "\"RUNNING\""))));
        runninghub.stubFor(post("/task/openapi/cancel").willReturn(okJson(envelope(0, "success", "null"))));
        cdn.stubFor(get("/out/ComfyUI_00033_hpgko.png").willReturn(aResponse().withBody(new byte[]{1, 2, 3})));
        cdn.stubFor(get("/out/caption.txt").willReturn(aResponse().withBody("a lighthouse at dusk")));
    }

    @AfterEach
    void close() {
        kit.close();
    }

    private ComfyKit client(java.util.function.UnaryOperator<ComfyKitBuilder> options) {
        return options.apply(ComfyKit.builder().environment(name -> null).allowPrivateUrls(true).runninghubApiVersion("v1")
                .runninghubUrl(runninghub.baseUrl())
                .runninghubApiKey(KEY).runninghubPollInterval(Duration.ofMillis(30))
                .runninghubTimeout(Duration.ofSeconds(20))).build();
    }

    private static String envelope(int code, String msg, String data) {
        return "{\"code\": " + code + ", \"msg\": \"" + msg + "\", \"data\": " + data + "}";
    }

    private void outputsInSequence(String... bodies) {
        String state = Scenario.STARTED;
        for (int i = 0; i < bodies.length; i++) {
            String next = i == bodies.length - 1 ? state : "poll-" + (i + 1);
            runninghub.stubFor(post("/task/openapi/outputs").inScenario("outputs").whenScenarioStateIs(state)
                    .willReturn(okJson(bodies[i])).willSetStateTo(next));
            state = next;
        }
    }

    private String successOutputs() {
        return envelope(0, "success", """
                [{"fileUrl": "%s/out/ComfyUI_00033_hpgko.png", "fileType": "png", "nodeId": "9", "taskCostTime": "78", "consumeCoins": "51"},
                 {"fileUrl": "%s/out/caption.txt", "fileType": "txt", "nodeId": "11", "taskCostTime": 78}]
                """.formatted(cdn.baseUrl(), cdn.baseUrl()));
    }

    private static JsonNode body(LoggedRequest request) {
        try {
            return Json.mapper().readTree(request.getBodyAsString());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private List<LoggedRequest> calls(String path) {
        return runninghub.findAll(postRequestedFor(urlEqualTo(path)));
    }

    @Test
    void aWorkflowRunsWithItsDslParamsAndOutputsAreCollectedByVariable() {
        outputsInSequence(envelope(813, "APIKEY_TASK_IS_QUEUED", "null"),
                envelope(804, "APIKEY_TASK_IS_RUNNING", "{\"netWssUrl\": null}"), successOutputs());

        ExecuteResult result = kit.execute(WORKFLOW_ID, Map.of("prompt", "a lighthouse", "steps", "30")).join();

        assertThat(result.getStatus()).isEqualTo("completed");
        assertThat(result.getPromptId()).as("the task id, kept exact as text").isEqualTo(TASK_ID);
        assertThat(result.getImagesByVar()).containsOnlyKeys("image");
        assertThat(result.getImages()).containsExactly(cdn.baseUrl() + "/out/ComfyUI_00033_hpgko.png");
        assertThat(result.getTextsByVar()).containsEntry("caption", List.of("a lighthouse at dusk"));
        assertThat(result.getFiles().get(0).readAllBytes()).containsExactly(1, 2, 3);

        JsonNode fetch = body(calls("/api/openapi/getJsonApiFormat").get(0));
        assertThat(fetch.get("apiKey").asText()).isEqualTo(KEY);
        assertThat(fetch.get("workflowId").asText()).isEqualTo(WORKFLOW_ID);
        JsonNode create = body(calls("/task/openapi/create").get(0));
        assertThat(create.get("apiKey").asText()).isEqualTo(KEY);
        assertThat(create.get("workflowId").isTextual()).isTrue();
        assertThat(create.has("instanceType")).isFalse();
        JsonNode list = create.get("nodeInfoList");
        assertThat(list).hasSize(3);
        assertThat(list).anySatisfy(e -> {
            assertThat(e.get("nodeId").asText()).isEqualTo("6");
            assertThat(e.get("fieldName").asText()).isEqualTo("text");
            assertThat(e.get("fieldValue").asText()).isEqualTo("a lighthouse");
        }).anySatisfy(e -> {
            assertThat(e.get("fieldName").asText()).isEqualTo("steps");
            assertThat(e.get("fieldValue").isInt()).isTrue();
            assertThat(e.get("fieldValue").asInt()).isEqualTo(30);
        }).anySatisfy(e -> {
            assertThat(e.get("fieldName").asText()).isEqualTo("seed");
            assertThat(e.get("fieldValue").asLong()).as("a zero seed is randomised").isPositive();
        });
        assertThat(runninghub.findAll(anyRequestedFor(anyUrl()))).allSatisfy(r ->
                assertThat(r.getHeader("Authorization")).isEqualTo("Bearer " + KEY));
        assertThat(cdn.findAll(anyRequestedFor(anyUrl()))).isNotEmpty().allSatisfy(r -> {
            assertThat(r.containsHeader("Authorization")).as("the key never goes to the CDN").isFalse();
            assertThat(r.getUrl()).doesNotContain(KEY);
        });
    }

    @Test
    void aWorkflowFileMarkedAsRunningHubRunsThatWorkflowOnRunningHub(@TempDir Path dir) throws Exception {
        outputsInSequence(successOutputs());
        Path stub = Files.writeString(dir.resolve("cloud.json"),
                "{\"_source\": \"runninghub\", \"workflow_id\": \"" + WORKFLOW_ID + "\"}");

        ExecuteResult result = kit.execute(stub, Map.of("prompt", "a lighthouse")).join();

        assertThat(result.getStatus()).isEqualTo("completed");
        assertThat(body(calls("/task/openapi/create").get(0)).get("workflowId").asText()).isEqualTo(WORKFLOW_ID);
    }

    @Test
    void aRunningHubFileWithoutAWorkflowIdSaysWhatToAdd(@TempDir Path dir) throws Exception {
        Path stub = Files.writeString(dir.resolve("cloud.json"), "{\"_source\": \"runninghub\"}");

        assertThatThrownBy(() -> kit.execute(stub, Map.of()).join()).hasMessageContaining("workflow_id")
                .hasMessageContaining("cloud.json");
        assertThat(calls("/task/openapi/create")).isEmpty();
    }

    @Test
    void theInstanceTypeIsSentWhenConfigured() {
        outputsInSequence(successOutputs());
        try (ComfyKit plus = client(b -> b.runninghubInstanceType("plus"))) {
            plus.execute(WORKFLOW_ID, Map.of("prompt", "x")).join().orThrow();
        }
        assertThat(body(calls("/task/openapi/create").get(0)).get("instanceType").asText()).isEqualTo("plus");
    }

    @Test
    void aFailedTaskReportsTheRealReasonNotFailedSuccess() {
        outputsInSequence(envelope(805, "APIKEY_TASK_STATUS_ERROR", """
                {"failedReason": {"node_id": "276", "node_name": "SONIC_PreData", "exception_type": "TypeError",
                  "exception_message": "missing 2 required positional arguments: 'clip_vision' and 'vae'",
                  "traceback": "[\\"  File \\\\\\"/workspace/ComfyUI/execution.py\\\\\\", line 1208\\"]",
                  "current_inputs": "{}", "current_outputs": "{}"}}
                """));

        ExecuteResult result = kit.execute(WORKFLOW_ID, Map.of("prompt", "x")).join();

        assertThat(result.getError().getKind()).isEqualTo(ErrorKind.EXECUTION);
        assertThat(result.getError().getCode()).isEqualTo("805");
        assertThat(result.getError().getNodeId()).isEqualTo("276");
        assertThat(result.getError().getNodeType()).isEqualTo("SONIC_PreData");
        assertThat(result.getError().getExceptionType()).isEqualTo("TypeError");
        assertThat(result.getError().getTraceback()).hasSize(1);
        assertThat(result.getMsg()).contains(TASK_ID, "node 276 (SONIC_PreData)", "missing 2 required")
                .doesNotContain("success");
        assertThat(result.getPromptId()).isEqualTo(TASK_ID);
    }

    @Test
    void anUnknownTaskIsLost() {
        outputsInSequence(envelope(807, "APIKEY_TASK_NOT_FOUND", "null"));
        ExecuteResult result = kit.execute(WORKFLOW_ID, Map.of("prompt", "x")).join();
        assertThat(result.getError().getKind()).isEqualTo(ErrorKind.LOST);
        assertThat(result.getError().getCode()).isEqualTo("807");
    }

    @Test
    void aTimeoutCancelsTheTaskOnRunningHubSoItStopsBilling() {
        outputsInSequence(envelope(804, "APIKEY_TASK_IS_RUNNING", "null"));
        try (ComfyKit impatient = client(b -> b.runninghubTimeout(Duration.ofSeconds(1)))) {
            ExecuteResult result = impatient.execute(WORKFLOW_ID, Map.of("prompt", "x")).join();

            assertThat(result.getError().getKind()).isEqualTo(ErrorKind.TIMEOUT);
            assertThat(result.getMsg()).contains(TASK_ID, "cancelled on RunningHub");
            assertThat(body(calls("/task/openapi/cancel").get(0)).get("taskId").asText()).isEqualTo(TASK_ID);
        }
    }

    @Test
    void aFullQueueIsWaitedOutWithBackOffAndNothingElseIsRetried() {
        runninghub.stubFor(post("/task/openapi/create").inScenario("busy").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(okJson(envelope(421, "TASK_QUEUE_MAXED", "null"))).willSetStateTo("busy-2"));
        runninghub.stubFor(post("/task/openapi/create").inScenario("busy").whenScenarioStateIs("busy-2")
                .willReturn(okJson(envelope(421, "TASK_QUEUE_MAXED", "null"))).willSetStateTo("free"));
        runninghub.stubFor(post("/task/openapi/create").inScenario("busy").whenScenarioStateIs("free")
                .willReturn(okJson(envelope(0, "success", "{\"taskId\": \"" + TASK_ID + "\"}"))));
        outputsInSequence(successOutputs());

        assertThat(kit.execute(WORKFLOW_ID, Map.of("prompt", "x")).join().isCompleted()).isTrue();
        assertThat(calls("/task/openapi/create")).hasSize(3);
    }

    @Test
    void authenticationAndValidationErrorsAreNeverRetried() {
        runninghub.stubFor(post("/task/openapi/create").willReturn(okJson(envelope(802, "APIKEY_UNAUTHORIZED",
                "null"))));
        ExecuteResult unauthorized = kit.execute(WORKFLOW_ID, Map.of("prompt", "x")).join();
        assertThat(unauthorized.getError().getKind()).isEqualTo(ErrorKind.AUTHENTICATION);
        assertThat(unauthorized.getError().isRetryable()).isFalse();
        assertThat(unauthorized.getMsg()).contains("802", "invalid, disabled or expired");
        assertThat(calls("/task/openapi/create")).hasSize(1);

        runninghub.resetRequests();
        runninghub.stubFor(post("/api/openapi/getJsonApiFormat").willReturn(okJson(envelope(380,
                "WORKFLOW_NOT_EXISTS", "null"))));
        ExecuteResult missing = kit.execute("1111111111111111111", Map.of()).join();
        assertThat(missing.getError().getKind()).isEqualTo(ErrorKind.VALIDATION);
        assertThat(missing.getError().getCode()).isEqualTo("380");
        assertThat(calls("/api/openapi/getJsonApiFormat")).hasSize(1);
    }

    @Test
    void aKeyOfTheOtherSiteIsReportedAsSuch() {
        runninghub.stubFor(post("/api/openapi/getJsonApiFormat").willReturn(okJson(envelope(806,
                "APIKEY_USER_NOT_FOUND", "null"))));
        ExecuteResult result = kit.execute(WORKFLOW_ID, Map.of("prompt", "x")).join();
        assertThat(result.getError().getKind()).isEqualTo(ErrorKind.AUTHENTICATION);
        assertThat(result.getMsg()).contains("does not know this API key", "https://www.runninghub.cn",
                "runninghubUrl");
    }

    @Test
    void aCreateWhoseAnswerIsLostIsNotSentAgain() {
        runninghub.stubFor(post("/task/openapi/create").willReturn(aResponse()
                .withFault(Fault.CONNECTION_RESET_BY_PEER)));

        ExecuteResult result = kit.execute(WORKFLOW_ID, Map.of("prompt", "x")).join();

        assertThat(result.getError().getKind()).isEqualTo(ErrorKind.OUTCOME_UNKNOWN);
        assertThat(result.getError().isRetryable()).isFalse();
        assertThat(result.getMsg()).contains("may have been created", "not sent again");
        assertThat(calls("/task/openapi/create")).hasSize(1);
    }

    @Test
    void transientFailuresWhilePollingAreRetried() {
        runninghub.stubFor(post("/task/openapi/outputs").inScenario("flaky").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(502)).willSetStateTo("garbage"));
        runninghub.stubFor(post("/task/openapi/outputs").inScenario("flaky").whenScenarioStateIs("garbage")
                .willReturn(aResponse().withBody("<html>gateway</html>")).willSetStateTo("ok"));
        runninghub.stubFor(post("/task/openapi/outputs").inScenario("flaky").whenScenarioStateIs("ok")
                .willReturn(okJson(successOutputs())));

        assertThat(kit.execute(WORKFLOW_ID, Map.of("prompt", "x")).join().isCompleted()).isTrue();
    }

    @Test
    void invalidPromptTipsAreAValidationFailure() {
        runninghub.stubFor(post("/task/openapi/create").willReturn(okJson(envelope(0, "success", """
                {"taskId": "%s", "promptTips": "{\\"result\\": false, \\"node_errors\\": {\\"6\\": {\\"errors\\": [{\\"type\\": \\"required_input_missing\\", \\"message\\": \\"Required input is missing\\", \\"details\\": \\"clip\\"}], \\"dependent_outputs\\": [\\"9\\"], \\"class_type\\": \\"CLIPTextEncode\\"}}}"}
                """.formatted(TASK_ID)))));
        ExecuteResult result = kit.execute(WORKFLOW_ID, Map.of("prompt", "x")).join();
        assertThat(result.getError().getKind()).isEqualTo(ErrorKind.VALIDATION);
        assertThat(result.getError().getNodeErrors()).containsKey("6");
    }

    @Test
    void mediaIsUploadedFirstAndItsFileNameIsTheFieldValue() {
        runninghub.stubFor(post("/task/openapi/upload").willReturn(okJson(envelope(0, "success",
                "{\"fileName\": \"api/9d77b853.png\", \"fileType\": \"input\"}"))));
        outputsInSequence(successOutputs());
        byte[] png = {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10};

        kit.execute(WORKFLOW_ID, Map.of("prompt", "x", "photo", png)).join().orThrow();

        LoggedRequest upload = calls("/task/openapi/upload").get(0);
        assertThat(upload.getPart("apiKey").getBody().asString()).isEqualTo(KEY);
        assertThat(upload.getPart("file").getBody().asBytes()).isEqualTo(png);
        assertThat(upload.getPart("fileType").getBody().asString()).isEqualTo("image");
        assertThat(body(calls("/task/openapi/create").get(0)).get("nodeInfoList")).anySatisfy(e -> {
            assertThat(e.get("nodeId").asText()).isEqualTo("10");
            assertThat(e.get("fieldValue").asText()).isEqualTo("api/9d77b853.png");
        });
    }

    @Test
    void filesOverTheUploadLimitAreRejectedBeforeUploading() {
        try (ComfyKit small = client(b -> b.maxUploadBytes(1024))) {
            assertThatThrownBy(() -> small.execute(WORKFLOW_ID, Map.of("prompt", "x", "photo", new byte[2048])).join())
                    .isInstanceOf(CompletionException.class).hasCauseInstanceOf(InvalidParameterException.class)
                    .hasMessageContaining("upload limit");
        }
        assertThat(calls("/task/openapi/upload")).isEmpty();
        assertThat(calls("/task/openapi/create")).isEmpty();
    }

    @Test
    void anAiAppRunsWithNodeAndFieldParams() {
        runninghub.stubFor(post("/task/openapi/ai-app/run").willReturn(okJson(envelope(0, "success",
                "{\"taskId\": \"" + TASK_ID + "\"}"))));
        outputsInSequence(successOutputs());

        ExecuteResult result = kit.execute("runninghub:app:1877265245566922800",
                Map.of("52.prompt", "a cat", "nodeInfoList", List.of(Map.of("nodeId", "7", "fieldName", "seed",
                        "fieldValue", 42)))).join();

        assertThat(result.isCompleted()).isTrue();
        assertThat(result.getImagesByVar()).as("apps declare no variables: node ids").containsOnlyKeys("9");
        JsonNode run = body(calls("/task/openapi/ai-app/run").get(0));
        assertThat(run.get("webappId").isIntegralNumber()).isTrue();
        assertThat(run.get("webappId").asText()).isEqualTo("1877265245566922800");
        assertThat(run.get("nodeInfoList")).hasSize(2);
        assertThat(calls("/api/openapi/getJsonApiFormat")).isEmpty();
    }

    @Test
    void theLocalConcurrencyLimitMakesABurstWaitInsteadOfFailing() {
        outputsInSequence(envelope(804, "APIKEY_TASK_IS_RUNNING", "null"));
        CompletableFuture<ExecuteResult> first = kit.execute(WORKFLOW_ID, Map.of("prompt", "1"));
        CompletableFuture<ExecuteResult> second = kit.execute(WORKFLOW_ID, Map.of("prompt", "2"));
        await().atMost(Duration.ofSeconds(5)).until(() -> calls("/task/openapi/outputs").size() >= 3);
        assertThat(calls("/task/openapi/create")).as("one task open at a time by default").hasSize(1);

        outputsInSequence(successOutputs());

        assertThat(first.join().isCompleted()).isTrue();
        assertThat(second.join().isCompleted()).isTrue();
        assertThat(calls("/task/openapi/create")).hasSize(2);
    }

    @Test
    void awaitAndCancelWorkOnTaskIds() {
        outputsInSequence(successOutputs());
        ExecuteResult awaited = kit.await(TASK_ID).join();
        assertThat(awaited.getPromptId()).isEqualTo(TASK_ID);
        assertThat(awaited.getImagesByVar()).containsOnlyKeys("9");

        assertThat(kit.cancel(TASK_ID).join()).isEqualTo(CancelOutcome.INTERRUPTED);
        runninghub.stubFor(post("/task/openapi/cancel").willReturn(okJson(envelope(817,
                "APIKEY_TASK_CANCEL_NOT_ALLOWED", "null"))));
        assertThat(kit.cancel(TASK_ID).join()).isEqualTo(CancelOutcome.NOT_FOUND);
    }

    @Test
    void theAccountStatusUsesTheLowerCaseKeyField() {
        runninghub.stubFor(post("/uc/openapi/accountStatus").willReturn(okJson(envelope(0, "success",
                "{\"remainCoins\": \"177814\", \"currentTaskCounts\": \"0\", \"apiType\": \"NORMAL\"}"))));
        assertThat(kit.runningHubAccountStatus().join()).containsEntry("apiType", "NORMAL");
        JsonNode body = body(calls("/uc/openapi/accountStatus").get(0));
        assertThat(body.get("apikey").asText()).isEqualTo(KEY);
        assertThat(body.has("apiKey")).isFalse();
    }

    @Test
    void withoutAKeyNothingIsSentAndTheMessageSaysWhichOptionToSet() {
        try (ComfyKit keyless = ComfyKit.builder().environment(name -> null).allowPrivateUrls(true).runninghubApiVersion("v1")
                .runninghubUrl(runninghub.baseUrl())
                .build()) {
            ExecuteResult result = keyless.execute(WORKFLOW_ID, Map.of("prompt", "x")).join();
            assertThat(result.getError().getKind()).isEqualTo(ErrorKind.AUTHENTICATION);
            assertThat(result.getMsg()).contains("runninghubApiKey", "RUNNINGHUB_API_KEY");
        }
        assertThat(runninghub.findAll(anyRequestedFor(anyUrl()))).isEmpty();
    }

    @Test
    void describeReadsTheTitleDslOfTheStoredWorkflow() {
        assertThat(kit.describe(WORKFLOW_ID).join().paramNames()).containsExactly("seed", "steps", "prompt", "photo");
    }
}
