package dev.comfykit.client.internal.comfyui;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.comfykit.client.internal.json.Json;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;

import static org.assertj.core.api.Assertions.assertThat;

/** Reading the limits of node inputs from /object_info answers as captured from ComfyUI (protocol §2). */
class InputLimitsTest {

    private static final JsonNodeFactory NODES = JsonNodeFactory.withExactBigDecimals(true);

    /** GET /object_info/EmptyImage, as captured. */
    private static final String EMPTY_IMAGE = """
            {"EmptyImage": {"input": {"required": {
                "width": ["INT", {"default": 512, "min": 1, "max": 16384, "step": 1}],
                "height": ["INT", {"default": 512, "min": 1, "max": 16384, "step": 1}],
                "batch_size": ["INT", {"default": 1, "min": 1, "max": 4096}],
                "color": ["INT", {"default": 0, "min": 0, "max": 16777215, "step": 1, "display": "color"}]}},
              "input_order": {"required": ["width", "height", "batch_size", "color"]},
              "output": ["IMAGE"], "output_is_list": [false], "output_name": ["IMAGE"], "name": "EmptyImage",
              "display_name": "EmptyImage", "description": "", "python_module": "nodes", "category": "image",
              "output_node": false}}
            """;

    /** GET /object_info/LoadImage, as captured: the combo lists the input folder, which changes with uploads. */
    private static final String LOAD_IMAGE = """
            {"LoadImage": {"input": {"required": {
                "image": [["cap_broken.png", "cap_in (1).png", "cap_in.png", "example.png"], {"image_upload": true}]}},
              "input_order": {"required": ["image"]}, "output": ["IMAGE", "MASK"], "name": "LoadImage"}}
            """;

    /** KSampler's inputs as ComfyUI v0.3.65 declares them (shortened lists). */
    private static final String K_SAMPLER = """
            {"KSampler": {"input": {"required": {
                "model": ["MODEL", {"tooltip": "The model used for denoising the input latent."}],
                "seed": ["INT", {"default": 0, "min": 0, "max": 18446744073709551615, "control_after_generate": true}],
                "steps": ["INT", {"default": 20, "min": 1, "max": 10000}],
                "cfg": ["FLOAT", {"default": 8.0, "min": 0.0, "max": 100.0, "step": 0.1, "round": 0.01}],
                "sampler_name": [["euler", "euler_ancestral", "heun", "dpmpp_2m"], {"tooltip": "The algorithm"}],
                "scheduler": ["COMBO", {"options": ["simple", "karras", "normal"]}],
                "denoise": ["FLOAT", {"default": 1.0, "min": 0.0, "max": 1.0, "step": 0.01}]},
              "optional": {"sigma": ["FLOAT", {"min": 0.1, "max": 10.0, "step": 0.1, "round": false}]}}}}
            """;

    private static InputLimits parse(String classType, String json) throws Exception {
        return InputLimits.parse(classType, Json.mapper().readTree(json));
    }

    private static JsonNode number(String value) {
        return NODES.numberNode(new BigDecimal(value));
    }

    @Test
    void intRangesAreReadAndAStepOfOneIsNoStep() throws Exception {
        InputLimit width = parse("EmptyImage", EMPTY_IMAGE).of("width");

        assertThat(width.min()).isEqualByComparingTo("1");
        assertThat(width.max()).isEqualByComparingTo("16384");
        assertThat(width.step()).isNull();
        assertThat(width.describe()).isEqualTo("EmptyImage.width");
        assertThat(width.allowed()).isEqualTo("from 1 to 16384");
    }

    @Test
    void valuesOutsideTheRangeAreNamedWithTheBoundTheyCross() throws Exception {
        InputLimits limits = parse("KSampler", K_SAMPLER);

        assertThat(limits.of("steps").problem(number("10001"))).isEqualTo("is above the server's maximum 10000");
        assertThat(limits.of("steps").problem(number("0"))).isEqualTo("is below the server's minimum 1");
        assertThat(limits.of("steps").problem(number("10000"))).isNull();
        assertThat(limits.of("steps").problem(number("1"))).isNull();
    }

    @Test
    void seedsUpToTheUnsigned64BitMaximumAreWithinRange() throws Exception {
        InputLimit seed = parse("KSampler", K_SAMPLER).of("seed");

        assertThat(seed.problem(number("18446744073709551615"))).isNull();
        assertThat(seed.problem(number("18446744073709551616"))).isEqualTo(
                "is above the server's maximum 18446744073709551615");
        assertThat(seed.problem(number("-1"))).isEqualTo("is below the server's minimum 0");
    }

    @Test
    void floatsFollowTheirRoundingNotTheCoarserUiStep() throws Exception {
        InputLimits limits = parse("KSampler", K_SAMPLER);

        // cfg: step 0.1 but round 0.01, so 7.25 is fine and 7.255 is not
        assertThat(limits.of("cfg").problem(number("7.25"))).isNull();
        assertThat(limits.of("cfg").problem(number("7.255"))).isEqualTo(
                "is not on the server's step 0.01 (counted from 0)");
        assertThat(limits.of("cfg").problem(number("100.5"))).isEqualTo("is above the server's maximum 100");
        // denoise: step 0.01, no round
        assertThat(limits.of("denoise").problem(number("0.35"))).isNull();
        assertThat(limits.of("denoise").problem(number("0.355"))).contains("step 0.01");
        assertThat(limits.of("denoise").problem(NODES.numberNode(0.1 + 0.2))).isNull(); // 0.30000000000000004
        // round: false turns rounding off, the range stays
        assertThat(limits.of("sigma").problem(number("0.123"))).isNull();
        assertThat(limits.of("sigma").problem(number("0.05"))).isEqualTo("is below the server's minimum 0.1");
    }

    @Test
    void anIntStepCountsFromTheMinimum() throws Exception {
        InputLimit width = parse("EmptyLatentImage", """
                {"EmptyLatentImage": {"input": {"required": {
                  "width": ["INT", {"default": 512, "min": 16, "max": 16384, "step": 8}]}}}}
                """).of("width");

        assertThat(width.problem(number("512"))).isNull();
        assertThat(width.problem(number("516"))).isEqualTo("is not on the server's step 8 (counted from 16)");
        assertThat(width.nearestOnStep(new BigDecimal("516"))).extracting(InputLimit::show).containsExactly("512", "520");
        assertThat(width.allowed()).isEqualTo("from 16 to 16384 in steps of 8");
    }

    @Test
    void combosAreReadInBothForms() throws Exception {
        InputLimits limits = parse("KSampler", K_SAMPLER);

        assertThat(limits.of("sampler_name").options()).containsExactly("euler", "euler_ancestral", "heun", "dpmpp_2m");
        assertThat(limits.of("sampler_name").problem(NODES.textNode("eulr"))).isEqualTo(
                "is not one of the server's options");
        assertThat(limits.of("sampler_name").problem(NODES.textNode("heun"))).isNull();
        assertThat(limits.of("scheduler").options()).containsExactly("simple", "karras", "normal");
    }

    @Test
    void linksTextForNumbersAndTypesWithoutLimitsAreNotChecked() throws Exception {
        InputLimits limits = parse("KSampler", K_SAMPLER);

        assertThat(limits.of("model")).isNull();
        assertThat(limits.of("steps").problem(Json.mapper().readTree("[\"4\", 0]"))).isNull();
        assertThat(limits.of("steps").problem(NODES.textNode("many"))).isNull();
    }

    @Test
    void uploadCombosAreLeftOutBecauseUploadsChangeThem() throws Exception {
        assertThat(parse("LoadImage", LOAD_IMAGE).isEmpty()).isTrue();
    }

    @Test
    void anUnknownClassOrAnUnexpectedAnswerHasNoLimits() throws Exception {
        assertThat(parse("NoSuchNode", "{}").isEmpty()).isTrue();
        assertThat(parse("X", "{\"X\": {\"input\": \"weird\"}}").isEmpty()).isTrue();
        assertThat(parse("X", "{\"X\": {\"input\": {\"required\": {\"a\": \"INT\", \"b\": [], \"c\": [[{}]]}}}}")
                .isEmpty()).isTrue();
    }
}
