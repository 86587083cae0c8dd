package dev.comfykit.emulator.protocol;

import static dev.comfykit.emulator.support.Frames.ofType;
import static dev.comfykit.emulator.support.Frames.types;
import static dev.comfykit.emulator.support.Frames.without;
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

/** POST /interrupt, global and by prompt id, between nodes and between sampler steps (protocol §7.1). */
class InterruptTest {

    @RegisterExtension
    static ComfyUiEmulatorExtension comfy = ComfyUiEmulatorExtension.create(b -> b.stepTime(Duration.ofMillis(5)));

    private Client client;
    private Socket socket;

    @BeforeEach
    void setUp() {
        client = new Client(comfy.baseUrl());
        comfy.emulator().awaitIdle(Duration.ofSeconds(10));
        socket = client.socket("clientA");
    }

    @AfterEach
    void tearDown() {
        comfy.faults().releaseStall();
        client.post("/interrupt");
        comfy.emulator().awaitIdle(Duration.ofSeconds(10));
        socket.close();
    }

    private String stalledAtFirstNode(int color) {
        comfy.faults().stallExecution();
        String id = client.submit(Workflows.emptyToSave(color, "cap_int"), "clientA");
        socket.await(f -> ofType("executing").test(f) && id.equals(f.get("data").get("prompt_id").asText()), Duration.ofSeconds(5));
        return id;
    }

    @Test
    void interruptByIdOfTheRunningPromptEndsItBeforeItsNextNode() {
        String id = stalledAtFirstNode(601);

        Client.Response r = client.post("/interrupt", "{\"prompt_id\": \"" + id + "\"}");

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.contentType()).isEqualTo("application/octet-stream");
        assertThat(r.body()).isEmpty();
        List<JsonNode> frames = without(socket.run(id), "progress_state");
        assertThat(types(frames)).containsExactly("execution_interrupted", "status", "executing");
        JsonNode data = frames.get(0).get("data");
        assertThat(data.fieldNames()).toIterable().containsExactly("prompt_id", "node_id", "node_type", "executed", "timestamp");
        assertThat(data.get("node_id").asText()).isEqualTo("1");
        assertThat(data.get("node_type").asText()).isEqualTo("EmptyImage");
        assertThat(data.get("executed")).isEmpty();

        JsonNode entry = client.awaitHistory(id);
        assertThat(entry.get("status").get("status_str").asText()).isEqualTo("error");
        assertThat(entry.get("status").get("completed").asBoolean()).isFalse();
        JsonNode messages = entry.get("status").get("messages");
        assertThat(messages.get(messages.size() - 1).get(0).asText()).isEqualTo("execution_interrupted");
        assertThat(entry.get("outputs")).isEmpty();
        assertThat(entry.get("meta")).isEmpty();
    }

    @Test
    void interruptByIdOfAPromptThatIsNotRunningDoesNothing() {
        String running = stalledAtFirstNode(602);
        String pending = client.submit(Workflows.emptyToSave(603, "cap_int"), "clientA");

        assertThat(client.post("/interrupt", "{\"prompt_id\": \"" + pending + "\"}").status()).isEqualTo(200);
        comfy.faults().releaseStall();

        assertThat(client.awaitHistory(running).get("status").get("status_str").asText()).isEqualTo("success");
        assertThat(client.awaitHistory(pending).get("status").get("status_str").asText()).isEqualTo("success");
    }

    @Test
    void globalInterruptWithoutBodyEndsTheRunningPromptAndTheNextOneStartsNormally() {
        String running = stalledAtFirstNode(604);
        String next = client.submit(Workflows.emptyToSave(605, "cap_int"), "clientA");

        client.post("/interrupt");
        comfy.faults().releaseStall();

        assertThat(client.awaitHistory(running).get("status").get("status_str").asText()).isEqualTo("error");
        JsonNode nextEntry = client.awaitHistory(next);
        assertThat(nextEntry.get("status").get("status_str").asText()).as(nextEntry.toString() + " running=" + client.awaitHistory(running)).isEqualTo("success");
    }

    @Test
    void interruptWhileNothingRunsDoesNotAffectTheNextPrompt() {
        client.post("/interrupt", "not json");
        String id = client.submit(Workflows.emptyToSave(606, "cap_int"), "clientA");

        assertThat(client.awaitHistory(id).get("status").get("status_str").asText()).isEqualTo("success");
    }

    @Test
    void interruptIsHonouredBetweenSamplerSteps() {
        String id = client.submit(Workflows.t2i("interrupt me", 1, 10_000, 64, 64), "clientA");
        socket.await(f -> ofType("progress").test(f) && id.equals(f.get("data").get("prompt_id").asText()), Duration.ofSeconds(5));

        client.post("/interrupt", "{\"prompt_id\": \"" + id + "\"}");

        JsonNode interrupted = socket.await(ofType("execution_interrupted"), Duration.ofSeconds(5)).get("data");
        assertThat(interrupted.get("node_id").asText()).isEqualTo("3");
        assertThat(interrupted.get("node_type").asText()).isEqualTo("KSampler");
        assertThat(interrupted.get("executed")).extracting(JsonNode::asText).containsExactlyInAnyOrder("4", "5", "6", "7");
        socket.run(id);
    }

    @Test
    void interruptEndsAStalledPrompt() {
        String id = stalledAtFirstNode(607);

        client.post("/interrupt");

        assertThat(client.awaitHistory(id).get("status").get("status_str").asText()).isEqualTo("error");
    }

    @Test
    void interruptOfAPromptWithoutClientIdIsBroadcast() {
        comfy.faults().stallExecution();
        try (Socket other = client.socket("someoneElse")) {
            String id = client.submit(Workflows.emptyToSave(608, "cap_int"), null);
            other.await(ofType("progress_state"), Duration.ofSeconds(5));
            client.post("/interrupt");

            JsonNode a = socket.await(ofType("execution_interrupted"), Duration.ofSeconds(5));
            JsonNode b = other.await(ofType("execution_interrupted"), Duration.ofSeconds(5));
            assertThat(a.get("data").get("prompt_id").asText()).isEqualTo(id);
            assertThat(b).isEqualTo(a);
        }
    }
}
