package dev.comfykit.emulator.protocol;

import static dev.comfykit.emulator.support.Frames.normalize;
import static dev.comfykit.emulator.support.Frames.ofType;
import static dev.comfykit.emulator.support.Frames.types;
import static dev.comfykit.emulator.support.Frames.without;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.comfykit.emulator.ComfyUiEmulatorExtension;
import dev.comfykit.emulator.support.Client;
import dev.comfykit.emulator.support.Frames;
import dev.comfykit.emulator.support.Socket;
import dev.comfykit.emulator.support.Workflows;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The WebSocket event sequences of the captured runs (protocol §4.3–4.6, §6.2). */
class WebSocketEventsTest {

    @RegisterExtension
    static ComfyUiEmulatorExtension comfy = ComfyUiEmulatorExtension.create(b -> b.stepTime(Duration.ZERO));

    private Client client;
    private Socket socket;

    @BeforeEach
    void setUp() {
        client = new Client(comfy.baseUrl());
        socket = client.socket("clientA");
    }

    @AfterEach
    void tearDown() {
        socket.close();
    }

    private List<JsonNode> normalized(List<JsonNode> frames, String promptId) {
        return frames.stream().map(f -> normalize(f, Map.of(promptId, "PID"))).toList();
    }

    @Test
    void emptyImageToSaveImageRunsWithTheCapturedEventSequence() {
        String id = client.submit(Workflows.emptyToSave(16744448, "cap_empty"), "clientA");

        assertThat(normalized(socket.run(id), id)).containsExactlyElementsOf(Frames.captured("""
                {"type": "status", "data": {"status": {"exec_info": {"queue_remaining": 1}}}}
                {"type": "status", "data": {"status": {"exec_info": {"queue_remaining": 1}}}}
                {"type": "execution_start", "data": {"prompt_id": "PID"}}
                {"type": "execution_cached", "data": {"nodes": [], "prompt_id": "PID"}}
                {"type": "progress_state", "data": {"prompt_id": "PID", "nodes": {"1": {"value": 0.0, "max": 1.0, "state": "running", "node_id": "1", "prompt_id": "PID", "display_node_id": "1", "parent_node_id": null, "real_node_id": "1"}}}}
                {"type": "executing", "data": {"node": "1", "display_node": "1", "prompt_id": "PID"}}
                {"type": "progress_state", "data": {"prompt_id": "PID", "nodes": {"1": {"value": 1.0, "max": 1.0, "state": "finished", "node_id": "1", "prompt_id": "PID", "display_node_id": "1", "parent_node_id": null, "real_node_id": "1"}}}}
                {"type": "progress_state", "data": {"prompt_id": "PID", "nodes": {"1": {"value": 1.0, "max": 1.0, "state": "finished", "node_id": "1", "prompt_id": "PID", "display_node_id": "1", "parent_node_id": null, "real_node_id": "1"}, "2": {"value": 0.0, "max": 1.0, "state": "running", "node_id": "2", "prompt_id": "PID", "display_node_id": "2", "parent_node_id": null, "real_node_id": "2"}}}}
                {"type": "executing", "data": {"node": "2", "display_node": "2", "prompt_id": "PID"}}
                {"type": "executed", "data": {"node": "2", "display_node": "2", "output": {"images": [{"filename": "cap_empty_00001_.png", "subfolder": "", "type": "output"}]}, "prompt_id": "PID"}}
                {"type": "progress_state", "data": {"prompt_id": "PID", "nodes": {"1": {"value": 1.0, "max": 1.0, "state": "finished", "node_id": "1", "prompt_id": "PID", "display_node_id": "1", "parent_node_id": null, "real_node_id": "1"}, "2": {"value": 1.0, "max": 1.0, "state": "finished", "node_id": "2", "prompt_id": "PID", "display_node_id": "2", "parent_node_id": null, "real_node_id": "2"}}}}
                {"type": "execution_success", "data": {"prompt_id": "PID"}}
                {"type": "status", "data": {"status": {"exec_info": {"queue_remaining": 0}}}}
                {"type": "executing", "data": {"node": null, "prompt_id": "PID"}}
                """));
    }

    @Test
    void historyEntryHasTheCapturedShape() {
        Client.Response submitted = client.post("/prompt",
                "{\"prompt\": " + Workflows.emptyToSave(16744449, "cap_shape") + ", \"client_id\": \"clientA\"}");
        String id = submitted.json().get("prompt_id").asText();
        long number = submitted.json().get("number").asLong();
        socket.run(id);

        JsonNode history = client.get("/history/" + id).json();
        assertThat(normalize(history, Map.of(id, "PID"))).isEqualTo(Client.json("""
                {"PID": {
                  "prompt": [%d, "PID",
                    {"1": {"class_type": "EmptyImage", "inputs": {"width": 64, "height": 48, "batch_size": 1, "color": 16744449}},
                     "2": {"class_type": "SaveImage", "inputs": {"images": ["1", 0], "filename_prefix": "cap_shape"}}},
                    {"client_id": "clientA"}, ["2"]],
                  "outputs": {"2": {"images": [{"filename": "cap_shape_00001_.png", "subfolder": "", "type": "output"}]}},
                  "status": {"status_str": "success", "completed": true, "messages": [
                    ["execution_start", {"prompt_id": "PID"}],
                    ["execution_cached", {"nodes": [], "prompt_id": "PID"}],
                    ["execution_success", {"prompt_id": "PID"}]]},
                  "meta": {"2": {"node_id": "2", "display_node": "2", "parent_node": null, "real_node_id": "2"}}}}
                """.formatted(number)));
        JsonNode start = history.get(id).get("status").get("messages").get(0).get(1).get("timestamp");
        assertThat(start.isIntegralNumber()).isTrue();
        assertThat(start.asLong()).isGreaterThan(1_600_000_000_000L);
    }

    @Test
    void theSamePromptAgainIsServedFromTheCache() {
        String first = client.submit(Workflows.emptyToSave(16744450, "cap_cached"), "clientA");
        socket.run(first);
        String again = client.submit(Workflows.emptyToSave(16744450, "cap_cached"), "clientA");

        assertThat(normalized(socket.run(again), again)).containsExactlyElementsOf(Frames.captured("""
                {"type": "status", "data": {"status": {"exec_info": {"queue_remaining": 1}}}}
                {"type": "status", "data": {"status": {"exec_info": {"queue_remaining": 1}}}}
                {"type": "execution_start", "data": {"prompt_id": "PID"}}
                {"type": "execution_cached", "data": {"nodes": ["1", "2"], "prompt_id": "PID"}}
                {"type": "executed", "data": {"node": "2", "display_node": "2", "output": {"images": [{"filename": "cap_cached_00001_.png", "subfolder": "", "type": "output"}]}, "prompt_id": "PID"}}
                {"type": "progress_state", "data": {"prompt_id": "PID", "nodes": {"2": {"value": 1, "max": 1, "state": "finished", "node_id": "2", "prompt_id": "PID", "display_node_id": "2", "parent_node_id": null, "real_node_id": "2"}}}}
                {"type": "execution_success", "data": {"prompt_id": "PID"}}
                {"type": "status", "data": {"status": {"exec_info": {"queue_remaining": 0}}}}
                {"type": "executing", "data": {"node": null, "prompt_id": "PID"}}
                """));
        assertThat(client.awaitHistory(again).get("outputs")).isEqualTo(client.awaitHistory(first).get("outputs"));
    }

    @Test
    void cacheIsSharedAcrossClientsForEqualSubgraphs() {
        String forB = client.submit(Workflows.emptyToSave(16744451, "cap_b"), "clientB");
        client.awaitHistory(forB);
        socket.drain();
        String forA = client.submit(Workflows.emptyToSave(16744451, "cap_a"), "clientA");

        JsonNode cached = socket.await(ofType("execution_cached"), Duration.ofSeconds(5));
        assertThat(cached.get("data").get("nodes")).isEqualTo(Client.json("[\"1\"]"));
        socket.run(forA);
    }

    @Test
    void textWorkflowRunsOutputsAsSoonAsTheyAreReady() {
        String id = client.post("/prompt", "{\"prompt\": " + Workflows.TEXT
                + ", \"client_id\": \"clientA\", \"extra_data\": {\"extra_pnginfo\": {\"workflow\": {\"note\": \"opaque\"}}}}")
                .json().get("prompt_id").asText();

        assertThat(normalized(without(socket.run(id), "progress_state"), id)).containsExactlyElementsOf(Frames.captured("""
                {"type": "status", "data": {"status": {"exec_info": {"queue_remaining": 1}}}}
                {"type": "status", "data": {"status": {"exec_info": {"queue_remaining": 1}}}}
                {"type": "execution_start", "data": {"prompt_id": "PID"}}
                {"type": "execution_cached", "data": {"nodes": [], "prompt_id": "PID"}}
                {"type": "executing", "data": {"node": "23", "display_node": "23", "prompt_id": "PID"}}
                {"type": "executing", "data": {"node": "24", "display_node": "24", "prompt_id": "PID"}}
                {"type": "executed", "data": {"node": "24", "display_node": "24", "output": {"text": ["42"]}, "prompt_id": "PID"}}
                {"type": "executing", "data": {"node": "20", "display_node": "20", "prompt_id": "PID"}}
                {"type": "executing", "data": {"node": "21", "display_node": "21", "prompt_id": "PID"}}
                {"type": "executing", "data": {"node": "22", "display_node": "22", "prompt_id": "PID"}}
                {"type": "executed", "data": {"node": "22", "display_node": "22", "output": {"text": ["Hello, World"]}, "prompt_id": "PID"}}
                {"type": "execution_success", "data": {"prompt_id": "PID"}}
                {"type": "status", "data": {"status": {"exec_info": {"queue_remaining": 0}}}}
                {"type": "executing", "data": {"node": null, "prompt_id": "PID"}}
                """));
        JsonNode entry = client.awaitHistory(id);
        assertThat(entry.get("outputs")).isEqualTo(Client.json("{\"24\": {\"text\": [\"42\"]}, \"22\": {\"text\": [\"Hello, World\"]}}"));
        assertThat(entry.get("meta").fieldNames()).toIterable().containsExactly("24", "22");
    }

    @Test
    void samplerReportsProgressPerStep() {
        String id = client.submit(Workflows.t2i("a lighthouse", 7, 3, 64, 64), "clientA");

        List<JsonNode> frames = socket.run(id);
        List<JsonNode> progress = frames.stream().filter(ofType("progress")).toList();
        assertThat(progress).extracting(f -> f.get("data").get("value").asInt()).containsExactly(1, 2, 3);
        assertThat(progress).allSatisfy(f -> {
            assertThat(f.get("data").get("max").asInt()).isEqualTo(3);
            assertThat(f.get("data").get("node").asText()).isEqualTo("3");
            assertThat(f.get("data").get("prompt_id").asText()).isEqualTo(id);
        });
        int executing = types(frames).indexOf("executing");
        assertThat(types(frames).subList(executing, frames.size())).contains("progress_state", "progress", "executed");
    }

    @Test
    void runtimeErrorIsReportedWithTheCapturedShape() {
        client.upload("cap_broken.png", "not an image".getBytes(StandardCharsets.UTF_8), Map.of("overwrite", "true"));
        socket.run(client.submit("""
                {"40": {"class_type": "EmptyImage", "inputs": {"width": 8, "height": 8, "batch_size": 1, "color": 0}},
                 "43": {"class_type": "PreviewImage", "inputs": {"images": ["40", 0]}}}
                """, "clientA"));
        String id = client.submit("""
                {"40": {"class_type": "EmptyImage", "inputs": {"width": 8, "height": 8, "batch_size": 1, "color": 0}},
                 "43": {"class_type": "PreviewImage", "inputs": {"images": ["40", 0]}},
                 "41": {"class_type": "LoadImage", "inputs": {"image": "cap_broken.png"}},
                 "42": {"class_type": "SaveImage", "inputs": {"images": ["41", 0], "filename_prefix": "never"}}}
                """, "clientA");

        List<JsonNode> frames = without(socket.run(id), "progress_state");
        assertThat(types(frames)).containsExactly("status", "status", "execution_start", "execution_cached", "executed",
                "executing", "execution_error", "status", "executing");
        assertThat(frames.get(3).get("data").get("nodes")).isEqualTo(Client.json("[\"40\", \"43\"]"));
        JsonNode error = frames.get(6).get("data");
        assertThat(error.fieldNames()).toIterable().containsExactly("prompt_id", "node_id", "node_type", "executed",
                "exception_message", "exception_type", "traceback", "current_inputs", "current_outputs", "timestamp");
        assertThat(error.get("node_id").asText()).isEqualTo("41");
        assertThat(error.get("node_type").asText()).isEqualTo("LoadImage");
        assertThat(error.get("executed")).isEqualTo(Client.json("[\"43\"]"));
        assertThat(error.get("exception_type").asText()).isEqualTo("PIL.UnidentifiedImageError");
        assertThat(error.get("exception_message").asText())
                .isEqualTo("cannot identify image file '" + comfy.emulator().inputDirectory().resolve("cap_broken.png") + "'\n");
        assertThat(error.get("current_inputs")).isEqualTo(Client.json("{\"image\": [\"cap_broken.png\"]}"));
        assertThat(error.get("current_outputs")).containsExactlyInAnyOrderElementsOf(Client.json("[\"41\", \"40\", \"42\", \"43\"]"));

        JsonNode entry = client.awaitHistory(id);
        assertThat(entry.get("status").get("status_str").asText()).isEqualTo("error");
        assertThat(entry.get("status").get("completed").asBoolean()).isFalse();
        JsonNode messages = entry.get("status").get("messages");
        assertThat(messages.get(messages.size() - 1).get(0).asText()).isEqualTo("execution_error");
        assertThat(messages.get(messages.size() - 1).get(1)).isEqualTo(error);
        assertThat(entry.get("outputs").fieldNames()).toIterable().containsExactly("43");
        assertThat(entry.get("prompt").get(4)).containsExactlyInAnyOrderElementsOf(Client.json("[\"42\", \"43\"]"));
    }

    @Test
    void previewImageWritesToTempWithComfyUiTempNames() {
        String id = client.submit("""
                {"1": {"class_type": "EmptyImage", "inputs": {"width": 8, "height": 8, "batch_size": 2, "color": 99}},
                 "2": {"class_type": "PreviewImage", "inputs": {"images": ["1", 0]}}}
                """, "clientA");
        socket.run(id);

        JsonNode images = client.awaitHistory(id).get("outputs").get("2").get("images");
        assertThat(images).hasSize(2);
        assertThat(images.get(0).get("filename").asText()).matches("ComfyUI_temp_[a-z]{5}_00001_\\.png");
        assertThat(images.get(1).get("filename").asText()).matches("ComfyUI_temp_[a-z]{5}_00002_\\.png");
        assertThat(images.get(0).get("type").asText()).isEqualTo("temp");
    }
}
