package dev.comfykit.client;

import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.comfykit.client.testing.ComfyUiStubs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Every way an execution can fail ends with a failed result that says why, never with a hang.
 */
class FailureHandlingTest {

    @RegisterExtension
    static WireMockExtension server = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    private final ComfyUiStubs comfy = new ComfyUiStubs(server);
    private ComfyKit kit;

    private ComfyKit kit(ComfyKitBuilder builder) {
        kit = builder.build();
        return kit;
    }

    private ComfyKitBuilder builder() {
        return ComfyKit.builder().environment(name -> null).comfyuiUrl(server.baseUrl())
                .timeout(Duration.ofSeconds(10));
    }

    @AfterEach
    void close() {
        if (kit != null) {
            kit.close();
        }
    }

    private CompletableFuture<ExecuteResult> run(ComfyKit client) {
        return client.execute("classpath:workflows/simple.json", Map.of("prefix", "x"));
    }

    @Test
    void aRejectedWorkflowGivesTheNodeErrorsAndIsNotRetryable() {
        server.stubFor(post("/prompt").willReturn(aResponse().withStatus(400)
                .withHeader("Content-Type", "application/json; charset=utf-8").withBody("""
                        {"error": {"type": "prompt_outputs_failed_validation", "message": "Prompt outputs failed validation",
                                   "details": "", "extra_info": {}},
                         "node_errors": {"1": {"errors": [{"type": "required_input_missing", "message": "Required input is missing",
                                   "details": "height", "extra_info": {"input_name": "height"}}],
                                   "dependent_outputs": ["2"], "class_type": "EmptyImage"}}}
                        """)));

        ExecuteResult result = run(kit(builder())).join();

        assertThat(result.getStatus()).isEqualTo("failed");
        ExecutionError error = result.getError();
        assertThat(error.getKind()).isEqualTo(ErrorKind.VALIDATION);
        assertThat(error.isRetryable()).isFalse();
        assertThat(error.getHttpStatus()).isEqualTo(400);
        assertThat(error.getErrorType()).isEqualTo("prompt_outputs_failed_validation");
        assertThat(error.getNodeErrors()).containsOnlyKeys("1");
        NodeValidationError node = error.getNodeErrors().get("1");
        assertThat(node.getClassType()).isEqualTo("EmptyImage");
        assertThat(node.getDependentOutputs()).containsExactly("2");
        assertThat(node.getErrors().get(0).getType()).isEqualTo("required_input_missing");
        assertThat(node.getErrors().get(0).getExtraInfo()).containsEntry("input_name", "height");
        assertThat(result.getMsg()).contains("Prompt outputs failed validation", "node 1 (EmptyImage)",
                "Required input is missing (height)");
        assertThat(server.findAll(getRequestedFor(urlPathMatching("/history/.*")))).isEmpty();
    }

    @Test
    void anUnknownNodeClassIsAValidationErrorWithoutNodeErrors() {
        server.stubFor(post("/prompt").willReturn(aResponse().withStatus(400).withBody("""
                {"error": {"type": "invalid_prompt", "message": "Cannot execute because node NoSuchNode does not exist.",
                  "details": "Node ID '#1'", "extra_info": {}}, "node_errors": {}}
                """)));

        ExecuteResult result = run(kit(builder())).join();

        assertThat(result.getError().getKind()).isEqualTo(ErrorKind.VALIDATION);
        assertThat(result.getMsg()).contains("NoSuchNode does not exist", "Node ID '#1'");
    }

    @Test
    void aServerErrorIsRetryable() {
        server.stubFor(post("/prompt").willReturn(aResponse().withStatus(500)
                .withBody("500 Internal Server Error\n\nServer got itself in trouble")));

        ExecuteResult result = run(kit(builder())).join();

        assertThat(result.getError().getKind()).isEqualTo(ErrorKind.SERVER);
        assertThat(result.getError().getHttpStatus()).isEqualTo(500);
        assertThat(result.getError().isRetryable()).isTrue();
        assertThat(result.getMsg()).contains("HTTP 500", "Server got itself in trouble");
    }

    @Test
    void anUnreachableServerIsAConnectionFailureThatSaysWhatToCheck() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }

        ExecuteResult result = run(kit(builder().comfyuiUrl("http://127.0.0.1:" + closedPort))).join();

        assertThat(result.getError().getKind()).isEqualTo(ErrorKind.CONNECTION);
        assertThat(result.getError().isRetryable()).isTrue();
        assertThat(result.getPromptId()).isNull();
        assertThat(result.getMsg()).contains("127.0.0.1:" + closedPort, "connection refused", "COMFYUI_BASE_URL");
    }

    @Test
    void aNodeErrorAtRunTimeIsAnExecutionFailure() {
        comfy.acceptPrompts().emptyQueue().history("""
                {"outputs": {}, "status": {"status_str": "error", "completed": false, "messages": [
                  ["execution_error", {"node_id": "1", "node_type": "EmptyImage", "exception_type": "torch.OutOfMemoryError",
                   "exception_message": "CUDA out of memory", "traceback": []}]]}}
                """);

        ExecuteResult result = run(kit(builder())).join();

        assertThat(result.getError().getKind()).isEqualTo(ErrorKind.EXECUTION);
        assertThat(result.getError().getExceptionType()).isEqualTo("torch.OutOfMemoryError");
        assertThat(result.getPromptId()).isNotNull();
    }

    @Test
    void aTimeoutInterruptsTheRunningPromptOnTheServer() throws Exception {
        comfy.acceptPrompts().noHistory().acceptActions();
        CompletableFuture<ExecuteResult> execution = run(kit(builder().timeout(Duration.ofSeconds(1))
                .lostPromptGrace(Duration.ofSeconds(30))));
        String promptId = comfy.awaitSubmittedPromptId(Duration.ofSeconds(5));
        comfy.queue(List.of(promptId), List.of());

        ExecuteResult result = execution.join();

        assertThat(result.getError().getKind()).isEqualTo(ErrorKind.TIMEOUT);
        assertThat(result.getMsg()).contains("Timed out after 1s", promptId, "interrupted on the server");
        assertThat(ComfyUiStubs.json(comfy.requests("/interrupt").get(0)).get("prompt_id").asText())
                .isEqualTo(promptId);
    }

    @Test
    void aServerThatDoesNotAnswerTheCancellationDoesNotHoldUpTheTimeout() throws Exception {
        comfy.acceptPrompts().noHistory();
        server.stubFor(post("/interrupt").willReturn(aResponse().withStatus(200).withFixedDelay(30_000)));
        server.stubFor(post("/queue").willReturn(aResponse().withStatus(200).withFixedDelay(30_000)));
        CompletableFuture<ExecuteResult> execution = run(kit(builder().timeout(Duration.ofSeconds(1))
                .lostPromptGrace(Duration.ofSeconds(30))));
        String promptId = comfy.awaitSubmittedPromptId(Duration.ofSeconds(5));
        comfy.queue(List.of(promptId), List.of());

        // the cancellation takes 30 s to answer; the result comes when the timeout's short wait for it is over
        ExecuteResult result = execution.get(20, TimeUnit.SECONDS);

        assertThat(result.getError().getKind()).isEqualTo(ErrorKind.TIMEOUT);
        assertThat(result.getMsg()).contains("Timed out after 1s", promptId, "has not answered yet");
    }

    @Test
    void aTimeoutRemovesAPendingPromptFromTheQueue() throws Exception {
        comfy.acceptPrompts().noHistory().acceptActions();
        CompletableFuture<ExecuteResult> execution = run(kit(builder().timeout(Duration.ofSeconds(1))
                .lostPromptGrace(Duration.ofSeconds(30))));
        String promptId = comfy.awaitSubmittedPromptId(Duration.ofSeconds(5));
        comfy.queue(List.of("someone-else"), List.of(promptId));

        ExecuteResult result = execution.join();

        assertThat(result.getError().getKind()).isEqualTo(ErrorKind.TIMEOUT);
        assertThat(result.getMsg()).contains("removed from the server's queue");
        assertThat(ComfyUiStubs.json(server.findAll(postRequestedFor(urlEqualTo("/queue"))).get(0))
                .get("delete").get(0).asText()).isEqualTo(promptId);
        assertThat(comfy.requests("/interrupt")).as("never interrupt someone else's prompt").isEmpty();
    }

    @Test
    void aTimeoutWhileTheServerFailsEveryReadSaysSinceWhenAndWhy() {
        comfy.acceptPrompts().acceptActions();
        server.stubFor(get(urlPathMatching("/history/.+")).willReturn(aResponse().withStatus(502)));
        server.stubFor(get("/queue").willReturn(aResponse().withStatus(502)));

        ExecuteResult result = run(kit(builder().timeout(Duration.ofSeconds(1)))).join();

        assertThat(result.getError().getKind()).isEqualTo(ErrorKind.TIMEOUT);
        assertThat(result.getMsg()).contains("The server has been failing for", "502");
    }

    @Test
    void aPromptTheServerForgotIsReportedLostInsteadOfAwaitedForever() {
        comfy.acceptPrompts().emptyQueue().noHistory();

        ExecuteResult result = run(kit(builder().lostPromptGrace(Duration.ofMillis(300)))).join();

        assertThat(result.getError().getKind()).isEqualTo(ErrorKind.LOST);
        assertThat(result.getError().isRetryable()).isTrue();
        assertThat(result.getMsg()).contains("no longer knows prompt", "restarted");
    }

    @Test
    void aLostSubmitAnswerIsNeverResentAndThePromptIsStillFound() {
        server.stubFor(post("/prompt").willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
        comfy.emptyQueue().history(ComfyUiStubs.IMAGE_ENTRY);

        ExecuteResult result = run(kit(builder())).join();

        assertThat(result.getStatus()).isEqualTo("completed");
        assertThat(comfy.submittedPrompts()).hasSize(1);
        assertThat(result.getPromptId()).isEqualTo(comfy.submittedPrompts().get(0).get("prompt_id").asText());
    }

    @Test
    void aPartiallyAcceptedPromptRunsItsValidBranch() {
        server.stubFor(post("/prompt").willReturn(okJson("""
                {"prompt_id": "{{jsonPath request.body '$.prompt_id'}}", "number": 19, "node_errors": {"3": {"errors": [
                 {"type": "custom_validation_failed", "message": "Custom validation failed for node",
                  "details": "image - Invalid image file: does_not_exist.png", "extra_info": {"input_name": "image"}}],
                 "dependent_outputs": ["4"], "class_type": "LoadImage"}}}
                """).withTransformers("response-template")));
        comfy.emptyQueue().history(ComfyUiStubs.IMAGE_ENTRY);

        assertThat(run(kit(builder())).join().getStatus()).isEqualTo("completed");
    }

    @Test
    void cancellingTheFutureCancelsThePromptOnTheServer() throws Exception {
        comfy.acceptPrompts().noHistory().acceptActions();
        CompletableFuture<ExecuteResult> execution = run(kit(builder().lostPromptGrace(Duration.ofSeconds(30))));
        String promptId = comfy.awaitSubmittedPromptId(Duration.ofSeconds(5));
        comfy.queue(List.of(promptId), List.of());

        execution.cancel(true);

        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(comfy.requests("/interrupt")).hasSize(1));
    }

    @Test
    void closingTheClientEndsWaitingExecutionsWithoutCancellingThePrompts() throws Exception {
        comfy.acceptPrompts().noHistory().acceptActions();
        // with cancelOnClose=false; the default cancels them (CloseCancelsPromptsTest). The name keeps the class's
        // test order: the first test of the class pays the JVM's warm-up, too slow for a 1 s limit on a loaded machine
        CompletableFuture<ExecuteResult> execution = run(kit(builder().lostPromptGrace(Duration.ofSeconds(30))
                .cancelOnClose(false)));
        String promptId = comfy.awaitSubmittedPromptId(Duration.ofSeconds(5));
        comfy.queue(List.of(promptId), List.of());
        await().until(() -> kit.toString() != null && comfy.requests("/queue").size() > 1);

        kit.close();

        ExecuteResult result = execution.join();
        assertThat(result.getError().getKind()).isEqualTo(ErrorKind.CANCELLED);
        assertThat(result.getMsg()).contains("closed", "ComfyKit.await");
        assertThat(comfy.requests("/interrupt")).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(ints = {401, 403})
    void refusedCredentialsAreAnAuthenticationFailureThatIsNotRetried(int status) {
        server.stubFor(post("/prompt").willReturn(aResponse().withStatus(status).withBody("Unauthorized")));

        ExecuteResult result = run(kit(builder().apiKey("wrong-key"))).join();

        assertThat(result.getError().getKind()).isEqualTo(ErrorKind.AUTHENTICATION);
        assertThat(result.getError().isRetryable()).isFalse();
        assertThat(result.getError().getHttpStatus()).isEqualTo(status);
        assertThat(result.getMsg()).contains("refused the credentials", "apiKey").doesNotContain("wrong-key");
    }

    @Test
    void aNotFoundApiIsAConfigurationFailureThatNamesTheBaseUrl() {
        server.stubFor(post("/prompt").willReturn(aResponse().withStatus(404).withBody("404: Not Found")));

        ExecuteResult result = run(kit(builder())).join();

        assertThat(result.getError().getKind()).isEqualTo(ErrorKind.CONFIGURATION);
        assertThat(result.getError().isRetryable()).isFalse();
        assertThat(result.getMsg()).contains("ComfyUI at " + server.baseUrl() + " answered 404", "/prompt",
                "is baseUrl right?");
    }

    @Test
    void aFailingCookiesUrlNamesTheCookiesUrlAndOptionNotComfyUi() {
        String cookiesUrl = server.baseUrl() + "/no-such-cookies.txt?token=s3cr3t";
        server.stubFor(get(urlPathMatching("/no-such-cookies.txt")).willReturn(aResponse().withStatus(404)));

        ExecuteResult result = run(kit(builder().allowPrivateUrls(true).cookies(cookiesUrl))).join();

        assertThat(result.getError().getKind()).isEqualTo(ErrorKind.CONFIGURATION);
        assertThat(result.getMsg()).contains("Cannot read the cookies from " + server.baseUrl()
                + "/no-such-cookies.txt?token=****", "the cookies option", "HTTP 404")
                .doesNotContain("s3cr3t").doesNotContain("Cannot reach ComfyUI");
        server.verify(0, postRequestedFor(urlEqualTo("/prompt")));
    }

    @Test
    void aCookiesUrlOnAPrivateHostIsRefusedByDefault() {
        ExecuteResult result = run(kit(builder().cookies(server.baseUrl() + "/cookies.txt"))).join();

        assertThat(result.getError().getKind()).isEqualTo(ErrorKind.CONFIGURATION);
        assertThat(result.getMsg()).contains("the cookies option", "a loopback address", "allowPrivateUrls=true");
        server.verify(0, postRequestedFor(urlEqualTo("/prompt")));
    }
}
