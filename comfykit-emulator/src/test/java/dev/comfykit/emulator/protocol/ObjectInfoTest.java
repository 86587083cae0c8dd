package dev.comfykit.emulator.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.comfykit.emulator.ComfyUiEmulatorExtension;
import dev.comfykit.emulator.support.Client;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** GET /object_info and /object_info/{class} with the captured shapes (protocol §2). */
class ObjectInfoTest {

    @RegisterExtension
    static ComfyUiEmulatorExtension comfy = ComfyUiEmulatorExtension.create(b -> b.stepTime(Duration.ZERO));

    private Client client;

    @BeforeEach
    void setUp() {
        client = new Client(comfy.baseUrl());
    }

    @Test
    void emptyImageAsCaptured() {
        assertThat(client.get("/object_info/EmptyImage").json()).isEqualTo(Client.json("""
                {"EmptyImage": {
                  "input": {"required": {
                    "width": ["INT", {"default": 512, "min": 1, "max": 16384, "step": 1}],
                    "height": ["INT", {"default": 512, "min": 1, "max": 16384, "step": 1}],
                    "batch_size": ["INT", {"default": 1, "min": 1, "max": 4096}],
                    "color": ["INT", {"default": 0, "min": 0, "max": 16777215, "step": 1, "display": "color"}]}},
                  "input_order": {"required": ["width", "height", "batch_size", "color"]},
                  "output": ["IMAGE"], "output_is_list": [false], "output_name": ["IMAGE"],
                  "name": "EmptyImage", "display_name": "EmptyImage", "description": "", "python_module": "nodes",
                  "category": "image", "output_node": false}}
                """));
    }

    @Test
    void saveImageAsCapturedIncludingHiddenInputsAndKeyOrder() {
        JsonNode info = client.get("/object_info/SaveImage").json();

        assertThat(info).isEqualTo(Client.json("""
                {"SaveImage": {
                  "input": {"required": {
                      "images": ["IMAGE", {"tooltip": "The images to save."}],
                      "filename_prefix": ["STRING", {"default": "ComfyUI", "tooltip": "The prefix for the file to save. This may include formatting information such as %date:yyyy-MM-dd% or %Empty Latent Image.width% to include values from nodes."}]},
                    "hidden": {"prompt": "PROMPT", "extra_pnginfo": "EXTRA_PNGINFO"}},
                  "input_order": {"required": ["images", "filename_prefix"], "hidden": ["prompt", "extra_pnginfo"]},
                  "output": [], "output_is_list": [], "output_name": [],
                  "name": "SaveImage", "display_name": "Save Image",
                  "description": "Saves the input images to your ComfyUI output directory.", "python_module": "nodes",
                  "category": "image", "output_node": true}}
                """));
        assertThat(info.get("SaveImage").fieldNames()).toIterable().containsExactly("input", "input_order", "output",
                "output_is_list", "output_name", "name", "display_name", "description", "python_module", "category", "output_node");
    }

    @Test
    void previewAnyAndPrimitiveStringAsCaptured() {
        assertThat(client.get("/object_info/PreviewAny").json()).isEqualTo(Client.json("""
                {"PreviewAny": {"input": {"required": {"source": ["*", {}]}}, "input_order": {"required": ["source"]},
                  "output": [], "output_is_list": [], "output_name": [], "name": "PreviewAny", "display_name": "Preview Any",
                  "description": "", "python_module": "comfy_extras.nodes_preview_any", "category": "utils", "output_node": true}}
                """));
        assertThat(client.get("/object_info/PrimitiveString").json()).isEqualTo(Client.json("""
                {"PrimitiveString": {"input": {"required": {"value": ["STRING", {"multiline": false}]}},
                  "input_order": {"required": ["value"]}, "output": ["STRING"], "output_is_list": [false], "output_name": ["STRING"],
                  "output_tooltips": [null], "name": "PrimitiveString", "display_name": "String", "description": "",
                  "python_module": "comfy_extras.nodes_primitive", "category": "utils/primitive", "output_node": false,
                  "deprecated": false, "experimental": false, "api_node": false}}
                """));
    }

    @Test
    void loadImageListsInputFilesAndIsUploadable() {
        JsonNode image = client.get("/object_info/LoadImage").json().get("LoadImage").get("input").get("required").get("image");

        assertThat(image.get(0).isArray()).isTrue();
        assertThat(image.get(1)).isEqualTo(Client.json("{\"image_upload\": true}"));
    }

    @Test
    void unknownClassGivesEmptyObject() {
        Client.Response r = client.get("/object_info/NoSuchNode");

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.text()).isEqualTo("{}");
    }

    @Test
    void allClassesAreListed() {
        assertThat(client.get("/object_info").json().fieldNames()).toIterable().contains(
                "EmptyImage", "LoadImage", "ImageInvert", "ImageScale", "ImageScaleBy", "SaveImage", "PreviewImage",
                "PrimitiveString", "PrimitiveInt", "PrimitiveFloat", "PrimitiveBoolean", "StringConcatenate", "PreviewAny",
                "CheckpointLoaderSimple", "CLIPTextEncode", "EmptyLatentImage", "KSampler", "VAEDecode", "SaveAudio",
                "VHS_VideoCombine", "EmulatorAudioTone");
    }

    @Test
    void checkpointListOffersTheConfiguredFiles() {
        JsonNode ckpt = client.get("/object_info/CheckpointLoaderSimple").json().get("CheckpointLoaderSimple")
                .get("input").get("required").get("ckpt_name");

        assertThat(ckpt.get(0)).extracting(JsonNode::asText).contains("v1-5-pruned-emaonly.safetensors");
    }

    @Test
    void requestsAreCountedPerRouteSoTestsCanSeeWhatAClientAsked() {
        comfy.emulator().resetObservations();
        client.get("/object_info/KSampler");
        client.get("/api/object_info/KSampler");
        client.get("/object_info/EmptyImage");

        assertThat(comfy.emulator().requestsReceived("GET", "/object_info/KSampler")).isEqualTo(2);
        assertThat(comfy.emulator().requestsReceived("GET", "/object_info/*")).isEqualTo(3);
        assertThat(comfy.emulator().requestsReceived("GET", "/object_info")).isZero();
    }
}
