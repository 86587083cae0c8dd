package dev.comfykit.client.e2e;

import com.sun.net.httpserver.HttpServer;
import dev.comfykit.client.ComfyKit;
import dev.comfykit.client.ComfyKitBuilder;
import dev.comfykit.client.ExecuteResult;
import dev.comfykit.client.SubmittedPrompt;
import dev.comfykit.client.webhook.WebhookReceiver;
import dev.comfykit.client.webhook.WebhookVerdict;
import dev.comfykit.emulator.ComfyUiEmulatorExtension;
import dev.comfykit.emulator.RunningHubEmulation;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * RunningHub webhooks end to end: the emulator calls a loopback HTTP endpoint that hands each call to
 * {@link ComfyKit#webhooks()}. Polling is slowed to a grace period of ten minutes, so an execution that completes
 * within the test's seconds was completed by its webhook; the webhook itself only makes the client ask RunningHub.
 */
class RunningHubWebhookTest {

    private static final String SECRET = "s3cret-token-0123456789";
    private static final Duration NEVER_IN_THIS_TEST = Duration.ofMinutes(10);

    @RegisterExtension
    static ComfyUiEmulatorExtension comfy = ComfyUiEmulatorExtension.create(b -> b.stepTime(Duration.ZERO));

    private HttpServer server;
    private volatile ComfyKit receiving;
    private final List<WebhookVerdict> verdicts = new CopyOnWriteArrayList<>();

    @BeforeEach
    void startEndpoint() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/hook", exchange -> {
            String token = token(exchange.getRequestURI().getRawQuery());
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readNBytes(WebhookReceiver.MAX_BODY_BYTES + 1);
            }
            WebhookVerdict verdict = receiving.webhooks().accept(token, body);
            verdicts.add(verdict);
            exchange.sendResponseHeaders(verdict.httpStatus(), -1);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stopEndpoint() {
        server.stop(0);
    }

    private String hookUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
    }

    private ComfyKit kit(UnaryOperator<ComfyKitBuilder> options) {
        ComfyKit kit = options.apply(ComfyKit.builder().environment(name -> null).allowPrivateUrls(true)
                .runninghubUrl(comfy.emulator().runningHubUrl())
                .runninghubApiKey(RunningHubEmulation.DEFAULT_API_KEY)
                .runninghubPollInterval(Duration.ofMillis(20))
                .runninghubTimeout(Duration.ofSeconds(30))
                .webhookUrl(hookUrl()).webhookSecret(SECRET)
                .webhookGracePeriod(NEVER_IN_THIS_TEST)).build();
        receiving = kit;
        return kit;
    }

    private static RunningHubEmulation runningHub() {
        return comfy.emulator().runningHub();
    }

    /** The tasks submitted so far have ended (as when RunningHub sends their webhooks). */
    private static void awaitTheEmulatorIdle() {
        await().atMost(Duration.ofSeconds(10)).until(() -> comfy.emulator().queueRemaining() == 0);
    }

    /** The status reads that can end a task: v2's query (the default API) or v1's outputs. */
    private static long outputsCalls() {
        return runningHub().requestsReceived("/openapi/v2/query") + runningHub().requestsReceived("/task/openapi/outputs");
    }

    @Test
    void aRunCompletesByItsWebhookLongBeforeTheSlowedPollWould() throws Exception {
        long before = outputsCalls();
        try (ComfyKit kit = kit(b -> b)) {
            ExecuteResult result = kit.execute(RunningHubEmulation.T2I_WORKFLOW_ID, Map.of("prompt", "a fox"))
                    .get(20, TimeUnit.SECONDS).orThrow();

            assertThat(result.getImagesByVar()).containsOnlyKeys("image");
            assertThat(verdicts).containsExactly(WebhookVerdict.ACCEPTED);
            // the webhook made the client ask once; the result came from that answer, not from the callback
            assertThat(outputsCalls() - before).isEqualTo(1);
        }
    }

    @Test
    void aSlowWebhookStillEndsTheWaitBeforeThePoll() throws Exception {
        runningHub().webhookDelay(Duration.ofMillis(500));
        try (ComfyKit kit = kit(b -> b)) {
            ExecuteResult result = kit.execute(RunningHubEmulation.TEXT_WORKFLOW_ID, Map.of("text", "Hi"))
                    .get(20, TimeUnit.SECONDS).orThrow();

            assertThat(result.getTextsByVar()).containsEntry("text", List.of("Hi, from ComfyKit"));
            assertThat(verdicts).containsExactly(WebhookVerdict.ACCEPTED);
        }
    }

    @Test
    void withoutAWebhookPollingAtTheGracePeriodCompletesTheRun() throws Exception {
        runningHub().dropWebhooks();
        long sent = runningHub().webhooksSent();
        try (ComfyKit kit = kit(b -> b.webhookGracePeriod(Duration.ofMillis(300)))) {
            ExecuteResult result = kit.execute(RunningHubEmulation.T2I_WORKFLOW_ID, Map.of("prompt", "a fox"))
                    .get(20, TimeUnit.SECONDS).orThrow();

            assertThat(result.isCompleted()).isTrue();
            assertThat(runningHub().webhooksSent()).isEqualTo(sent);
            assertThat(verdicts).isEmpty();
        }
    }

    @Test
    void duplicatedDeliveriesAreIgnoredAndTheRunCompletesOnce() throws Exception {
        runningHub().duplicateWebhooks(2);
        long before = outputsCalls();
        try (ComfyKit kit = kit(b -> b)) {
            ExecuteResult result = kit.execute(RunningHubEmulation.T2I_WORKFLOW_ID, Map.of("prompt", "a fox"))
                    .get(20, TimeUnit.SECONDS).orThrow();

            assertThat(result.isCompleted()).isTrue();
            await().atMost(Duration.ofSeconds(10)).until(() -> verdicts.size() == 3);
            assertThat(verdicts).containsOnlyOnce(WebhookVerdict.ACCEPTED)
                    .filteredOn(v -> v != WebhookVerdict.ACCEPTED).containsOnly(WebhookVerdict.DUPLICATE);
            assertThat(outputsCalls() - before).isEqualTo(1);
        }
    }

    @Test
    void aLateOutOfOrderDuplicateAfterTheEndIsIgnored() throws Exception {
        runningHub().lateDuplicateWebhooks(Duration.ofMillis(300));
        long before = outputsCalls();
        try (ComfyKit kit = kit(b -> b)) {
            kit.execute(RunningHubEmulation.T2I_WORKFLOW_ID, Map.of("prompt", "a fox")).get(20, TimeUnit.SECONDS)
                    .orThrow();

            await().atMost(Duration.ofSeconds(10)).until(() -> verdicts.size() == 2);
            assertThat(verdicts).containsExactly(WebhookVerdict.ACCEPTED, WebhookVerdict.DUPLICATE);
            // the emulator notes an answer after the receiver judged the call
            await().atMost(Duration.ofSeconds(5))
                    .untilAsserted(() -> assertThat(runningHub().webhookAnswers()).endsWith(200));
            assertThat(outputsCalls() - before).isEqualTo(1);
        }
    }

    @Test
    void aForgedCallIsRefusedAndOnlyTheGenuineOneConfirmsASubmittedTask() throws Exception {
        runningHub().dropWebhooks();
        try (ComfyKit kit = kit(b -> b)) {
            List<ExecuteResult> ended = new CopyOnWriteArrayList<>();
            kit.webhooks().onTaskEnd(ended::add);
            SubmittedPrompt submitted = kit.submit(RunningHubEmulation.T2I_WORKFLOW_ID, Map.of("prompt", "a fox"))
                    .get(20, TimeUnit.SECONDS);
            String body = "{\"event\":\"TASK_END\",\"taskId\":\"" + submitted.getPromptId()
                    + "\",\"eventData\":\"{\\\"code\\\":0,\\\"data\\\":[{\\\"fileUrl\\\":\\\"https://evil.example/x.png\\\"}]}\"}";
            // RunningHub calls once the task ended
            awaitTheEmulatorIdle();
            long before = outputsCalls();

            assertThat(post(hookUrl() + "?token=guessed-token-0123456789", body)).isEqualTo(403);
            assertThat(post(hookUrl(), body)).isEqualTo(403);
            assertThat(post(hookUrl() + "?token=" + SECRET, body)).isEqualTo(202);

            await().atMost(Duration.ofSeconds(10)).until(() -> !ended.isEmpty());
            ExecuteResult result = ended.get(0);
            assertThat(result.getPromptId()).isEqualTo(submitted.getPromptId());
            assertThat(result.isCompleted()).isTrue();
            // the result is RunningHub's own answer: the payload's URL was never used
            assertThat(result.getImages()).noneMatch(url -> url.contains("evil.example"));
            assertThat(verdicts).containsExactly(WebhookVerdict.FORGED, WebhookVerdict.FORGED,
                    WebhookVerdict.ACCEPTED);
            assertThat(outputsCalls() - before).isEqualTo(1);
            // RunningHub repeats a delivery: the task ended, so it is a duplicate and nothing is delivered again
            assertThat(post(hookUrl() + "?token=" + SECRET, body)).isEqualTo(200);
            assertThat(verdicts).last().isEqualTo(WebhookVerdict.DUPLICATE);
            assertThat(ended).hasSize(1);
        }
    }

    @Test
    void aTaskThisClientDidNotCreateIsAwaitedAtThePollInterval() throws Exception {
        runningHub().dropWebhooks();
        String taskId;
        try (ComfyKit other = ComfyKit.builder().environment(name -> null)
                .runninghubUrl(comfy.emulator().runningHubUrl())
                .runninghubApiKey(RunningHubEmulation.DEFAULT_API_KEY).build()) {
            taskId = other.submit(RunningHubEmulation.T2I_WORKFLOW_ID, Map.of("prompt", "a fox"))
                    .get(20, TimeUnit.SECONDS).getPromptId();
        }
        try (ComfyKit kit = kit(b -> b)) {
            // no webhook will announce it, so its polling is not slowed to the grace period
            ExecuteResult result = kit.await(taskId, Duration.ofSeconds(20)).get(20, TimeUnit.SECONDS);

            assertThat(result.isCompleted()).isTrue();
        }
    }

    @Test
    void aCallInTheV2ShapeIsReadToo() throws Exception {
        runningHub().dropWebhooks();
        try (ComfyKit kit = kit(b -> b)) {
            List<ExecuteResult> ended = new CopyOnWriteArrayList<>();
            kit.webhooks().onTaskEnd(ended::add);
            String taskId = kit.submit(RunningHubEmulation.T2I_WORKFLOW_ID, Map.of("prompt", "a fox"))
                    .get(20, TimeUnit.SECONDS).getPromptId();
            awaitTheEmulatorIdle();

            assertThat(post(hookUrl() + "?token=" + SECRET, "{\"taskId\":\"" + taskId
                    + "\",\"status\":\"FAILED\",\"errorCode\":\"805\",\"results\":null}")).isEqualTo(202);

            await().atMost(Duration.ofSeconds(10)).until(() -> !ended.isEmpty());
            // the call said FAILED; RunningHub's own answer says it succeeded, and that is what counts
            assertThat(ended).singleElement().satisfies(result -> assertThat(result.isCompleted()).isTrue());
        }
    }

    @Test
    void aSubmittedTaskEndsAtTheListenersByItsWebhook() throws Exception {
        try (ComfyKit kit = kit(b -> b)) {
            List<ExecuteResult> ended = new CopyOnWriteArrayList<>();
            kit.webhooks().onTaskEnd(ended::add);
            SubmittedPrompt submitted = kit.submit(RunningHubEmulation.TEXT_WORKFLOW_ID, Map.of("text", "Yo"))
                    .get(20, TimeUnit.SECONDS);

            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(ended)
                    .as("verdicts %s, answers %s", verdicts, runningHub().webhookAnswers()).isNotEmpty());
            assertThat(ended).singleElement().satisfies(result -> {
                assertThat(result.getPromptId()).isEqualTo(submitted.getPromptId());
                assertThat(result.getTexts()).containsExactly("Yo, from ComfyKit");
            });
        }
    }

    @Test
    void oversizedMalformedAndUnknownCallsChangeNothing() throws Exception {
        try (ComfyKit kit = kit(b -> b)) {
            long before = outputsCalls();
            String big = "{\"taskId\":\"1\",\"pad\":\"" + "x".repeat(WebhookReceiver.MAX_BODY_BYTES) + "\"}";

            assertThat(post(hookUrl() + "?token=" + SECRET, big)).isEqualTo(413);
            assertThat(post(hookUrl() + "?token=" + SECRET, "not json")).isEqualTo(400);
            assertThat(post(hookUrl() + "?token=" + SECRET, "{\"status\":\"SUCCESS\"}")).isEqualTo(400);
            assertThat(post(hookUrl() + "?token=" + SECRET,
                    "{\"taskId\":\"1904163390028185602\",\"status\":\"SUCCESS\",\"results\":[]}")).isEqualTo(200);

            assertThat(verdicts).containsExactly(WebhookVerdict.TOO_LARGE, WebhookVerdict.MALFORMED,
                    WebhookVerdict.MALFORMED, WebhookVerdict.UNKNOWN_TASK);
            assertThat(outputsCalls()).isEqualTo(before);
        }
    }

    @Test
    void withoutAWebhookUrlTheReceiverIsDisabled() {
        try (ComfyKit kit = ComfyKit.builder().environment(name -> null).build()) {
            assertThat(kit.webhooks().enabled()).isFalse();
            assertThat(kit.webhooks().accept(SECRET, "{\"taskId\":\"1\"}".getBytes(StandardCharsets.UTF_8)))
                    .isEqualTo(WebhookVerdict.DISABLED);
        }
    }

    @Test
    void aWebhookNeedsAStrongSecretAndAPlainUrl() {
        assertThatThrownBy(() -> ComfyKit.builder().environment(name -> null)
                .webhookUrl("https://example.org/hook").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("webhookSecret");
        assertThatThrownBy(() -> ComfyKit.builder().environment(name -> null)
                .webhookUrl("https://example.org/hook").webhookSecret("abc123").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("webhookSecret").hasMessageContaining("too short")
                .hasMessageNotContaining("abc123");
        assertThatThrownBy(() -> ComfyKit.builder().environment(name -> null)
                .webhookUrl("https://example.org/hook?token=x").webhookSecret(SECRET).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("webhookUrl");
        assertThatThrownBy(() -> ComfyKit.builder().environment(name -> null)
                .webhookUrl("example.org/hook").webhookSecret(SECRET).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("webhookUrl");
    }

    private static String token(String rawQuery) {
        if (rawQuery == null) {
            return null;
        }
        for (String pair : rawQuery.split("&")) {
            if (pair.startsWith("token=")) {
                return URLDecoder.decode(pair.substring(6), StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    private static int post(String url, String body) throws Exception {
        java.net.http.HttpResponse<Void> response = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create(url))
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)).build(),
                java.net.http.HttpResponse.BodyHandlers.discarding());
        return response.statusCode();
    }
}
