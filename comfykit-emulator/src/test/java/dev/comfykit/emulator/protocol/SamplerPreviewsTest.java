package dev.comfykit.emulator.protocol;

import static dev.comfykit.emulator.support.Frames.without;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.comfykit.emulator.ComfyUiEmulatorExtension;
import dev.comfykit.emulator.support.Client;
import dev.comfykit.emulator.support.Socket;
import dev.comfykit.emulator.support.Workflows;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code previewEvery}: a KSampler sends a latent-style preview every N steps, as binary frames. */
class SamplerPreviewsTest {

    @RegisterExtension
    static ComfyUiEmulatorExtension comfy = ComfyUiEmulatorExtension.create(b -> b.stepTime(Duration.ZERO)
            .previewEvery(2));

    @Test
    void aSamplerSendsAPreviewEveryNSteps() {
        Client client = new Client(comfy.baseUrl());
        try (Socket a = client.socket("previewA")) {
            String id = client.submit(Workflows.t2i("previews", 7, 6, 64, 64), "previewA");

            List<JsonNode> frames = without(a.run(id), "progress_state", "status", "execution_start",
                    "execution_cached", "executing", "executed");
            assertThat(frames).extracting(f -> f.get("type").asText()
                            + (f.has("event_type") ? f.get("event_type").asText() : "")
                            + (f.has("data") && f.get("data").has("value") ? f.get("data").get("value").asText() : ""))
                    .containsExactly("progress1", "progress2", "BINARY1", "progress3", "progress4", "BINARY1",
                            "progress5", "progress6", "BINARY1", "execution_success");
            assertThat(frames.get(2).get("image_magic_hex").asText()).isEqualTo("89504e470d0a1a0a");
        }
    }
}
