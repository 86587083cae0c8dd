package dev.comfykit.emulator.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.comfykit.emulator.ComfyUiEmulatorExtension;
import dev.comfykit.emulator.support.Client;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Several emulators in one JVM with different node and model sets, as routing tests need. */
class DifferingServersTest {

    @RegisterExtension
    static ComfyUiEmulatorExtension sd15 = ComfyUiEmulatorExtension.create(b -> b.stepTime(Duration.ZERO)
            .checkpoints(List.of("v1-5-pruned-emaonly.safetensors")).withoutNodes("ImageBlur", "VHS_VideoCombine"));

    @RegisterExtension
    static ComfyUiEmulatorExtension sdxl = ComfyUiEmulatorExtension.create(b -> b.stepTime(Duration.ZERO)
            .checkpoints(List.of("sd_xl_base_1.0.safetensors")).loras(List.of("detail.safetensors"))
            .vaes(List.of("sdxl_vae.safetensors")));

    private static final String T2I_SDXL = """
            {"4": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "sd_xl_base_1.0.safetensors"}},
             "5": {"class_type": "EmptyLatentImage", "inputs": {"width": 64, "height": 64, "batch_size": 1}},
             "6": {"class_type": "CLIPTextEncode", "inputs": {"text": "a cat", "clip": ["4", 1]}},
             "7": {"class_type": "CLIPTextEncode", "inputs": {"text": "", "clip": ["4", 1]}},
             "3": {"class_type": "KSampler", "inputs": {"seed": 1, "steps": 1, "cfg": 7.0, "sampler_name": "euler",
                   "scheduler": "normal", "denoise": 1.0, "model": ["4", 0], "positive": ["6", 0],
                   "negative": ["7", 0], "latent_image": ["5", 0]}},
             "8": {"class_type": "VAEDecode", "inputs": {"samples": ["3", 0], "vae": ["4", 2]}},
             "9": {"class_type": "SaveImage", "inputs": {"filename_prefix": "x", "images": ["8", 0]}}}
            """;

    private static final String BLUR = """
            {"1": {"class_type": "EmptyImage", "inputs": {"width": 8, "height": 8, "batch_size": 1, "color": 0}},
             "2": {"class_type": "ImageBlur", "inputs": {"image": ["1", 0], "blur_radius": 1, "sigma": 1.0}},
             "3": {"class_type": "SaveImage", "inputs": {"images": ["2", 0], "filename_prefix": "x"}}}
            """;

    @Test
    void objectInfoListsOnlyTheNodesAndCheckpointsOfEachServer() {
        JsonNode small = new Client(sd15.baseUrl()).get("/object_info").json();
        JsonNode full = new Client(sdxl.baseUrl()).get("/object_info").json();

        assertThat(small.has("ImageBlur")).isFalse();
        assertThat(small.has("VHS_VideoCombine")).isFalse();
        assertThat(small.has("SaveImage")).isTrue();
        assertThat(full.has("ImageBlur")).isTrue();
        assertThat(small.at("/CheckpointLoaderSimple/input/required/ckpt_name/0").toString())
                .isEqualTo("[\"v1-5-pruned-emaonly.safetensors\"]");
        assertThat(full.at("/CheckpointLoaderSimple/input/required/ckpt_name/0").toString())
                .isEqualTo("[\"sd_xl_base_1.0.safetensors\"]");
        assertThat(new Client(sd15.baseUrl()).get("/object_info/ImageBlur").json().isEmpty()).isTrue();
    }

    @Test
    void aLeftOutNodeIsRefusedAsAnUnknownNodeType() {
        Client.Response refused = new Client(sd15.baseUrl()).post("/prompt", "{\"prompt\": " + BLUR + "}");
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.json().at("/error/type").asText()).isEqualTo("invalid_prompt");
        assertThat(refused.json().at("/error/message").asText())
                .isEqualTo("Cannot execute because node ImageBlur does not exist.");

        assertThat(new Client(sdxl.baseUrl()).post("/prompt", "{\"prompt\": " + BLUR + "}").status()).isEqualTo(200);
    }

    @Test
    void aCheckpointTheServerLacksIsRefusedAsValueNotInList() {
        Client.Response refused = new Client(sd15.baseUrl()).post("/prompt", "{\"prompt\": " + T2I_SDXL + "}");
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.json().at("/node_errors/4/errors/0/type").asText()).isEqualTo("value_not_in_list");
        assertThat(refused.json().at("/node_errors/4/class_type").asText()).isEqualTo("CheckpointLoaderSimple");

        assertThat(new Client(sdxl.baseUrl()).post("/prompt", "{\"prompt\": " + T2I_SDXL + "}").status()).isEqualTo(200);
    }

    private static final String LORA = """
            {"4": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "sd_xl_base_1.0.safetensors"}},
             "10": {"class_type": "LoraLoader", "inputs": {"model": ["4", 0], "clip": ["4", 1],
                    "lora_name": "detail.safetensors", "strength_model": 0.8, "strength_clip": 1.0}},
             "11": {"class_type": "VAELoader", "inputs": {"vae_name": "sdxl_vae.safetensors"}},
             "5": {"class_type": "EmptyLatentImage", "inputs": {"width": 64, "height": 64, "batch_size": 1}},
             "6": {"class_type": "CLIPTextEncode", "inputs": {"text": "a cat", "clip": ["10", 1]}},
             "3": {"class_type": "KSampler", "inputs": {"seed": 1, "steps": 1, "cfg": 7.0, "sampler_name": "euler",
                   "scheduler": "normal", "denoise": 1.0, "model": ["10", 0], "positive": ["6", 0],
                   "negative": ["6", 0], "latent_image": ["5", 0]}},
             "8": {"class_type": "VAEDecode", "inputs": {"samples": ["3", 0], "vae": ["11", 0]}},
             "9": {"class_type": "SaveImage", "inputs": {"filename_prefix": "lora", "images": ["8", 0]}}}
            """;

    @Test
    void loraAndVaeListsArePerServerInObjectInfoModelsAndValidation() {
        JsonNode full = new Client(sdxl.baseUrl()).get("/object_info").json();
        assertThat(full.at("/LoraLoader/input/required/lora_name/0").toString()).isEqualTo("[\"detail.safetensors\"]");
        assertThat(full.at("/VAELoader/input/required/vae_name/0").toString()).isEqualTo("[\"sdxl_vae.safetensors\"]");
        assertThat(new Client(sd15.baseUrl()).get("/object_info").json().at("/LoraLoader/input/required/lora_name/0")
                .toString()).isEqualTo("[]");
        assertThat(new Client(sdxl.baseUrl()).get("/models/loras").json().toString()).isEqualTo("[\"detail.safetensors\"]");
        assertThat(new Client(sdxl.baseUrl()).get("/models/vae").json().toString()).isEqualTo("[\"sdxl_vae.safetensors\"]");

        assertThat(new Client(sdxl.baseUrl()).post("/prompt", "{\"prompt\": " + LORA + "}").status()).isEqualTo(200);
        assertThat(sdxl.emulator().awaitIdle(Duration.ofSeconds(10))).isTrue();
        Client.Response refused = new Client(sd15.baseUrl()).post("/prompt",
                "{\"prompt\": " + LORA.replace("sd_xl_base_1.0", "v1-5-pruned-emaonly") + "}");
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.json().at("/node_errors/10/errors/0/type").asText()).isEqualTo("value_not_in_list");
        assertThat(refused.json().at("/node_errors/11/errors/0/type").asText()).isEqualTo("value_not_in_list");
    }

    @Test
    void faultsArePerInstance() {
        sd15.faults().failNext("GET", "/queue", 1, 503);
        try {
            assertThat(new Client(sdxl.baseUrl()).get("/queue").status()).isEqualTo(200);
            assertThat(new Client(sd15.baseUrl()).get("/queue").status()).isEqualTo(503);
        } finally {
            sd15.faults().clear();
        }
    }
}
