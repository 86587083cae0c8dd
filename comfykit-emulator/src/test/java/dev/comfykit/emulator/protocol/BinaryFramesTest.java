package dev.comfykit.emulator.protocol;

import static dev.comfykit.emulator.support.Frames.ofType;
import static dev.comfykit.emulator.support.Frames.normalize;
import static dev.comfykit.emulator.support.Frames.without;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.comfykit.emulator.ComfyUiEmulatorExtension;
import dev.comfykit.emulator.support.Client;
import dev.comfykit.emulator.support.Frames;
import dev.comfykit.emulator.support.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Binary frames: previews of SaveImageWebsocket (types 1 and 4) and GetImageSize's TEXT frame (protocol §3.4, §4.7). */
class BinaryFramesTest {

    @RegisterExtension
    static ComfyUiEmulatorExtension comfy = ComfyUiEmulatorExtension.create(b -> b.stepTime(Duration.ZERO));

    private static final String PREVIEWS = """
            {"30": {"class_type": "EmptyImage", "inputs": {"width": 16, "height": 16, "batch_size": 2, "color": %d}},
             "31": {"class_type": "SaveImageWebsocket", "inputs": {"images": ["30", 0]}}}
            """;

    private Client client;

    @BeforeEach
    void setUp() {
        client = new Client(comfy.baseUrl());
        comfy.emulator().awaitIdle(Duration.ofSeconds(10));
    }

    @Test
    void clientWithPreviewMetadataGetsType4FramesBeforeEachProgress() {
        try (Socket b = client.socket("clientB")) {
            b.sendText("{\"type\": \"feature_flags\", \"data\": {\"supports_preview_metadata\": true}}");
            b.await(ofType("feature_flags"), Duration.ofSeconds(5));
            String id = client.submit(PREVIEWS.formatted(255), "clientB");

            List<JsonNode> frames = without(b.run(id), "progress_state", "status");
            assertThat(frames.stream().map(f -> normalize(f, Map.of(id, "PID"))).toList()).containsExactlyElementsOf(Frames.captured("""
                    {"type": "execution_start", "data": {"prompt_id": "PID"}}
                    {"type": "execution_cached", "data": {"nodes": [], "prompt_id": "PID"}}
                    {"type": "executing", "data": {"node": "30", "display_node": "30", "prompt_id": "PID"}}
                    {"type": "executing", "data": {"node": "31", "display_node": "31", "prompt_id": "PID"}}
                    {"type": "BINARY", "event_type": 4, "binary_len": %1$d, "metadata_len": 168, "metadata": {"node_id": "31", "prompt_id": "PID", "display_node_id": "31", "parent_node_id": null, "real_node_id": "31", "image_type": "image/png"}, "image_magic_hex": "89504e470d0a1a0a"}
                    {"type": "progress", "data": {"value": 0, "max": 2, "prompt_id": "PID", "node": "31"}}
                    {"type": "BINARY", "event_type": 4, "binary_len": %1$d, "metadata_len": 168, "metadata": {"node_id": "31", "prompt_id": "PID", "display_node_id": "31", "parent_node_id": null, "real_node_id": "31", "image_type": "image/png"}, "image_magic_hex": "89504e470d0a1a0a"}
                    {"type": "progress", "data": {"value": 1, "max": 2, "prompt_id": "PID", "node": "31"}}
                    {"type": "execution_success", "data": {"prompt_id": "PID"}}
                    {"type": "executing", "data": {"node": null, "prompt_id": "PID"}}
                    """.formatted(frames.get(4).get("binary_len").asInt())));
            JsonNode entry = client.awaitHistory(id);
            assertThat(entry.get("outputs")).isEmpty();
            assertThat(entry.get("meta")).isEmpty();
        }
    }

    @Test
    void clientWithoutFlagsGetsType1FramesAfterEachProgress() {
        try (Socket a = client.socket("clientA")) {
            String id = client.submit(PREVIEWS.formatted(254), "clientA");

            List<JsonNode> frames = without(a.run(id), "progress_state", "status", "execution_start", "execution_cached", "executing");
            assertThat(frames).extracting(f -> f.get("type").asText() + (f.has("event_type") ? f.get("event_type").asText() : ""))
                    .containsExactly("progress", "BINARY1", "progress", "BINARY1", "execution_success");
            assertThat(frames.get(1).get("image_format_code").asInt()).isEqualTo(2);
            assertThat(frames.get(1).get("image_magic_hex").asText()).isEqualTo("89504e470d0a1a0a");
        }
    }

    @Test
    void previewsOfAPromptWithoutClientGoToEverySocketAsType1() {
        try (Socket a = client.socket("anyA"); Socket b = client.socket("anyB")) {
            b.sendText("{\"type\": \"feature_flags\", \"data\": {\"supports_preview_metadata\": true}}");
            b.await(ofType("feature_flags"), Duration.ofSeconds(5));
            String id = client.submit(PREVIEWS.formatted(253), null);
            client.awaitHistory(id);

            for (Socket s : List.of(a, b)) {
                List<JsonNode> frames = s.until(f -> ofType("status").test(f)
                        && f.get("data").get("status").get("exec_info").get("queue_remaining").asInt() == 0, Duration.ofSeconds(5));
                assertThat(frames.stream().filter(ofType("BINARY")).map(f -> f.get("event_type").asInt()).toList()).containsExactly(1, 1);
            }
        }
    }

    @Test
    void getImageSizeSendsATextFrameToEverySocket() {
        try (Socket mine = client.socket("clientB2"); Socket other = client.socket(null)) {
            String id = client.submit("""
                    {"1": {"class_type": "EmptyImage", "inputs": {"width": 20, "height": 10, "batch_size": 3, "color": 0}},
                     "2": {"class_type": "GetImageSize", "inputs": {"image": ["1", 0]}},
                     "3": {"class_type": "PreviewAny", "inputs": {"source": ["2", 0]}}}
                    """, "clientB2");
            mine.run(id);

            JsonNode text = other.await(ofType("BINARY"), Duration.ofSeconds(5));
            assertThat(text).isEqualTo(Client.json("""
                    {"type": "BINARY", "event_type": 3, "binary_len": 45, "node_id": "2", "text": "width: 20, height: 10\\n batch size: 3"}
                    """));
            assertThat(client.awaitHistory(id).get("outputs").get("3").get("text").get(0).asText()).isEqualTo("20");
        }
    }
}
