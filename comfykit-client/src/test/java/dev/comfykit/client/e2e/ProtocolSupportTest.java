package dev.comfykit.client.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.comfykit.client.CancelOutcome;
import dev.comfykit.client.ComfyKit;
import dev.comfykit.client.ErrorKind;
import dev.comfykit.client.ExecuteResult;
import dev.comfykit.client.ExecutorType;
import dev.comfykit.client.Priority;
import dev.comfykit.emulator.ComfyUiEmulator;
import dev.comfykit.emulator.ProtocolVersion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The client against older and newer ComfyUI protocols (the emulator speaks v0.3.44, v0.3.65 and v0.33.0): it finds
 * out once whether the server has the jobs API and uses it for status and cancel, falls back on older servers,
 * never interrupts another client's prompt, and queues at the requested priority.
 */
class ProtocolSupportTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final AtomicInteger TEXTS = new AtomicInteger();

    private static ComfyUiEmulator emulator(ProtocolVersion protocol) {
        return ComfyUiEmulator.builder().stepTime(Duration.ZERO).protocol(protocol).start();
    }

    private static ComfyKit kit(ComfyUiEmulator emulator, ExecutorType type) {
        return ComfyKit.builder().environment(name -> null).comfyuiUrl(emulator.baseUrl()).executorType(type)
                .timeout(Duration.ofSeconds(30)).build();
    }

    /** A text prompt no earlier prompt made (so the server's cache does not answer it at once). */
    private static Map<String, Object> fresh() {
        return Map.of("text", "protocol " + TEXTS.incrementAndGet());
    }

    private static CompletableFuture<ExecuteResult> text(ComfyKit kit) {
        return kit.execute("classpath:workflows/text.json", fresh());
    }

    private static JsonNode queue(ComfyUiEmulator emulator) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(emulator.baseUrl() + "/queue"))
                .build(), HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(response.body());
    }

    private static List<String> ids(JsonNode items) {
        List<String> ids = new ArrayList<>();
        items.forEach(item -> ids.add(item.get(1).asText()));
        return ids;
    }

    private static boolean running(ComfyUiEmulator emulator, String promptId) throws Exception {
        return ids(queue(emulator).get("queue_running")).contains(promptId);
    }

    @ParameterizedTest
    @EnumSource(ExecutorType.class)
    void aServerWithTheJobsApiIsAskedOnceAndTrackedWithoutHistoryReads(ExecutorType type) {
        try (ComfyUiEmulator emulator = emulator(ProtocolVersion.V0_33_0); ComfyKit kit = kit(emulator, type)) {
            for (int i = 0; i < 3; i++) {
                ExecuteResult result = text(kit).join();
                assertThat(result.isCompleted()).as(result.getMsg()).isTrue();
                assertThat(result.getTexts()).isNotEmpty();
            }
            // asked once, when first needed (the WebSocket's events may make it unnecessary), then status from
            // /api/jobs/{id}
            assertThat(emulator.requestsReceived("GET", "/jobs")).isEqualTo(type == ExecutorType.HTTP ? 1 : 0);
            if (type == ExecutorType.HTTP) {
                assertThat(emulator.requestsReceived("GET", "/jobs/*")).isPositive();
                assertThat(emulator.requestsReceived("GET", "/history/*")).isZero();
            }
            assertThat(emulator.requestsReceived("GET", "/queue")).isZero();
        }
    }

    @ParameterizedTest
    @EnumSource(value = ProtocolVersion.class, names = {"V0_3_44", "V0_3_65"})
    void anOlderServerIsTrackedThroughTheHistory(ProtocolVersion protocol) {
        try (ComfyUiEmulator emulator = emulator(protocol); ComfyKit kit = kit(emulator, ExecutorType.HTTP)) {
            for (int i = 0; i < 3; i++) {
                assertThat(text(kit).join().isCompleted()).isTrue();
            }
            assertThat(emulator.requestsReceived("GET", "/jobs")).isEqualTo(1);
            assertThat(emulator.requestsReceived("GET", "/jobs/*")).isZero();
            assertThat(emulator.requestsReceived("GET", "/history/*")).isPositive();
        }
    }

    @Test
    void theProtocolIsAskedAgainAfterTheServerWasDown() {
        try (ComfyUiEmulator emulator = emulator(ProtocolVersion.V0_33_0);
             ComfyKit kit = kit(emulator, ExecutorType.WEBSOCKET)) {
            assertThat(text(kit).join().isCompleted()).isTrue();
            String unknown = "00000000-0000-4000-8000-000000000000";
            assertThat(kit.cancel(unknown).join()).isEqualTo(CancelOutcome.NOT_FOUND);
            assertThat(kit.cancel(unknown).join()).isEqualTo(CancelOutcome.NOT_FOUND);
            assertThat(emulator.requestsReceived("GET", "/jobs")).isEqualTo(1);

            // the socket drops; once it is back, the server may be another version: asked again on next use
            emulator.faults().restart();

            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                assertThat(text(kit).join().isCompleted()).isTrue();
                assertThat(kit.cancel(unknown).join()).isEqualTo(CancelOutcome.NOT_FOUND);
                assertThat(emulator.requestsReceived("GET", "/jobs")).isEqualTo(2);
            });
        }
    }

    /**
     * Two clients share a server. A cancels its queued prompt while B's prompt runs: B's prompt goes on and finishes.
     * On v0.3.44, whose {@code /interrupt} stops whatever runs, this holds only because the client reads the queue
     * and sends no interrupt for a prompt that is not the running one.
     */
    @ParameterizedTest
    @EnumSource(ProtocolVersion.class)
    void cancellingAQueuedPromptLeavesAnotherClientsRunningPromptAlone(ProtocolVersion protocol) throws Exception {
        try (ComfyUiEmulator emulator = emulator(protocol);
             ComfyKit a = kit(emulator, ExecutorType.HTTP); ComfyKit b = kit(emulator, ExecutorType.HTTP)) {
            emulator.faults().stallExecution();
            CompletableFuture<ExecuteResult> bRuns = text(b);
            await().atMost(Duration.ofSeconds(10)).until(() -> queue(emulator).get("queue_running").size() == 1);
            String bPrompt = ids(queue(emulator).get("queue_running")).get(0);
            String aPrompt = a.submit("classpath:workflows/text.json", fresh()).join().getPromptId();

            assertThat(a.cancel(aPrompt).join()).isEqualTo(CancelOutcome.REMOVED_FROM_QUEUE);

            assertThat(running(emulator, bPrompt)).isTrue();
            assertThat(emulator.requestsReceived("POST", "/interrupt")).isZero();
            emulator.faults().releaseStall();
            ExecuteResult result = bRuns.join();
            assertThat(result.isCompleted()).as(result.getMsg()).isTrue();
            assertThat(result.getPromptId()).isEqualTo(bPrompt);
        }
    }

    /** A cancels its running prompt: only that prompt is interrupted; B's queued prompt runs next and finishes. */
    @ParameterizedTest
    @EnumSource(ProtocolVersion.class)
    void cancellingARunningPromptInterruptsOnlyThatPrompt(ProtocolVersion protocol) throws Exception {
        try (ComfyUiEmulator emulator = emulator(protocol);
             ComfyKit a = kit(emulator, ExecutorType.HTTP); ComfyKit b = kit(emulator, ExecutorType.HTTP)) {
            emulator.faults().stallExecution();
            CompletableFuture<ExecuteResult> aRuns = text(a);
            await().atMost(Duration.ofSeconds(10)).until(() -> queue(emulator).get("queue_running").size() == 1);
            String aPrompt = ids(queue(emulator).get("queue_running")).get(0);
            CompletableFuture<ExecuteResult> bWaits = text(b);
            await().atMost(Duration.ofSeconds(10)).until(() -> queue(emulator).get("queue_pending").size() == 1);

            assertThat(a.cancel(aPrompt).join()).isEqualTo(CancelOutcome.INTERRUPTED);

            ExecuteResult interrupted = aRuns.join();
            assertThat(interrupted.getError().getKind()).isEqualTo(ErrorKind.INTERRUPTED);
            emulator.faults().releaseStall();
            ExecuteResult other = bWaits.join();
            assertThat(other.isCompleted()).as(other.getMsg()).isTrue();
            if (protocol.jobsApi()) {
                assertThat(emulator.requestsReceived("POST", "/jobs/" + aPrompt + "/cancel")).isEqualTo(1);
                assertThat(emulator.requestsReceived("POST", "/interrupt")).isZero();
            }
        }
    }

    /**
     * A server with the jobs API but without {@code POST /api/jobs/{id}/cancel} (v0.5.1 to v0.32): the 404 is
     * remembered, and cancels go by the job's state and the targeted {@code /interrupt}.
     */
    @Test
    void withoutTheCancelEndpointARunningPromptIsInterruptedByItsId() throws Exception {
        try (ComfyUiEmulator emulator = emulator(ProtocolVersion.V0_33_0);
             ComfyKit a = kit(emulator, ExecutorType.HTTP); ComfyKit b = kit(emulator, ExecutorType.HTTP)) {
            emulator.faults().failNext("POST", "/api/jobs/*", 100, 404);
            emulator.faults().stallExecution();
            CompletableFuture<ExecuteResult> aRuns = text(a);
            await().atMost(Duration.ofSeconds(10)).until(() -> queue(emulator).get("queue_running").size() == 1);
            String aPrompt = ids(queue(emulator).get("queue_running")).get(0);
            String bPrompt = b.submit("classpath:workflows/text.json", fresh()).join().getPromptId();
            String aQueued = a.submit("classpath:workflows/text.json", fresh()).join().getPromptId();

            assertThat(a.cancel(aPrompt).join()).isEqualTo(CancelOutcome.INTERRUPTED);
            assertThat(a.cancel(aQueued).join()).isEqualTo(CancelOutcome.REMOVED_FROM_QUEUE);

            assertThat(aRuns.join().getError().getKind()).isEqualTo(ErrorKind.INTERRUPTED);
            // asked once, then remembered as missing
            assertThat(emulator.requestsReceived("POST", "/jobs/" + aPrompt + "/cancel")).isEqualTo(1);
            assertThat(emulator.requestsReceived("POST", "/jobs/" + aQueued + "/cancel")).isZero();
            emulator.faults().releaseStall();
            assertThat(b.await(bPrompt).join().isCompleted()).isTrue();
        }
    }

    @ParameterizedTest
    @EnumSource(ProtocolVersion.class)
    void aFrontPromptJumpsTheQueue(ProtocolVersion protocol) throws Exception {
        try (ComfyUiEmulator emulator = emulator(protocol); ComfyKit kit = kit(emulator, ExecutorType.HTTP)) {
            emulator.faults().stallExecution();
            CompletableFuture<ExecuteResult> blocker = text(kit);
            await().atMost(Duration.ofSeconds(10)).until(() -> queue(emulator).get("queue_running").size() == 1);
            String normal = kit.submit("classpath:workflows/text.json", fresh()).join().getPromptId();
            String front = kit.submitWith("classpath:workflows/text.json", schema -> fresh(), Priority.FRONT).join()
                    .getPromptId();
            String last = kit.submitWith("classpath:workflows/text.json", schema -> fresh(), Priority.number(1e9))
                    .join().getPromptId();

            assertThat(ids(queue(emulator).get("queue_pending"))).containsExactly(front, normal, last);

            emulator.faults().releaseStall();
            assertThat(blocker.join().isCompleted()).isTrue();
            List<Long> started = new ArrayList<>();
            for (String id : List.of(front, normal, last)) {
                started.add(kit.await(id).join().isCompleted() ? startOf(emulator, id) : -1);
            }
            assertThat(started).isSorted();
        }
    }

    @Test
    void theClientsPriorityOptionAppliesToEveryPrompt() throws Exception {
        try (ComfyUiEmulator emulator = emulator(ProtocolVersion.V0_3_65);
             ComfyKit normal = kit(emulator, ExecutorType.HTTP);
             ComfyKit urgent = ComfyKit.builder().environment(name -> null).comfyuiUrl(emulator.baseUrl())
                     .priority(Priority.number(-5)).build()) {
            emulator.faults().stallExecution();
            CompletableFuture<ExecuteResult> blocker = text(normal);
            await().atMost(Duration.ofSeconds(10)).until(() -> queue(emulator).get("queue_running").size() == 1);
            String first = normal.submit("classpath:workflows/text.json", fresh()).join().getPromptId();
            String jumps = urgent.submit("classpath:workflows/text.json", fresh()).join().getPromptId();

            JsonNode pending = queue(emulator).get("queue_pending");
            assertThat(ids(pending)).containsExactly(jumps, first);
            assertThat(pending.get(0).get(0).asDouble()).isEqualTo(-5.0);
            emulator.faults().releaseStall();
            assertThat(blocker.join().isCompleted()).isTrue();
        }
    }

    /** When the history entry says the prompt started (epoch milliseconds). */
    private static long startOf(ComfyUiEmulator emulator, String promptId) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(emulator.baseUrl() + "/history/"
                + promptId)).build(), HttpResponse.BodyHandlers.ofString());
        for (JsonNode message : JSON.readTree(response.body()).get(promptId).get("status").get("messages")) {
            if (message.get(0).asText().equals("execution_start")) {
                return message.get(1).get("timestamp").asLong();
            }
        }
        throw new AssertionError("no execution_start for " + promptId);
    }
}
