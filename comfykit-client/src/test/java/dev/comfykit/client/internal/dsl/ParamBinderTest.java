package dev.comfykit.client.internal.dsl;

import dev.comfykit.client.dsl.WorkflowSchema;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfykit.client.InvalidParameterException;
import dev.comfykit.client.internal.media.MediaUploader;
import dev.comfykit.client.internal.workflow.Workflow;
import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ParamBinderTest {

    private static final Workflow T2I = Workflow.parse("""
            {"3": {"class_type": "KSampler", "_meta": {"title": "$seed, $steps.steps, $cfg.cfg"},
                   "inputs": {"seed": 0, "steps": 20, "cfg": 7.0, "model": ["4", 0]}},
             "5": {"class_type": "EmptyLatentImage", "_meta": {"title": "$width.width, $height.height, $tiled.tiled"},
                   "inputs": {"width": 512, "height": 512, "batch_size": 1, "tiled": false}},
             "6": {"class_type": "CLIPTextEncode", "_meta": {"title": "$prompt.text!"}, "inputs": {"text": "x"}},
             "10": {"class_type": "LoadImage", "_meta": {"title": "$~image"}, "inputs": {"image": "default.png"}},
             "9": {"class_type": "SaveImage", "_meta": {"title": "$output.image"}, "inputs": {"images": ["8", 0]}}}
            """, "t2i.json");
    private static final WorkflowSchema SCHEMA = WorkflowSchemaParser.parse(T2I);

    private static BoundWorkflow bind(Map<String, ?> params) {
        return ParamBinder.bind(T2I, SCHEMA, params, MediaUploader::needsUpload);
    }

    private static Map<String, Object> params(Object... pairs) {
        Map<String, Object> map = new HashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put((String) pairs[i], pairs[i + 1]);
        }
        return map;
    }

    @Test
    void appliesValuesToACopyAndKeepsDefaults() {
        ObjectNode graph = bind(params("prompt", "a cat", "steps", 30)).graph();
        assertThat(graph.at("/6/inputs/text").asText()).isEqualTo("a cat");
        assertThat(graph.at("/3/inputs/steps").asInt()).isEqualTo(30);
        assertThat(graph.at("/5/inputs/width").asInt()).isEqualTo(512);
        assertThat(T2I.node("6").at("/inputs/text").asText()).as("original untouched").isEqualTo("x");
    }

    @Test
    void textIsCoercedToTheParamType() {
        ObjectNode graph = bind(params("prompt", "a cat", "steps", "42", "cfg", "6.5", "tiled", "true",
                "width", " 768 ")).graph();
        assertThat(graph.at("/3/inputs/steps").isIntegralNumber()).isTrue();
        assertThat(graph.at("/3/inputs/steps").asLong()).isEqualTo(42);
        assertThat(graph.at("/3/inputs/cfg").decimalValue()).isEqualByComparingTo("6.5");
        assertThat(graph.at("/5/inputs/tiled").asBoolean()).isTrue();
        assertThat(graph.at("/5/inputs/width").asInt()).isEqualTo(768);
    }

    @Test
    void wholeFloatsBecomeIntsButFractionsAreRejected() {
        assertThat(bind(params("prompt", "p", "steps", 30.0)).graph().at("/3/inputs/steps").asInt()).isEqualTo(30);
        assertThatThrownBy(() -> bind(params("prompt", "p", "steps", "2.5")))
                .isInstanceOf(InvalidParameterException.class).hasMessageContaining("no fraction");
    }

    @Test
    void seedsUpToUnsigned64BitsAreAccepted() {
        BigInteger max = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);
        assertThat(bind(params("prompt", "p", "seed", max.toString())).graph().at("/3/inputs/seed").bigIntegerValue())
                .isEqualTo(max);
        assertThatThrownBy(() -> bind(params("prompt", "p", "seed", max.add(BigInteger.ONE))))
                .isInstanceOf(InvalidParameterException.class).hasMessageContaining("64 bits");
    }

    @Test
    void aValueThatCannotBecomeTheTypeNamesParamTypeAndValue() {
        assertThatThrownBy(() -> bind(params("prompt", "p", "steps", "abc")))
                .isInstanceOf(InvalidParameterException.class)
                .hasMessageContaining("'steps'").hasMessageContaining("int")
                .hasMessageContaining("\"abc\"")
                .satisfies(e -> assertThat(((InvalidParameterException) e).getParam()).isEqualTo("steps"));
        assertThatThrownBy(() -> bind(params("prompt", "p", "tiled", "maybe")))
                .isInstanceOf(InvalidParameterException.class).hasMessageContaining("true or false");
        assertThatThrownBy(() -> bind(params("prompt", Map.of("a", 1))))
                .isInstanceOf(InvalidParameterException.class).hasMessageContaining("'prompt'");
    }

    @Test
    void missingRequiredParamIsReportedBeforeAnythingIsSubmitted() {
        assertThatThrownBy(() -> bind(params("steps", 3)))
                .isInstanceOf(InvalidParameterException.class)
                .hasMessageContaining("Missing required param 'prompt'")
                .hasMessageContaining("Declared params:");
    }

    @Test
    void nullCountsAsNotGiven() {
        assertThat(bind(params("prompt", "p", "steps", null)).graph().at("/3/inputs/steps").asInt()).isEqualTo(20);
        assertThatThrownBy(() -> bind(params("prompt", null))).isInstanceOf(InvalidParameterException.class);
    }

    @Test
    void unknownParamListsTheDeclaredOnesAndSuggestsTheClosest() {
        assertThatThrownBy(() -> bind(params("promt", "a cat")))
                .isInstanceOf(InvalidParameterException.class)
                .hasMessageContaining("Unknown param 'promt'")
                .hasMessageContaining("did you mean 'prompt'")
                .hasMessageContaining("seed (int, default 0)")
                .hasMessageContaining("prompt (string, required)");
    }

    @Test
    void mediaParamNamingAnUploadedFileIsUsedAsIs() {
        BoundWorkflow bound = bind(params("prompt", "p", "image", "already-there.png"));
        assertThat(bound.uploads()).isEmpty();
        assertThat(bound.graph().at("/10/inputs/image").asText()).isEqualTo("already-there.png");
    }

    @Test
    void mediaParamWithFileOrBytesIsLeftForUpload() {
        BoundWorkflow bound = bind(params("prompt", "p", "image", new byte[]{1, 2, 3}));
        assertThat(bound.uploads()).singleElement().satisfies(u -> assertThat(u.param().getName()).isEqualTo("image"));
        assertThat(bind(params("prompt", "p", "image", Path.of("pom.xml"))).uploads()).hasSize(1);
        assertThat(bind(params("prompt", "p", "image", "https://example.org/cat.png")).uploads()).hasSize(1);
    }

    @Test
    void mediaParamRejectsValuesThatAreNoFile() {
        assertThatThrownBy(() -> bind(params("prompt", "p", "image", 42)))
                .isInstanceOf(InvalidParameterException.class).hasMessageContaining("Media param 'image'");
    }

    @Test
    void seedRandomizerReplacesZeroSeedsOnly() {
        ObjectNode graph = bind(params("prompt", "p")).graph();
        assertThat(SeedRandomizer.randomize(graph, () -> 123456789L)).isEqualTo(1);
        assertThat(graph.at("/3/inputs/seed").asLong()).isEqualTo(123456789L);
        ObjectNode fixed = bind(params("prompt", "p", "seed", 7)).graph();
        assertThat(SeedRandomizer.randomize(fixed, () -> 1L)).isZero();
        assertThat(fixed.at("/3/inputs/seed").asLong()).isEqualTo(7);
    }

    @Test
    void textZeroSeedsAreRandomisedToo() {
        ObjectNode graph = Workflow.parse("""
                {"1": {"class_type": "KSampler", "inputs": {"seed": "0"}},
                 "2": {"class_type": "KSampler", "inputs": {"seed": ["1", 0]}}}
                """, "x").copyGraph();
        assertThat(SeedRandomizer.randomize(graph, () -> 99L)).isEqualTo(1);
        assertThat(graph.at("/1/inputs/seed").asLong()).isEqualTo(99L);
        assertThat(graph.at("/2/inputs/seed").isArray()).isTrue();
    }
}
