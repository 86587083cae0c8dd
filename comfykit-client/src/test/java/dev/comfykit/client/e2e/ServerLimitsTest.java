package dev.comfykit.client.e2e;

import dev.comfykit.client.ComfyKit;
import dev.comfykit.client.ErrorKind;
import dev.comfykit.client.ExecuteResult;
import dev.comfykit.client.ExecutorType;
import dev.comfykit.client.InvalidParameterException;
import dev.comfykit.emulator.ComfyUiEmulatorExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Param values are checked against the limits the server declares in {@code /object_info} (range, step, combo
 * options) before anything is uploaded or submitted, with the allowed values in the message; the limits are asked
 * once per node class, and a server that does not tell them is left to check values itself.
 */
class ServerLimitsTest {

    @RegisterExtension
    static ComfyUiEmulatorExtension comfy = ComfyUiEmulatorExtension.create(b -> b.stepTime(Duration.ZERO));

    /** Text to image with a param on every sampler setting, the checkpoint and the size. */
    private static final String WORKFLOW = """
            {"3": {"class_type": "KSampler", "_meta": {"title":
                     "$seed, $steps.steps, $cfg.cfg, $sampler.sampler_name, $scheduler.scheduler, $denoise.denoise"},
                   "inputs": {"seed": 1, "steps": 2, "cfg": 8.0, "sampler_name": "euler", "scheduler": "normal",
                              "denoise": 1.0, "model": ["4", 0], "positive": ["6", 0], "negative": ["7", 0],
                              "latent_image": ["5", 0]}},
             "4": {"class_type": "CheckpointLoaderSimple", "_meta": {"title": "$model.ckpt_name"},
                   "inputs": {"ckpt_name": "v1-5-pruned-emaonly.safetensors"}},
             "5": {"class_type": "EmptyLatentImage", "_meta": {"title": "$width.width, $height.height"},
                   "inputs": {"width": 64, "height": 64, "batch_size": 1}},
             "6": {"class_type": "CLIPTextEncode", "_meta": {"title": "$prompt.text"},
                   "inputs": {"text": "a lighthouse", "clip": ["4", 1]}},
             "7": {"class_type": "CLIPTextEncode", "inputs": {"text": "blurry", "clip": ["4", 1]}},
             "8": {"class_type": "VAEDecode", "inputs": {"samples": ["3", 0], "vae": ["4", 2]}},
             "9": {"class_type": "SaveImage", "_meta": {"title": "$output.image"},
                   "inputs": {"filename_prefix": "limits", "images": ["8", 0]}}}
            """;

    private ComfyKit kit;

    @BeforeEach
    void setUp() {
        comfy.emulator().resetObservations();
    }

    @org.junit.jupiter.api.AfterEach
    void tearDown() {
        if (kit != null) {
            kit.close();
        }
    }

    private ComfyKit kit() {
        kit = ComfyKit.builder().environment(name -> null).comfyuiUrl(comfy.baseUrl())
                .executorType(ExecutorType.HTTP).timeout(Duration.ofSeconds(20)).build();
        return kit;
    }

    /** The exception the execution fails with, after checking that no prompt reached the server. */
    private InvalidParameterException rejected(Map<String, Object> params) {
        Throwable thrown = catchThrowable(() -> kit().executeJson(WORKFLOW, params).join());
        assertThat(thrown).isInstanceOf(CompletionException.class).hasCauseInstanceOf(InvalidParameterException.class);
        assertThat(comfy.emulator().promptsReceived()).as("prompts the server received").isZero();
        return (InvalidParameterException) thrown.getCause();
    }

    @Test
    void aValueAboveTheMaximumFailsBeforeTheServerSeesAPrompt() {
        InvalidParameterException e = rejected(Map.of("steps", 99999));

        assertThat(e.getParam()).isEqualTo("steps");
        assertThat(e.getMessage()).isEqualTo("Param 'steps' = 99999 is above the server's maximum 10000 for"
                + " KSampler.steps (node 3): pass a value from 1 to 10000.");
    }

    @Test
    void aValueBelowTheMinimumFails() {
        assertThat(rejected(Map.of("denoise", "-0.5")).getMessage()).isEqualTo("Param 'denoise' = -0.5 is below the"
                + " server's minimum 0 for KSampler.denoise (node 3): pass a value from 0 to 1 in steps of 0.01.");
    }

    @Test
    void aValueOffTheStepFailsWithTheNearestAllowedValues() {
        assertThat(rejected(Map.of("width", 100)).getMessage()).isEqualTo("Param 'width' = 100 is not on the"
                + " server's step 8 (counted from 16) for EmptyLatentImage.width (node 5): pass a value from 16 to"
                + " 16384 in steps of 8, such as 96 or 104.");
    }

    @Test
    void floatLimitsAreChecked() {
        assertThat(rejected(Map.of("cfg", 100.5)).getMessage()).startsWith(
                "Param 'cfg' = 100.5 is above the server's maximum 100 for KSampler.cfg (node 3)");
        comfy.emulator().resetObservations();
        assertThat(rejected(Map.of("cfg", "7.255")).getMessage()).contains("is not on the server's step 0.01");
    }

    @Test
    void aValueThatIsNotAnOptionFailsWithTheOptionsAndASuggestion() {
        String message = rejected(Map.of("sampler", "eulr")).getMessage();

        assertThat(message).startsWith("Param 'sampler' = 'eulr' is not one of the server's options for"
                + " KSampler.sampler_name (node 3): euler, euler_cfg_pp, euler_ancestral,")
                .endsWith("(did you mean 'euler'?).");
    }

    @Test
    void theCheckpointMustBeOneTheServerHas() {
        comfy.emulator().resetObservations();
        assertThat(rejected(Map.of("model", "v1-5-pruned-emaonly.safetensor")).getMessage())
                .contains("is not one of the server's options for CheckpointLoaderSimple.ckpt_name (node 4)",
                        "did you mean 'v1-5-pruned-emaonly.safetensors'?");
    }

    @Test
    void valuesWithinTheLimitsReachTheServerUnchanged() {
        Map<String, Object> params = new HashMap<>();
        params.put("steps", 3);
        params.put("cfg", "7.25");
        params.put("sampler", "euler_ancestral");
        params.put("scheduler", "karras");
        params.put("denoise", 0.75);
        params.put("width", 96);
        params.put("seed", "18446744073709551615");
        params.put("model", "v1-5-pruned-emaonly.safetensors");

        ExecuteResult result = kit().executeJson(WORKFLOW, params).join().orThrow();

        assertThat(result.getImages()).hasSize(1);
        assertThat(comfy.emulator().lastPromptBody()).contains("\"steps\":3", "\"cfg\":7.25",
                "\"sampler_name\":\"euler_ancestral\"", "\"width\":96", "\"seed\":18446744073709551615");
    }

    @Test
    void theWorkflowsOwnValuesAreNotChecked() {
        String ownWidthOffStep = WORKFLOW.replace("\"width\": 64", "\"width\": 60");

        ExecuteResult result = kit().executeJson(ownWidthOffStep, Map.of("steps", 2)).join();

        assertThat(result.isCompleted()).isTrue();
        assertThat(comfy.emulator().promptsReceived()).isEqualTo(1);
    }

    @Test
    void limitsAreAskedOncePerNodeClassForManyExecutions() {
        ComfyKit client = kit();
        List<CompletableFuture<ExecuteResult>> runs = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            runs.add(client.executeJson(WORKFLOW, Map.of("steps", 2 + i % 3, "sampler", "heun", "width", 64)));
        }
        runs.forEach(run -> assertThat(run.join().isCompleted()).isTrue());
        client.executeJson(WORKFLOW, Map.of("steps", 4)).join().orThrow();

        assertThat(comfy.emulator().requestsReceived("GET", "/object_info/KSampler")).isEqualTo(1);
        assertThat(comfy.emulator().requestsReceived("GET", "/object_info/EmptyLatentImage")).isEqualTo(1);
        assertThat(comfy.emulator().requestsReceived("GET", "/object_info")).as("the whole list").isZero();
        assertThat(comfy.emulator().requestsReceived("GET", "/object_info/*")).as("only classes with params")
                .isEqualTo(2);
    }

    @Test
    void withoutTheLimitsFromTheServerTheCheckIsSkippedAndTheServerDecides() {
        comfy.emulator().faults().failNext("GET", "/object_info/*", 100, 404);
        ComfyKit client = kit();

        ExecuteResult offStep = client.executeJson(WORKFLOW, Map.of("width", 100)).join();
        ExecuteResult tooMany = client.executeJson(WORKFLOW, Map.of("steps", 99999)).join();

        assertThat(offStep.isCompleted()).as("the server takes widths off the step").isTrue();
        assertThat(tooMany.isCompleted()).isFalse();
        assertThat(tooMany.getError().getKind()).isEqualTo(ErrorKind.VALIDATION);
        assertThat(tooMany.getError().getMessage()).contains("ComfyUI rejected the workflow");
        assertThat(comfy.emulator().requestsReceived("GET", "/object_info/KSampler"))
                .as("a failed fetch is not repeated per request").isEqualTo(1);
    }

    @Test
    void limitsTheServerContradictsAreAskedAgain() {
        comfy.emulator().faults().failNext("GET", "/object_info/*", 1, 500);
        ComfyKit client = kit();

        ExecuteResult refusedByServer = client.executeJson(WORKFLOW, Map.of("width", 99999)).join();
        assertThat(refusedByServer.getError().getKind()).isEqualTo(ErrorKind.VALIDATION);
        assertThat(comfy.emulator().promptsReceived()).isEqualTo(1);

        Throwable second = catchThrowable(() -> client.executeJson(WORKFLOW, Map.of("width", 99999)).join());
        assertThat(second).hasCauseInstanceOf(InvalidParameterException.class)
                .hasMessageContaining("above the server's maximum 16384");
        assertThat(comfy.emulator().promptsReceived()).isEqualTo(1);
        assertThat(comfy.emulator().requestsReceived("GET", "/object_info/EmptyLatentImage")).isEqualTo(2);
    }
}
