package dev.comfykit.client.internal.runninghub;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.comfykit.client.ComfyKit;
import dev.comfykit.client.ErrorKind;
import dev.comfykit.client.ExecuteResult;
import dev.comfykit.client.internal.json.Json;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The RunningHub v2 contract (the default API), request by request: Bearer only, the bare task object, every status
 * of {@code query}, {@code results[]} with {@code url}/{@code outputUrl} and inline {@code text}, and what the
 * {@code errorCode}s mean (runninghub-api.md §3.2, §6, §7.2).
 */
class RunningHubV2ContractTest {

    private static final String KEY = "rh-test-key-0123456789abcdef0123";
    private static final String APP_ID = "1877265245566922800";
    private static final String TASK_ID = "2013508786110730241";
    private static final String RUN = "/openapi/v2/run/ai-app/" + APP_ID;

    @RegisterExtension
    static WireMockExtension runninghub = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort())
            .build();

    @RegisterExtension
    static WireMockExtension cdn = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    private ComfyKit kit;

    @BeforeEach
    void setUp() {
        kit = ComfyKit.builder().environment(name -> null).allowPrivateUrls(true)
                .runninghubUrl(runninghub.baseUrl()).runninghubApiKey(KEY)
                .runninghubPollInterval(Duration.ofMillis(30)).runninghubTimeout(Duration.ofSeconds(20)).build();
        runninghub.stubFor(post(RUN).willReturn(okJson(task("QUEUED", "", "", "null"))));
        cdn.stubFor(get("/out/a.png").willReturn(aResponse().withBody(new byte[]{1, 2, 3})));
    }

    @AfterEach
    void close() {
        kit.close();
    }

    private static String task(String status, String errorCode, String errorMessage, String results) {
        return """
                {"taskId": "%s", "status": "%s", "errorCode": "%s", "errorMessage": "%s", "failedReason": {},
                 "usage": {"consumeMoney": null, "consumeCoins": "12", "taskCostTime": "60", "thirdPartyConsumeMoney": null},
                 "results": %s, "clientId": "", "promptTips": ""}
                """.formatted(TASK_ID, status, errorCode, errorMessage, results);
    }

    private static void queryAnswers(String... bodies) {
        String state = Scenario.STARTED;
        for (int i = 0; i < bodies.length; i++) {
            String next = i == bodies.length - 1 ? state : "poll-" + (i + 1);
            runninghub.stubFor(post("/openapi/v2/query").inScenario("query").whenScenarioStateIs(state)
                    .willReturn(okJson(bodies[i])).willSetStateTo(next));
            state = next;
        }
    }

    private static JsonNode parse(String json) {
        try {
            return Json.mapper().readTree(json);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private ExecuteResult runApp() {
        return kit.execute("runninghub:app:" + APP_ID, Map.of("6.text", "a lighthouse")).join();
    }

    @Test
    void aRunSendsTheKeyAsBearerOnlyAndPollsQueryThroughEveryStatus() {
        String results = """
                [{"url": "%s/out/a.png", "nodeId": "9", "outputType": "png", "text": null},
                 {"outputUrl": "", "nodeId": "11", "outputType": "txt", "text": "a caption"}]
                """.formatted(cdn.baseUrl());
        queryAnswers(task("CREATE", "", "", "null"), task("QUEUED", "", "", "null"),
                task("RUNNING", "", "", "null"), task("SUCCESS", "", "", results));

        ExecuteResult result = runApp().orThrow();

        assertThat(result.getPromptId()).isEqualTo(TASK_ID);
        assertThat(result.getFiles()).singleElement().satisfies(f -> assertThat(f.readAllBytes())
                .containsExactly(1, 2, 3));
        assertThat(result.getTexts()).containsExactly("a caption");
        LoggedRequest run = runninghub.findAll(postRequestedFor(urlEqualTo(RUN))).get(0);
        assertThat(run.getHeader("Authorization")).isEqualTo("Bearer " + KEY);
        JsonNode body = parse(run.getBodyAsString());
        assertThat(body.has("apiKey")).as("v2 carries the key only as Bearer").isFalse();
        assertThat(body.get("nodeInfoList")).isEqualTo(parse(
                "[{\"nodeId\": \"6\", \"fieldName\": \"text\", \"fieldValue\": \"a lighthouse\"}]"));
        assertThat(body.has("webhookUrl")).as("no webhook configured").isFalse();
        assertThat(runninghub.findAll(postRequestedFor(urlEqualTo("/openapi/v2/query")))).hasSize(4)
                .allSatisfy(q -> assertThat(q.getBodyAsString()).contains(TASK_ID));
        assertThat(cdn.findAll(com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor(
                com.github.tomakehurst.wiremock.client.WireMock.anyUrl())))
                .allSatisfy(r -> assertThat(r.getHeader("Authorization")).isNull());
    }

    @Test
    void aFailedTaskWithAGenerationErrorCanBeRetried() {
        queryAnswers(task("FAILED", "1015", "Generation failed", "null"));

        ExecuteResult result = runApp();

        assertThat(result.getError().getKind()).isEqualTo(ErrorKind.SERVER);
        assertThat(result.getError().isRetryable()).isTrue();
        assertThat(result.getError().getCode()).isEqualTo("1015");
        assertThat(result.getMsg()).contains(TASK_ID, "Generation failed");
    }

    @Test
    void aModeratedTaskIsAnExecutionFailureNotRetried() {
        queryAnswers(task("FAILED", "1501", "Content moderation failed", "null"));

        ExecuteResult result = runApp();

        assertThat(result.getError().getKind()).isEqualTo(ErrorKind.EXECUTION);
        assertThat(result.getError().isRetryable()).isFalse();
        assertThat(result.getMsg()).contains("moderation");
    }

    @Test
    void aTaskThatTimedOutOnRunningHubIsATimeout() {
        queryAnswers(task("FAILED", "1006", "Task execution timed out", "null"));

        assertThat(runApp().getError().getKind()).isEqualTo(ErrorKind.TIMEOUT);
    }

    @Test
    void aCancelledTaskIsCancelled() {
        queryAnswers(task("CANCELLED", "", "", "null"));

        ExecuteResult result = runApp();

        assertThat(result.getError().getKind()).isEqualTo(ErrorKind.CANCELLED);
        assertThat(result.getMsg()).contains(TASK_ID, "cancelled");
    }

    @Test
    void aKeyRefusedWith401IsAnAuthenticationFailureNotRetried() {
        runninghub.stubFor(post(RUN).willReturn(aResponse().withStatus(401).withHeader("Content-Type",
                "application/json").withBody(task("FAILED", "1002", "Invalid API key", "null")
                .replace(TASK_ID, ""))));

        ExecuteResult result = runApp();

        assertThat(result.getError().getKind()).isEqualTo(ErrorKind.AUTHENTICATION);
        assertThat(result.getError().getCode()).isEqualTo("1002");
        assertThat(result.getMsg()).contains("the API key is invalid");
        assertThat(runninghub.findAll(postRequestedFor(urlEqualTo(RUN)))).hasSize(1);
    }

    @Test
    void theConcurrencyLimitIsWaitedOut() {
        runninghub.stubFor(post(RUN).inScenario("busy").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(okJson(task("FAILED", "1520", "concurrency limit", "null").replace(TASK_ID, "")))
                .willSetStateTo("free"));
        runninghub.stubFor(post(RUN).inScenario("busy").whenScenarioStateIs("free")
                .willReturn(okJson(task("QUEUED", "", "", "null"))));
        queryAnswers(task("SUCCESS", "", "", "[]"));

        assertThat(runApp().isCompleted()).isTrue();
        assertThat(runninghub.findAll(postRequestedFor(urlEqualTo(RUN)))).hasSize(2);
    }

    @Test
    void anExpiredTaskIsLost() {
        queryAnswers(task("", "1004", "Task not found or expired", "null"));

        ExecuteResult result = runApp();

        assertThat(result.getError().getKind()).isEqualTo(ErrorKind.LOST);
        assertThat(result.getError().getCode()).isEqualTo("1004");
        assertThat(result.getMsg()).contains(TASK_ID);
    }
}
