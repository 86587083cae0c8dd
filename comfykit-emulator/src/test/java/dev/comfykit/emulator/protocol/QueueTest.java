package dev.comfykit.emulator.protocol;

import static dev.comfykit.emulator.support.Frames.ofType;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.comfykit.emulator.ComfyUiEmulatorExtension;
import dev.comfykit.emulator.support.Client;
import dev.comfykit.emulator.support.Socket;
import dev.comfykit.emulator.support.Workflows;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** GET/POST /queue: running and pending items, priorities, delete and clear (protocol §7.1, §13). */
class QueueTest {

    @RegisterExtension
    static ComfyUiEmulatorExtension comfy = ComfyUiEmulatorExtension.create(b -> b.stepTime(Duration.ZERO));

    private Client client;
    private Socket socket;

    @BeforeEach
    void setUp() {
        client = new Client(comfy.baseUrl());
        comfy.emulator().awaitIdle(Duration.ofSeconds(10));
        socket = client.socket("clientA");
        comfy.faults().stallExecution();
    }

    @AfterEach
    void tearDown() {
        comfy.faults().releaseStall();
        comfy.emulator().awaitIdle(Duration.ofSeconds(10));
        socket.close();
    }

    private JsonNode submit(String prompt, String extra) {
        Client.Response r = client.post("/prompt", "{\"prompt\": " + prompt + ", \"client_id\": \"clientA\"" + extra + "}");
        assertThat(r.status()).isEqualTo(200);
        return r.json();
    }

    private static final java.util.concurrent.atomic.AtomicInteger COLORS = new java.util.concurrent.atomic.AtomicInteger(200_000);

    /** Starts a prompt that stays running (execution is stalled); a fresh colour keeps it out of the cache. */
    private String startBlockingPrompt(String id) {
        submit(Workflows.emptyToSave(COLORS.incrementAndGet(), "cap_slow"), ", \"prompt_id\": \"" + id + "\"");
        socket.await(f -> ofType("executing").test(f) && !f.get("data").get("node").isNull()
                && id.equals(f.get("data").get("prompt_id").asText()), Duration.ofSeconds(5));
        return id;
    }

    @Test
    void queueShowsTheRunningItemAndPendingItemsInPriorityOrder() {
        String running = startBlockingPrompt("11111111-aaaa-bbbb-cccc-000000000001");
        JsonNode normal = submit(Workflows.emptyToSave(1, "cap_q2"), "");
        JsonNode front = submit(Workflows.emptyToSave(2, "cap_q3"), ", \"front\": true");
        JsonNode explicit = submit(Workflows.emptyToSave(3, "cap_q4"), ", \"number\": 1000");

        Client.Response r = client.get("/queue");
        assertThat(r.contentType()).isEqualTo("application/json; charset=utf-8");
        JsonNode queue = r.json();
        assertThat(queue.fieldNames()).toIterable().containsExactly("queue_running", "queue_pending");
        assertThat(queue.get("queue_running")).hasSize(1);
        JsonNode item = queue.get("queue_running").get(0);
        assertThat(item).hasSize(5);
        assertThat(item.get(1).asText()).isEqualTo(running);
        assertThat(item.get(2).get("2")).isEqualTo(Client.json(
                "{\"class_type\": \"SaveImage\", \"inputs\": {\"images\": [\"1\", 0], \"filename_prefix\": \"cap_slow\"}}"));
        assertThat(item.get(3)).isEqualTo(Client.json("{\"client_id\": \"clientA\"}"));
        assertThat(item.get(4)).isEqualTo(Client.json("[\"2\"]"));
        assertThat(queue.get("queue_pending")).extracting(i -> i.get(1).asText()).containsExactly(
                front.get("prompt_id").asText(), normal.get("prompt_id").asText(), explicit.get("prompt_id").asText());
        assertThat(queue.get("queue_pending").get(0).get(0).asLong()).isNegative();
        assertThat(r.text()).contains("[1000.0, \"" + explicit.get("prompt_id").asText() + "\"");
        assertThat(client.get("/prompt").json().get("exec_info").get("queue_remaining").asInt()).isEqualTo(4);
    }

    @Test
    void pendingPromptsRunInPriorityOrderOnceTheRunningOneEnds() {
        startBlockingPrompt("11111111-aaaa-bbbb-cccc-000000000002");
        String normal = submit(Workflows.emptyToSave(4, "order"), "").get("prompt_id").asText();
        String front = submit(Workflows.emptyToSave(5, "order"), ", \"front\": true").get("prompt_id").asText();
        String late = submit(Workflows.emptyToSave(6, "order"), ", \"number\": 1000").get("prompt_id").asText();
        String early = submit(Workflows.emptyToSave(7, "order"), ", \"number\": -1000").get("prompt_id").asText();
        comfy.faults().releaseStall();

        List<String> started = socket.until(f -> ofType("execution_start").test(f)
                        && late.equals(f.get("data").get("prompt_id").asText()), Duration.ofSeconds(10))
                .stream().filter(ofType("execution_start")).map(f -> f.get("data").get("prompt_id").asText()).toList();
        assertThat(started).containsExactly(early, front, normal, late);
    }

    @Test
    void deletingAPendingPromptRemovesItWithAnEmptyAnswer() {
        startBlockingPrompt("11111111-aaaa-bbbb-cccc-000000000003");
        String keep = submit(Workflows.emptyToSave(8, "del"), "").get("prompt_id").asText();
        String drop = submit(Workflows.emptyToSave(9, "del"), "").get("prompt_id").asText();

        Client.Response r = client.post("/queue", "{\"delete\": [\"" + drop + "\", \"unknown-id\"]}");

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.contentType()).isEqualTo("application/octet-stream");
        assertThat(r.body()).isEmpty();
        assertThat(client.get("/queue").json().get("queue_pending")).extracting(i -> i.get(1).asText()).containsExactly(keep);
    }

    @Test
    void deletingTheLastPendingPromptBroadcastsStatusTwice() {
        startBlockingPrompt("11111111-aaaa-bbbb-cccc-000000000004");
        String pending = submit(Workflows.emptyToSave(10, "del2"), "").get("prompt_id").asText();
        socket.await(f -> ofType("status").test(f) && remaining(f) == 2, Duration.ofSeconds(5));

        client.post("/queue", "{\"delete\": [\"" + pending + "\"]}");

        JsonNode first = socket.await(ofType("status"), Duration.ofSeconds(5));
        JsonNode second = socket.await(ofType("status"), Duration.ofSeconds(5));
        assertThat(remaining(first)).isEqualTo(1);
        assertThat(remaining(second)).isEqualTo(1);
    }

    @Test
    void clearEmptiesThePendingListButTheRunningPromptKeepsRunning() {
        String running = startBlockingPrompt("11111111-aaaa-bbbb-cccc-000000000005");
        submit(Workflows.emptyToSave(11, "clr"), "");
        submit(Workflows.emptyToSave(12, "clr"), "");

        assertThat(client.post("/queue", "{\"clear\": true}").status()).isEqualTo(200);

        JsonNode queue = client.get("/queue").json();
        assertThat(queue.get("queue_pending")).isEmpty();
        assertThat(queue.get("queue_running").get(0).get(1).asText()).isEqualTo(running);
        comfy.faults().releaseStall();
        assertThat(client.awaitHistory(running).get("status").get("status_str").asText()).isEqualTo("success");
    }

    @Test
    void apiKeyIsVisibleInTheQueueButStrippedFromHistory() {
        String id = submit(Workflows.emptyToSave(4343, "cap_key"), ", \"extra_data\": {\"api_key_comfy_org\": \"secret-key\"}")
                .get("prompt_id").asText();
        socket.await(f -> ofType("executing").test(f) && id.equals(f.get("data").get("prompt_id").asText()), Duration.ofSeconds(5));

        assertThat(client.get("/queue").json().get("queue_running").get(0).get(3))
                .isEqualTo(Client.json("{\"api_key_comfy_org\": \"secret-key\", \"client_id\": \"clientA\"}"));
        comfy.faults().releaseStall();
        assertThat(client.awaitHistory(id).get("prompt").get(3)).isEqualTo(Client.json("{\"client_id\": \"clientA\"}"));
    }

    @Test
    void postQueueWithoutJsonIs500() {
        assertThat(client.post("/queue", "nope").status()).isEqualTo(500);
    }

    @Test
    void emptyQueueShape() {
        comfy.faults().releaseStall();
        comfy.emulator().awaitIdle(Duration.ofSeconds(5));

        assertThat(client.get("/queue").json()).isEqualTo(Client.json("{\"queue_running\": [], \"queue_pending\": []}"));
        assertThat(client.get("/prompt").json()).isEqualTo(Client.json("{\"exec_info\": {\"queue_remaining\": 0}}"));
    }

    private static int remaining(JsonNode status) {
        return status.get("data").get("status").get("exec_info").get("queue_remaining").asInt();
    }
}
