package dev.comfykit.emulator.protocol;

import static dev.comfykit.emulator.support.Frames.ofType;
import static dev.comfykit.emulator.support.Frames.without;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.comfykit.emulator.ComfyUiEmulatorExtension;
import dev.comfykit.emulator.media.SamplerPainter;
import dev.comfykit.emulator.support.Client;
import dev.comfykit.emulator.support.Socket;
import dev.comfykit.emulator.support.Workflows;
import java.awt.image.BufferedImage;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code previewEvery(N)}: KSampler's preview frames, as ComfyUI sends them with previews enabled. */
class SamplerPreviewsTest {

    @RegisterExtension
    static ComfyUiEmulatorExtension comfy = ComfyUiEmulatorExtension.create(b -> b.stepTime(Duration.ZERO).previewEvery(3));

    @Test
    void everyThirdStepSendsAPreviewAfterItsProgress() {
        Client client = new Client(comfy.baseUrl());
        try (Socket socket = client.socket("previews")) {
            String id = client.submit(Workflows.t2i("a fox", 7, 7, 64, 48), "previews");

            List<JsonNode> frames = without(socket.run(id), "progress_state", "status", "execution_start",
                    "execution_cached", "executing", "executed");
            assertThat(frames).extracting(f -> f.get("type").asText()
                            + (f.has("event_type") ? f.get("event_type").asText() : f.path("data").path("value").asText()))
                    .containsExactly("progress1", "progress2", "progress3", "BINARY1", "progress4", "progress5",
                            "progress6", "BINARY1", "progress7", "execution_success");
            assertThat(frames.get(3).get("image_magic_hex").asText()).isEqualTo("89504e470d0a1a0a");
        }
    }

    @Test
    void aClientWithPreviewMetadataGetsThePromptAndNodeWithEachPreview() {
        Client client = new Client(comfy.baseUrl());
        try (Socket socket = client.socket("previewsMeta")) {
            socket.sendText("{\"type\": \"feature_flags\", \"data\": {\"supports_preview_metadata\": true}}");
            socket.await(ofType("feature_flags"), Duration.ofSeconds(5));
            String id = client.submit(Workflows.t2i("a fox", 8, 3, 64, 48), "previewsMeta");

            List<JsonNode> previews = socket.run(id).stream().filter(ofType("BINARY")).toList();
            assertThat(previews).hasSize(1);
            assertThat(previews.get(0).get("event_type").asInt()).isEqualTo(4);
            assertThat(previews.get(0).get("metadata").get("prompt_id").asText()).isEqualTo(id);
            assertThat(previews.get(0).get("metadata").get("node_id").asText()).isEqualTo("3");
        }
    }

    @Test
    void thePreviewIsAnEighthOfTheImageAndLosesItsNoiseStepByStep() {
        BufferedImage early = SamplerPainter.preview(512, 320, 42, 1, 20);
        BufferedImage late = SamplerPainter.preview(512, 320, 42, 19, 20);
        BufferedImage done = SamplerPainter.preview(512, 320, 42, 20, 20);

        assertThat(early.getWidth()).isEqualTo(64);
        assertThat(early.getHeight()).isEqualTo(40);
        assertThat(distance(late, done)).isLessThan(distance(early, done));
        assertThat(SamplerPainter.preview(512, 320, 42, 5, 20).getRGB(3, 3))
                .as("deterministic").isEqualTo(SamplerPainter.preview(512, 320, 42, 5, 20).getRGB(3, 3));
    }

    private static long distance(BufferedImage a, BufferedImage b) {
        long sum = 0;
        for (int y = 0; y < a.getHeight(); y++) {
            for (int x = 0; x < a.getWidth(); x++) {
                int p = a.getRGB(x, y);
                int q = b.getRGB(x, y);
                for (int shift = 0; shift <= 16; shift += 8) {
                    sum += Math.abs(((p >> shift) & 0xFF) - ((q >> shift) & 0xFF));
                }
            }
        }
        return sum;
    }
}
