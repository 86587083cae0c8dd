package dev.comfykit.client.internal.runninghub;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import dev.comfykit.client.ComfyKit;
import dev.comfykit.client.ErrorKind;
import dev.comfykit.client.ExecuteResult;
import dev.comfykit.client.internal.json.Json;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * RunningHub's retry policy (runninghub-api.md §7): what can succeed later is retried, what cannot is not, a task is
 * never created twice, and a task nobody waits for any more is cancelled so that it stops billing.
 */
class RunningHubRetryPolicyTest {

    private static final String KEY = "rh-test-key-0123456789abcdef0123";
    private static final String WORKFLOW_ID = "1904136902449209346";
    private static final String TASK_ID = "1904737800233889793";
    private static final String WORKFLOW = """
            {"6": {"class_type": "CLIPTextEncode", "_meta": {"title": "$prompt.text!"}, "inputs": {"text": "old"}},
             "9": {"class_type": "SaveImage", "_meta": {"title": "$output.image"}, "inputs": {"filename_prefix": "x"}},
             "10": {"class_type": "LoadImage", "_meta": {"title": "$photo.~image"}, "inputs": {"image": "example.png"}}}
            """;
    private static final String CREATED = envelope("0", "success", "{\"taskId\": \"" + TASK_ID + "\"}");
    private static final String DONE = envelope("0", "success", "[]");
    private static final String RUNNING = envelope("804", "APIKEY_TASK_IS_RUNNING", "null");

    @RegisterExtension
    static WireMockExtension runninghub = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    private ComfyKit kit;

    @BeforeEach
    void setUp() {
        kit = ComfyKit.builder().environment(name -> null).allowPrivateUrls(true).runninghubApiVersion("v1")
                .runninghubUrl(runninghub.baseUrl()).runninghubApiKey(KEY)
                .runninghubPollInterval(Duration.ofMillis(30)).runninghubTimeout(Duration.ofSeconds(20)).build();
        runninghub.stubFor(post("/api/openapi/getJsonApiFormat").willReturn(okJson(envelope("0", "SUCCESS",
                Json.write(Map.of("prompt", WORKFLOW))))));
        runninghub.stubFor(post("/task/openapi/create").willReturn(okJson(CREATED)));
        runninghub.stubFor(post("/task/openapi/outputs").willReturn(okJson(DONE)));
        runninghub.stubFor(post("/task/openapi/status").willReturn(okJson(envelope("0", "success", "\"RUNNING\""))));
        runninghub.stubFor(post("/task/openapi/cancel").willReturn(okJson(envelope("0", "success", "null"))));
    }

    @AfterEach
    void close() {
        kit.close();
    }

    private static String envelope(String code, String msg, String data) {
        return "{\"code\": " + code + ", \"msg\": \"" + msg + "\", \"data\": " + data + "}";
    }

    /** The path answers these bodies in turn, the last one from then on. */
    private static void answers(String path, String... bodies) {
        String state = Scenario.STARTED;
        for (int i = 0; i < bodies.length; i++) {
            String next = i == bodies.length - 1 ? state : "answer-" + (i + 1);
            runninghub.stubFor(post(path).inScenario(path).whenScenarioStateIs(state)
                    .willReturn(okJson(bodies[i])).willSetStateTo(next));
            state = next;
        }
    }

    private static int calls(String path) {
        return runninghub.findAll(postRequestedFor(urlEqualTo(path))).size();
    }

    private ExecuteResult run() {
        return kit.execute(WORKFLOW_ID, Map.of("prompt", "x")).join();
    }

    @ParameterizedTest(name = "code {0}")
    @ValueSource(strings = {"415", "421", "1003", "1011", "1520", "814"})
    void aBusyAnswerToCreateIsWaitedOut(String code) {
        answers("/task/openapi/create", envelope(code, "busy", "null"), CREATED);

        assertThat(run().isCompleted()).isTrue();
        assertThat(calls("/task/openapi/create")).isEqualTo(2);
    }

    @ParameterizedTest(name = "code {0}")
    @ValueSource(strings = {"1501", "1505"})
    void aContentErrorIsNeverRetried(String code) {
        runninghub.stubFor(post("/task/openapi/create").willReturn(okJson(envelope(code, "content refused", "null"))));

        ExecuteResult result = run();

        assertThat(result.getError().getCode()).isEqualTo(code);
        assertThat(result.getError().isRetryable()).isFalse();
        assertThat(calls("/task/openapi/create")).isEqualTo(1);
    }

    @Test
    void aCreateThatNeverArrivedIsSentAgain() {
        // 503: the gateway refused the request before RunningHub saw it
        runninghub.stubFor(post("/task/openapi/create").inScenario("gateway").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(503)).willSetStateTo("up"));
        runninghub.stubFor(post("/task/openapi/create").inScenario("gateway").whenScenarioStateIs("up")
                .willReturn(okJson(CREATED)));

        assertThat(run().isCompleted()).isTrue();
        assertThat(calls("/task/openapi/create")).isEqualTo(2);
    }

    @Test
    void anInternalErrorOfCreateIsRetriedOnce() {
        runninghub.stubFor(post("/task/openapi/create").willReturn(okJson(envelope("500", "UNKNOWN_ERROR", "null"))));

        ExecuteResult result = run();

        assertThat(result.getError().getCode()).isEqualTo("500");
        assertThat(calls("/task/openapi/create")).isEqualTo(2);
    }

    @Test
    void anInternalErrorWhilePollingIsRetried() {
        String internal = envelope("500", "UNKNOWN_ERROR", "null");
        answers("/task/openapi/outputs", internal, internal, DONE);

        assertThat(run().isCompleted()).isTrue();
    }

    @Test
    void anInternalErrorWhilePollingIsRetriedAtMostTwice() {
        runninghub.stubFor(post("/task/openapi/outputs").willReturn(okJson(envelope("500", "UNKNOWN_ERROR", "null"))));

        ExecuteResult result = run();

        assertThat(result.getError().getCode()).isEqualTo("500");
        assertThat(calls("/task/openapi/outputs")).as("the first try and two retries").isEqualTo(3);
    }

    @Test
    void aFailedUploadIsRetried() {
        answers("/task/openapi/upload", envelope("808", "APIKEY_UPLOAD_FAILED", "null"),
                envelope("0", "success", "{\"fileName\": \"api/1.png\", \"fileType\": \"input\"}"));

        ExecuteResult result = kit.execute(WORKFLOW_ID, Map.of("prompt", "x", "photo", new byte[]{1, 2, 3})).join();

        assertThat(result.isCompleted()).isTrue();
        assertThat(calls("/task/openapi/upload")).isEqualTo(2);
    }

    @Test
    void aTimeoutCancelsTheTaskEvenWhenItsStatusCannotBeRead() {
        runninghub.stubFor(post("/task/openapi/outputs").willReturn(okJson(RUNNING)));
        runninghub.stubFor(post("/task/openapi/status").willReturn(aResponse().withStatus(502)));
        try (ComfyKit impatient = ComfyKit.builder().environment(name -> null).allowPrivateUrls(true).runninghubApiVersion("v1")
                .runninghubUrl(runninghub.baseUrl())
                .runninghubApiKey(KEY).runninghubPollInterval(Duration.ofMillis(30))
                .runninghubRetryCount(1).runninghubTimeout(Duration.ofSeconds(1)).build()) {
            ExecuteResult result = impatient.execute(WORKFLOW_ID, Map.of("prompt", "x")).join();

            assertThat(result.getError().getKind()).isEqualTo(ErrorKind.TIMEOUT);
            assertThat(result.getMsg()).contains(TASK_ID, "cancelled on RunningHub");
            assertThat(calls("/task/openapi/cancel")).isEqualTo(1);
        }
    }

    @Test
    void cancellingTheExecutionCancelsTheTaskOnRunningHub() throws Exception {
        runninghub.stubFor(post("/task/openapi/outputs").willReturn(okJson(RUNNING)));
        CompletableFuture<ExecuteResult> execution = kit.execute(WORKFLOW_ID, Map.of("prompt", "x"));
        await().atMost(Duration.ofSeconds(10)).until(() -> calls("/task/openapi/outputs") > 0);

        execution.cancel(true);

        await().atMost(Duration.ofSeconds(10)).until(() -> calls("/task/openapi/cancel") == 1);
        assertThat(Json.mapper().readTree(runninghub.findAll(postRequestedFor(urlEqualTo("/task/openapi/cancel")))
                .get(0).getBodyAsString()).get("taskId").asText()).isEqualTo(TASK_ID);
    }
}
