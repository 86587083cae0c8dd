package dev.comfykit.emulator.protocol;

import static dev.comfykit.emulator.support.Frames.ofType;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.comfykit.emulator.ComfyUiEmulatorExtension;
import dev.comfykit.emulator.support.Client;
import dev.comfykit.emulator.support.Socket;
import dev.comfykit.emulator.support.Workflows;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The faults API for reliability tests. */
class FaultsTest {

    @RegisterExtension
    static ComfyUiEmulatorExtension comfy = ComfyUiEmulatorExtension.create(b -> b.stepTime(Duration.ZERO));

    private Client client;

    @BeforeEach
    void setUp() {
        client = new Client(comfy.baseUrl());
        comfy.emulator().awaitIdle(Duration.ofSeconds(10));
    }

    @Test
    void failNextAnswersTheNextRequestsOfARouteWithTheStatus() {
        comfy.faults().failNext("POST", "/prompt", 2, 503);
        String body = "{\"prompt\": " + Workflows.emptyToSave(900, "fault") + "}";

        Client.Response first = client.post("/prompt", body);
        Client.Response second = client.post("/api/prompt", body);
        Client.Response third = client.post("/prompt", body);

        assertThat(first.status()).isEqualTo(503);
        assertThat(first.body()).isEmpty();
        assertThat(second.status()).isEqualTo(503);
        assertThat(third.status()).isEqualTo(200);
    }

    @Test
    void failNextCanCarryABodyAndMatchByPrefix() {
        comfy.faults().failNext("GET", "/history/*", 1, 502, "Bad Gateway");

        Client.Response r = client.get("/api/history/anything");

        assertThat(r.status()).isEqualTo(502);
        assertThat(r.text()).isEqualTo("Bad Gateway");
        assertThat(client.get("/history/anything").status()).isEqualTo(200);
    }

    @Test
    void delayNextHoldsRequests() {
        comfy.faults().delayNext("GET", "/queue", 1, Duration.ofMillis(300));

        long start = System.nanoTime();
        assertThat(client.get("/queue").status()).isEqualTo(200);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
    }

    @Test
    void slowHistoryAndViewDelayEveryRequestUntilCleared() {
        comfy.faults().slowHistory(Duration.ofMillis(200)).slowView(Duration.ofMillis(200));

        long start = System.nanoTime();
        client.get("/history/x");
        client.get("/view?filename=nothing.png");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(400));
    }

    @Test
    void webSocketUpgradeCanFail() {
        comfy.faults().failNext("GET", "/ws", 1, 503);

        assertThatThrownBy(() -> client.socket("refused")).isInstanceOf(IllegalStateException.class);
        client.socket("accepted").close();
    }

    @Test
    void webSocketUpgradeCanBeDelayed() {
        comfy.faults().delayNext("GET", "/api/ws", 1, Duration.ofMillis(200));

        long start = System.nanoTime();
        try (Socket s = client.socketAt("/api/ws?clientId=late")) {
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(200));
            assertThat(s.all().get(0).get("data").get("sid").asText()).isEqualTo("late");
        }
    }

    @Test
    void dropWebSocketsClosesEveryConnectionNow() {
        try (Socket a = client.socket("dropA"); Socket b = client.socket("dropB")) {
            comfy.faults().dropWebSockets();

            assertThat(a.awaitClosed(Duration.ofSeconds(5))).isTrue();
            assertThat(b.awaitClosed(Duration.ofSeconds(5))).isTrue();
        }
    }

    @Test
    void dropWebSocketsAfterTheKthEvent() {
        try (Socket s = client.socket("dropK")) {
            awaitOnlySocket();
            int greeting = s.all().size();
            comfy.faults().dropWebSocketsAfterEvents(3);
            client.submit(Workflows.emptyToSave(901, "dropk"), "dropK");

            assertThat(s.awaitClosed(Duration.ofSeconds(5))).isTrue();
            assertThat(s.all().subList(greeting, s.all().size())).extracting(f -> f.get("type").asText())
                    .containsExactly("status", "status", "execution_start");
        }
    }

    @Test
    void failNodeMakesANodeClassFailAtRunTime() {
        comfy.faults().failNode("SaveImage", "RuntimeError", "disk full");
        try (Socket s = client.socket("failing")) {
            String id = client.submit(Workflows.emptyToSave(902, "failnode"), "failing");

            JsonNode error = s.await(ofType("execution_error"), Duration.ofSeconds(5)).get("data");
            assertThat(error.get("node_type").asText()).isEqualTo("SaveImage");
            assertThat(error.get("exception_type").asText()).isEqualTo("RuntimeError");
            assertThat(error.get("exception_message").asText()).isEqualTo("disk full\n");
            assertThat(error.get("executed")).extracting(JsonNode::asText).containsExactly("1");
            assertThat(client.awaitHistory(id).get("status").get("status_str").asText()).isEqualTo("error");
        }
    }

    @Test
    void stallHoldsThePromptRunningUntilReleased() {
        comfy.faults().stallExecution();
        String id = client.submit(Workflows.emptyToSave(903, "stall"), null);
        awaitRunning(id);

        assertThat(client.get("/history/" + id).text()).isEqualTo("{}");
        comfy.faults().releaseStall();
        assertThat(client.awaitHistory(id).get("status").get("status_str").asText()).isEqualTo("success");
    }

    @Test
    void restartDropsQueueHistorySocketsAndTempFilesButKeepsInputAndOutput() throws Exception {
        String done = client.submit(Workflows.emptyToSave(904, "restart"), null);
        client.awaitHistory(done);
        client.upload("kept.png", new byte[] {1, 2, 3}, Map.of());
        client.upload("temp.png", new byte[] {1, 2, 3}, Map.of("type", "temp"));
        comfy.faults().stallExecution();
        String running = client.submit(Workflows.emptyToSave(905, "restart"), null);
        awaitRunning(running);
        String pending = client.submit(Workflows.emptyToSave(906, "restart"), null);

        try (Socket s = client.socket("beforeRestart")) {
            comfy.faults().restart();
            assertThat(s.awaitClosed(Duration.ofSeconds(5))).isTrue();
        }
        comfy.faults().releaseStall();

        assertThat(client.get("/queue").json()).isEqualTo(Client.json("{\"queue_running\": [], \"queue_pending\": []}"));
        assertThat(client.get("/history").text()).isEqualTo("{}");
        assertThat(client.post("/prompt", "{\"prompt\": " + Workflows.emptyToSave(907, "restart") + "}").json().get("number").asInt())
                .isZero();
        assertThat(comfy.emulator().inputDirectory().resolve("kept.png")).exists();
        assertThat(comfy.emulator().tempDirectory().resolve("temp.png")).doesNotExist();
        assertThat(comfy.emulator().outputDirectory().resolve("restart_00001_.png")).exists();
        comfy.emulator().awaitIdle(Duration.ofSeconds(5));
        assertThat(client.get("/history/" + running).text()).isEqualTo("{}");
        assertThat(client.get("/history/" + pending).text()).isEqualTo("{}");
    }

    @Test
    void clearRemovesEveryFault() {
        comfy.faults().failNext("*", "/system_stats", 5, 500).slowHistory(Duration.ofSeconds(30)).failNode("SaveImage", "E", "m");

        comfy.faults().clear();

        assertThat(client.get("/system_stats").status()).isEqualTo(200);
        String id = client.submit(Workflows.emptyToSave(908, "cleared"), null);
        assertThat(client.awaitHistory(id).get("status").get("status_str").asText()).isEqualTo("success");
    }

    private void awaitRunning(String id) {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode running = client.get("/queue").json().get("queue_running");
            if (running.size() == 1 && running.get(0).get(1).asText().equals(id)) {
                return;
            }
            Thread.onSpinWait();
        }
        throw new AssertionError("prompt did not start");
    }

    /** Events are counted over all sockets: wait until sockets of earlier tests are gone. */
    private static void awaitOnlySocket() {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (comfy.emulator().webSocketClients() != 1) {
            assertThat(System.nanoTime()).isLessThan(deadline);
            Thread.onSpinWait();
        }
    }
}
