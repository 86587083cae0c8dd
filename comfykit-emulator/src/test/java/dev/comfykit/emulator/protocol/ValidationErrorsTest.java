package dev.comfykit.emulator.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfykit.emulator.ComfyUiEmulatorExtension;
import dev.comfykit.emulator.support.Client;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Validation errors with the exact JSON captured from the real server (protocol §6.1). */
class ValidationErrorsTest {

    @RegisterExtension
    static ComfyUiEmulatorExtension comfy = ComfyUiEmulatorExtension.create(b -> b.stepTime(Duration.ZERO));

    private Client client;

    @BeforeEach
    void setUp() {
        client = new Client(comfy.baseUrl());
    }

    private JsonNode rejected(String prompt) {
        Client.Response r = client.post("/prompt", "{\"prompt\": " + prompt + ", \"client_id\": \"clientA\"}");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.contentType()).isEqualTo("application/json; charset=utf-8");
        return r.json();
    }

    @Test
    void unknownClass() {
        assertThat(rejected("""
                {"1": {"class_type": "NoSuchNode", "inputs": {}},
                 "2": {"class_type": "SaveImage", "inputs": {"images": ["1", 0], "filename_prefix": "x"}}}
                """)).isEqualTo(Client.json("""
                {"error": {"type": "invalid_prompt", "message": "Cannot execute because node NoSuchNode does not exist.",
                           "details": "Node ID '#1'", "extra_info": {}},
                 "node_errors": {}}
                """));
    }

    @Test
    void missingClassType() {
        assertThat(rejected("{\"1\": {\"inputs\": {}}}")).isEqualTo(Client.json("""
                {"error": {"type": "invalid_prompt", "message": "Cannot execute because a node is missing the class_type property.",
                           "details": "Node ID '#1'", "extra_info": {}},
                 "node_errors": {}}
                """));
    }

    @Test
    void noOutputs() {
        assertThat(rejected("""
                {"1": {"class_type": "EmptyImage", "inputs": {"width": 8, "height": 8, "batch_size": 1, "color": 0}}}
                """)).isEqualTo(Client.json("""
                {"error": {"type": "prompt_no_outputs", "message": "Prompt has no outputs", "details": "", "extra_info": {}},
                 "node_errors": {}}
                """));
    }

    @Test
    void missingRequiredInput() {
        assertThat(rejected("""
                {"1": {"class_type": "EmptyImage", "inputs": {"width": 8, "batch_size": 1, "color": 0}},
                 "2": {"class_type": "SaveImage", "inputs": {"images": ["1", 0], "filename_prefix": "x"}}}
                """)).isEqualTo(Client.json("""
                {"error": {"type": "prompt_outputs_failed_validation", "message": "Prompt outputs failed validation", "details": "", "extra_info": {}},
                 "node_errors": {"1": {"errors": [{"type": "required_input_missing", "message": "Required input is missing",
                     "details": "height", "extra_info": {"input_name": "height"}}],
                   "dependent_outputs": ["2"], "class_type": "EmptyImage"}}}
                """));
    }

    @Test
    void valueBelowMin() {
        assertThat(rejected("""
                {"1": {"class_type": "EmptyImage", "inputs": {"width": 0, "height": 8, "batch_size": 1, "color": 0}},
                 "2": {"class_type": "SaveImage", "inputs": {"images": ["1", 0], "filename_prefix": "x"}}}
                """)).isEqualTo(Client.json("""
                {"error": {"type": "prompt_outputs_failed_validation", "message": "Prompt outputs failed validation", "details": "", "extra_info": {}},
                 "node_errors": {"1": {"errors": [{"type": "value_smaller_than_min", "message": "Value 0 smaller than min of 1",
                     "details": "width", "extra_info": {"input_name": "width",
                       "input_config": ["INT", {"default": 512, "min": 1, "max": 16384, "step": 1}], "received_value": 0}}],
                   "dependent_outputs": ["2"], "class_type": "EmptyImage"}}}
                """));
    }

    @Test
    void valueAboveMax() {
        JsonNode error = rejected("""
                {"1": {"class_type": "EmptyImage", "inputs": {"width": 8, "height": 8, "batch_size": 1, "color": 16777216}},
                 "2": {"class_type": "SaveImage", "inputs": {"images": ["1", 0], "filename_prefix": "x"}}}
                """).get("node_errors").get("1").get("errors").get(0);

        assertThat(error.get("type").asText()).isEqualTo("value_bigger_than_max");
        assertThat(error.get("message").asText()).isEqualTo("Value 16777216 bigger than max of 16777215");
    }

    @Test
    void invalidInt() {
        assertThat(rejected("""
                {"1": {"class_type": "EmptyImage", "inputs": {"width": "abc", "height": 8, "batch_size": 1, "color": 0}},
                 "2": {"class_type": "SaveImage", "inputs": {"images": ["1", 0], "filename_prefix": "x"}}}
                """)).isEqualTo(Client.json("""
                {"error": {"type": "prompt_outputs_failed_validation", "message": "Prompt outputs failed validation", "details": "", "extra_info": {}},
                 "node_errors": {"1": {"errors": [{"type": "invalid_input_type", "message": "Failed to convert an input value to a INT value",
                     "details": "width, abc, invalid literal for int() with base 10: 'abc'",
                     "extra_info": {"input_name": "width", "input_config": ["INT", {"default": 512, "min": 1, "max": 16384, "step": 1}],
                       "received_value": "abc", "exception_message": "invalid literal for int() with base 10: 'abc'"}}],
                   "dependent_outputs": ["2"], "class_type": "EmptyImage"}}}
                """));
    }

    @Test
    void valueNotInList() {
        assertThat(rejected("""
                {"1": {"class_type": "EmptyImage", "inputs": {"width": 8, "height": 8, "batch_size": 1, "color": 0}},
                 "3": {"class_type": "ImageScale", "inputs": {"image": ["1", 0], "upscale_method": "magic", "width": 8, "height": 8, "crop": "disabled"}},
                 "2": {"class_type": "SaveImage", "inputs": {"images": ["3", 0], "filename_prefix": "x"}}}
                """)).isEqualTo(Client.json("""
                {"error": {"type": "prompt_outputs_failed_validation", "message": "Prompt outputs failed validation", "details": "", "extra_info": {}},
                 "node_errors": {"3": {"errors": [{"type": "value_not_in_list", "message": "Value not in list",
                     "details": "upscale_method: 'magic' not in ['nearest-exact', 'bilinear', 'area', 'bicubic', 'lanczos']",
                     "extra_info": {"input_name": "upscale_method",
                       "input_config": [["nearest-exact", "bilinear", "area", "bicubic", "lanczos"], {}], "received_value": "magic"}}],
                   "dependent_outputs": ["2"], "class_type": "ImageScale"}}}
                """));
    }

    @Test
    void longComboListsAreSummarised() {
        JsonNode error = rejected("""
                {"4": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "v1-5-pruned-emaonly.safetensors"}},
                 "6": {"class_type": "CLIPTextEncode", "inputs": {"text": "a", "clip": ["4", 1]}},
                 "5": {"class_type": "EmptyLatentImage", "inputs": {"width": 64, "height": 64, "batch_size": 1}},
                 "3": {"class_type": "KSampler", "inputs": {"seed": 1, "steps": 1, "cfg": 7.0, "sampler_name": "magic",
                       "scheduler": "normal", "denoise": 1.0, "model": ["4", 0], "positive": ["6", 0], "negative": ["6", 0], "latent_image": ["5", 0]}},
                 "8": {"class_type": "VAEDecode", "inputs": {"samples": ["3", 0], "vae": ["4", 2]}},
                 "9": {"class_type": "SaveImage", "inputs": {"images": ["8", 0], "filename_prefix": "x"}}}
                """).get("node_errors").get("3").get("errors").get(0);

        assertThat(error.get("details").asText()).matches("sampler_name: 'magic' not in \\(list of length \\d+\\)");
        assertThat(error.get("extra_info").get("input_config").isNull()).isTrue();
    }

    @Test
    void loadImageOfMissingFile() {
        assertThat(rejected("""
                {"1": {"class_type": "LoadImage", "inputs": {"image": "does_not_exist.png"}},
                 "2": {"class_type": "SaveImage", "inputs": {"images": ["1", 0], "filename_prefix": "x"}}}
                """)).isEqualTo(Client.json("""
                {"error": {"type": "prompt_outputs_failed_validation", "message": "Prompt outputs failed validation", "details": "", "extra_info": {}},
                 "node_errors": {"1": {"errors": [{"type": "custom_validation_failed", "message": "Custom validation failed for node",
                     "details": "image - Invalid image file: does_not_exist.png", "extra_info": {"input_name": "image"}}],
                   "dependent_outputs": ["2"], "class_type": "LoadImage"}}}
                """));
    }

    @Test
    void typeMismatch() {
        assertThat(rejected("""
                {"1": {"class_type": "PrimitiveString", "inputs": {"value": "x"}},
                 "2": {"class_type": "ImageInvert", "inputs": {"image": ["1", 0]}},
                 "3": {"class_type": "SaveImage", "inputs": {"images": ["2", 0], "filename_prefix": "x"}}}
                """)).isEqualTo(Client.json("""
                {"error": {"type": "prompt_outputs_failed_validation", "message": "Prompt outputs failed validation", "details": "", "extra_info": {}},
                 "node_errors": {"2": {"errors": [{"type": "return_type_mismatch", "message": "Return type mismatch between linked nodes",
                     "details": "image, received_type(STRING) mismatch input_type(IMAGE)",
                     "extra_info": {"input_name": "image", "input_config": ["IMAGE", {}], "received_type": "STRING", "linked_node": ["1", 0]}}],
                   "dependent_outputs": ["3"], "class_type": "ImageInvert"}}}
                """));
    }

    @Test
    void linkToMissingNode() {
        JsonNode body = rejected("""
                {"2": {"class_type": "SaveImage", "inputs": {"images": ["99", 0], "filename_prefix": "x"}}}
                """);
        JsonNode extra = body.get("node_errors").get("2").get("errors").get(0).get("extra_info");
        assertThat(extra.get("traceback").isArray()).isTrue();
        ((ObjectNode) extra).remove("traceback");

        assertThat(body).isEqualTo(Client.json("""
                {"error": {"type": "prompt_outputs_failed_validation", "message": "Prompt outputs failed validation",
                           "details": "Exception when validating node: '99'", "extra_info": {}},
                 "node_errors": {"2": {"errors": [{"type": "exception_during_validation", "message": "Exception when validating node",
                     "details": "'99'", "extra_info": {"exception_type": "KeyError"}}],
                   "dependent_outputs": ["2"], "class_type": "SaveImage"}}}
                """));
    }

    @Test
    void linkToMissingNodeFurtherUpIsAnInnerValidationError() {
        JsonNode error = rejected("""
                {"1": {"class_type": "ImageInvert", "inputs": {"image": ["99", 0]}},
                 "2": {"class_type": "SaveImage", "inputs": {"images": ["1", 0], "filename_prefix": "x"}}}
                """).get("node_errors").get("1").get("errors").get(0);

        assertThat(error.get("type").asText()).isEqualTo("exception_during_inner_validation");
        assertThat(error.get("extra_info").get("exception_type").asText()).isEqualTo("KeyError");
        assertThat(error.get("extra_info").get("linked_node")).isEqualTo(Client.json("[\"1\", 0]"));
    }

    @Test
    void badLinkShape() {
        assertThat(rejected("""
                {"1": {"class_type": "EmptyImage", "inputs": {"width": 8, "height": 8, "batch_size": 1, "color": 0}},
                 "2": {"class_type": "SaveImage", "inputs": {"images": ["1", 0, 5], "filename_prefix": "x"}}}
                """)).isEqualTo(Client.json("""
                {"error": {"type": "prompt_outputs_failed_validation", "message": "Prompt outputs failed validation",
                           "details": "Bad linked input, must be a length-2 list of [node_id, slot_index]: images", "extra_info": {}},
                 "node_errors": {"2": {"errors": [{"type": "bad_linked_input",
                     "message": "Bad linked input, must be a length-2 list of [node_id, slot_index]", "details": "images",
                     "extra_info": {"input_name": "images", "input_config": ["IMAGE", {"tooltip": "The images to save."}],
                       "received_value": ["1", 0, 5]}}],
                   "dependent_outputs": ["2"], "class_type": "SaveImage"}}}
                """));
    }

    @Test
    void oneValidAndOneInvalidOutputGive200WithNodeErrorsAndOnlyTheValidBranchRuns() {
        Client.Response r = client.post("/prompt", """
                {"prompt": {
                  "1": {"class_type": "EmptyImage", "inputs": {"width": 8, "height": 8, "batch_size": 1, "color": 0}},
                  "2": {"class_type": "SaveImage", "inputs": {"images": ["1", 0], "filename_prefix": "cap_partial"}},
                  "3": {"class_type": "LoadImage", "inputs": {"image": "does_not_exist.png"}},
                  "4": {"class_type": "SaveImage", "inputs": {"images": ["3", 0], "filename_prefix": "x"}}},
                 "client_id": "clientA"}
                """);

        assertThat(r.status()).isEqualTo(200);
        JsonNode json = r.json();
        assertThat(json.get("node_errors")).isEqualTo(Client.json("""
                {"3": {"errors": [{"type": "custom_validation_failed", "message": "Custom validation failed for node",
                    "details": "image - Invalid image file: does_not_exist.png", "extra_info": {"input_name": "image"}}],
                  "dependent_outputs": ["4"], "class_type": "LoadImage"}}
                """));
        JsonNode entry = client.awaitHistory(json.get("prompt_id").asText());
        assertThat(entry.get("prompt").get(4)).isEqualTo(Client.json("[\"2\"]"));
        assertThat(entry.get("outputs").fieldNames()).toIterable().containsExactly("2");
    }

    @Test
    void partialExecutionTargetsValidateAndRunOnlyTheGivenOutputs() {
        Client.Response r = client.post("/prompt", """
                {"prompt": {
                  "1": {"class_type": "EmptyImage", "inputs": {"width": 8, "height": 8, "batch_size": 1, "color": 0}},
                  "2": {"class_type": "SaveImage", "inputs": {"images": ["1", 0], "filename_prefix": "cap_partial"}},
                  "3": {"class_type": "LoadImage", "inputs": {"image": "does_not_exist.png"}},
                  "4": {"class_type": "SaveImage", "inputs": {"images": ["3", 0], "filename_prefix": "x"}}},
                 "client_id": "clientA", "partial_execution_targets": ["2"]}
                """);

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().get("node_errors").size()).isZero();
    }

    @Test
    void rejectedPromptsAreNotQueued() {
        rejected("{\"1\": {\"class_type\": \"NoSuchNode\", \"inputs\": {}}}");

        assertThat(client.get("/queue").json().get("queue_pending").size()).isZero();
    }

    @Test
    void listValuesWrappedInValueAreUnwrapped() {
        Client.Response r = client.post("/prompt", """
                {"prompt": {"1": {"class_type": "PrimitiveString", "inputs": {"value": {"__value__": "wrapped"}}},
                            "2": {"class_type": "PreviewAny", "inputs": {"source": ["1", 0]}}}}
                """);

        assertThat(r.status()).isEqualTo(200);
        JsonNode entry = client.awaitHistory(r.json().get("prompt_id").asText());
        assertThat(entry.get("outputs").get("2").get("text").get(0).asText()).isEqualTo("wrapped");
    }
}
