package dev.comfykit.emulator.protocol;

import static dev.comfykit.emulator.support.Frames.ofType;
import static dev.comfykit.emulator.support.Frames.types;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.comfykit.emulator.ComfyUiEmulatorExtension;
import dev.comfykit.emulator.support.Client;
import dev.comfykit.emulator.support.Socket;
import dev.comfykit.emulator.support.Workflows;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Which socket gets which event (protocol §3.1, §3.2, §5). */
class RoutingByClientIdTest {

    @RegisterExtension
    static ComfyUiEmulatorExtension comfy = ComfyUiEmulatorExtension.create(b -> b.stepTime(Duration.ZERO));

    private Client client;

    @BeforeEach
    void setUp() {
        client = new Client(comfy.baseUrl());
        comfy.emulator().awaitIdle(Duration.ofSeconds(10));
    }

    @Test
    void greetingStatusEchoesTheClientId() {
        try (Socket s = client.socket("clientA")) {
            JsonNode first = s.all().get(0);
            assertThat(first).isEqualTo(Client.json(
                    "{\"type\": \"status\", \"data\": {\"status\": {\"exec_info\": {\"queue_remaining\": 0}}, \"sid\": \"clientA\"}}"));
        }
    }

    @Test
    void socketWithoutClientIdGetsAGeneratedSid() {
        try (Socket s = client.socket(null)) {
            assertThat(s.all().get(0).get("data").get("sid").asText()).matches("[0-9a-f]{32}");
        }
    }

    @Test
    void apiPrefixedSocketWorksTheSame() {
        try (Socket s = client.socketAt("/api/ws?clientId=apiClient")) {
            assertThat(s.all().get(0).get("data").get("sid").asText()).isEqualTo("apiClient");
        }
    }

    @Test
    void plainGetOfWsIs400() {
        assertThat(client.get("/ws").status()).isEqualTo(400);
    }

    @Test
    void executionEventsGoOnlyToTheSubmittingClientAndStatusToEveryone() {
        try (Socket a = client.socket("clientA"); Socket b = client.socket("clientB"); Socket n = client.socket(null)) {
            String id = client.submit(Workflows.emptyToSave(501, "route"), "clientA");
            a.run(id);
            client.awaitHistory(id);
            b.await(f -> ofType("status").test(f) && f.get("data").get("status").get("exec_info").get("queue_remaining").asInt() == 0,
                    Duration.ofSeconds(5));
            n.await(f -> ofType("status").test(f) && f.get("data").get("status").get("exec_info").get("queue_remaining").asInt() == 0,
                    Duration.ofSeconds(5));

            assertThat(types(b.all().subList(1, b.all().size()))).containsOnly("status").hasSize(3);
            assertThat(types(n.all().subList(1, n.all().size()))).containsOnly("status").hasSize(3);
        }
    }

    @Test
    void promptWithoutClientIdBroadcastsOnlyProgressStateAndStatus() {
        try (Socket a = client.socket("clientA"); Socket b = client.socket("clientB")) {
            String id = client.submit(Workflows.emptyToSave(77, "cap_noclient"), null);
            client.awaitHistory(id);
            for (Socket s : List.of(a, b)) {
                List<JsonNode> frames = s.until(f -> ofType("status").test(f)
                        && f.get("data").get("status").get("exec_info").get("queue_remaining").asInt() == 0, Duration.ofSeconds(5));
                assertThat(types(frames)).containsExactly("status", "status", "progress_state", "progress_state",
                        "progress_state", "progress_state", "status");
            }
        }
    }

    @Test
    void eventsForAClientWithoutSocketAreDropped() {
        try (Socket a = client.socket("clientA")) {
            String id = client.submit(Workflows.emptyToSave(502, "nobody"), "nobody-listens");
            client.awaitHistory(id);

            assertThat(client.awaitHistory(id).get("status").get("status_str").asText()).isEqualTo("success");
            assertThat(types(a.all())).containsOnly("status");
        }
    }

    @Test
    void newerSocketWithTheSameIdReplacesTheOlderOne() {
        try (Socket older = client.socket("dup"); Socket newer = client.socket("dup")) {
            String id = client.submit(Workflows.emptyToSave(503, "dup"), "dup");
            newer.run(id);

            assertThat(types(older.all())).containsOnly("status").hasSize(1);
        }
    }

    @Test
    void closingTheOlderSocketSilencesTheNewerOneWithTheSameId() {
        Socket older = client.socket("dup2");
        try (Socket newer = client.socket("dup2")) {
            older.close();
            older.awaitClosed(Duration.ofSeconds(5));
            awaitRegistered(0);
            int before = newer.all().size();
            String id = client.submit(Workflows.emptyToSave(504, "dup2"), "dup2");
            client.awaitHistory(id);

            assertThat(newer.isClosed()).isFalse();
            assertThat(newer.all()).hasSize(before);
        }
    }

    private void awaitRegistered(int count) {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (comfy.emulator().webSocketClients() != count) {
            assertThat(System.nanoTime()).isLessThan(deadline);
            Thread.onSpinWait();
        }
    }

    @Test
    void featureFlagsAreAnsweredOnlyForTheFirstMessage() {
        try (Socket s = client.socket("flags")) {
            s.sendText("{\"type\": \"feature_flags\", \"data\": {\"supports_preview_metadata\": true}}");
            JsonNode reply = s.await(ofType("feature_flags"), Duration.ofSeconds(5));
            assertThat(reply.get("data")).isEqualTo(Client.json("{\"supports_preview_metadata\": true, \"max_upload_size\": 104857600}"));
        }
        try (Socket s = client.socket("late-flags")) {
            s.sendText("{\"type\": \"hello\"}");
            s.sendText("{\"type\": \"feature_flags\", \"data\": {}}");
            String id = client.submit(Workflows.emptyToSave(505, "flags"), "late-flags");
            s.run(id);
            assertThat(types(s.all())).doesNotContain("feature_flags");
        }
    }

    @Test
    void socketReconnectingDuringItsPromptGetsTheCurrentNode() {
        comfy.faults().stallExecution();
        String id;
        try (Socket first = client.socket("clientR")) {
            id = client.submit(Workflows.emptyToSave(506, "reconnect"), "clientR");
            first.await(f -> ofType("executing").test(f) && "1".equals(f.get("data").get("node").asText()), Duration.ofSeconds(5));
        }
        awaitRegistered(0);
        try (Socket r = client.socket("clientR")) {
            JsonNode executing = r.await(ofType("executing"), Duration.ofSeconds(5));
            assertThat(executing).isEqualTo(Client.json("{\"type\": \"executing\", \"data\": {\"node\": \"1\"}}"));
            assertThat(r.all().get(1)).isEqualTo(executing);
            comfy.faults().releaseStall();
            r.run(id);
        }
    }
}
