package dev.comfykit.client.internal.dsl;

import dev.comfykit.client.dsl.WorkflowSchema;
import dev.comfykit.client.dsl.ParamSpec;
import dev.comfykit.client.dsl.ParamType;
import dev.comfykit.client.dsl.ParamTarget;
import dev.comfykit.client.dsl.OutputSpec;

import dev.comfykit.client.InvalidWorkflowException;
import dev.comfykit.client.internal.workflow.Workflow;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WorkflowSchemaParserTest {

    private static WorkflowSchema parse(String json) {
        return WorkflowSchemaParser.parse(Workflow.parse(json, "test.json"));
    }

    @Test
    void optionalParamTakesItsDefaultAndTypeFromTheNodeInput() {
        WorkflowSchema schema = parse("""
                {"3": {"class_type": "KSampler", "_meta": {"title": "$seed, $steps.steps, $cfg.cfg, $denoise_on.add"},
                       "inputs": {"seed": 0, "steps": 20, "cfg": 7.5, "add": true, "model": ["4", 0]}}}
                """);
        assertThat(schema.param("seed").getType()).isEqualTo(ParamType.INT);
        assertThat(schema.param("seed").getDefault()).isEqualTo(0);
        assertThat(schema.param("seed").isRequired()).isFalse();
        assertThat(schema.param("steps").getType()).isEqualTo(ParamType.INT);
        assertThat(schema.param("cfg").getType()).isEqualTo(ParamType.FLOAT);
        assertThat(schema.param("denoise_on").getType()).isEqualTo(ParamType.BOOLEAN);
        assertThat(schema.param("denoise_on").getTargets()).containsExactly(new ParamTarget("3", "KSampler", "add"));
    }

    @Test
    void textDefaultsAreStrings() {
        WorkflowSchema schema = parse("""
                {"6": {"class_type": "CLIPTextEncode", "_meta": {"title": "$prompt.text"}, "inputs": {"text": "a cat"}}}
                """);
        assertThat(schema.param("prompt").getType()).isEqualTo(ParamType.STRING);
        assertThat(schema.param("prompt").getDefault()).isEqualTo("a cat");
    }

    @Test
    void requiredParamHasNoDefaultButKeepsTheTypeOfTheCurrentValue() {
        WorkflowSchema schema = parse("""
                {"6": {"class_type": "CLIPTextEncode", "_meta": {"title": "$prompt.text!"}, "inputs": {"text": ""}},
                 "3": {"class_type": "KSampler", "_meta": {"title": "$seed!"}, "inputs": {"seed": 5}}}
                """);
        assertThat(schema.param("prompt").isRequired()).isTrue();
        assertThat(schema.param("prompt").getDefault()).isNull();
        assertThat(schema.param("seed").getType()).isEqualTo(ParamType.INT);
    }

    @Test
    void requiredParamMayTargetAMissingOrLinkedInput() {
        WorkflowSchema schema = parse("""
                {"6": {"class_type": "CLIPTextEncode", "_meta": {"title": "$prompt.text!, $clip.clip!"},
                       "inputs": {"clip": ["4", 1]}}}
                """);
        assertThat(schema.param("prompt").getType()).isEqualTo(ParamType.ANY);
        assertThat(schema.param("clip").isRequired()).isTrue();
    }

    @Test
    void optionalParamWithoutTheFieldIsAnErrorThatNamesNodeTitleAndFix() {
        assertThatThrownBy(() -> parse("""
                {"3": {"class_type": "KSampler", "_meta": {"title": "$seed"}, "inputs": {"steps": 20}}}
                """)).isInstanceOf(InvalidWorkflowException.class)
                .hasMessageContaining("node 3 (KSampler, title '$seed')")
                .hasMessageContaining("has no input 'seed'")
                .hasMessageContaining("$seed!");
        assertThatThrownBy(() -> parse("""
                {"10": {"class_type": "LoadImage", "_meta": {"title": "$~photo:a picture"}, "inputs": {"image": "x.png"}}}
                """)).isInstanceOf(InvalidWorkflowException.class).hasMessageContaining("required: $~photo!");
    }

    @Test
    void optionalParamOnALinkedInputIsAnError() {
        assertThatThrownBy(() -> parse("""
                {"6": {"class_type": "CLIPTextEncode", "_meta": {"title": "$prompt.text"}, "inputs": {"text": ["9", 0]}}}
                """)).isInstanceOf(InvalidWorkflowException.class)
                .hasMessageContaining("is a link")
                .hasMessageContaining("$prompt.text!");
    }

    @Test
    void theSameParamOnSeveralNodesSetsThemAll() {
        WorkflowSchema schema = parse("""
                {"1": {"class_type": "KSampler", "_meta": {"title": "$seed"}, "inputs": {"seed": 1}},
                 "2": {"class_type": "KSampler", "_meta": {"title": "$seed"}, "inputs": {"seed": 2}}}
                """);
        assertThat(schema.getParams()).hasSize(1);
        assertThat(schema.param("seed").getTargets()).extracting(ParamTarget::getNodeId).containsExactly("1", "2");
        assertThat(schema.param("seed").getDefault()).isEqualTo(1);
    }

    @Test
    void aParamRequiredOnOneNodeIsRequired() {
        WorkflowSchema schema = parse("""
                {"1": {"class_type": "A", "_meta": {"title": "$x.v"}, "inputs": {"v": 1}},
                 "2": {"class_type": "B", "_meta": {"title": "$x.w!"}, "inputs": {}}}
                """);
        assertThat(schema.param("x").isRequired()).isTrue();
    }

    @Test
    void intAndFloatTargetsMergeToFloat() {
        WorkflowSchema schema = parse("""
                {"1": {"class_type": "A", "_meta": {"title": "$x.v"}, "inputs": {"v": 1}},
                 "2": {"class_type": "B", "_meta": {"title": "$x.w"}, "inputs": {"w": 1.5}}}
                """);
        assertThat(schema.param("x").getType()).isEqualTo(ParamType.FLOAT);
    }

    @Test
    void tildeMakesAMediaParam() {
        WorkflowSchema schema = parse("""
                {"1": {"class_type": "SomeLoader", "_meta": {"title": "$~picture.file!"}, "inputs": {}}}
                """);
        assertThat(schema.param("picture").getType()).isEqualTo(ParamType.MEDIA);
        assertThat(schema.param("picture").isUpload()).isTrue();
        assertThat(schema.mediaParams()).extracting(ParamSpec::getName).containsExactly("picture");
    }

    @Test
    void loaderNodesAreMediaParamsWithoutTilde() {
        for (String loader : List.of("LoadImage", "LoadAudio", "LoadVideo", "VHS_LoadAudioUpload", "VHS_LoadVideo")) {
            WorkflowSchema schema = parse("{\"1\": {\"class_type\": \"" + loader
                    + "\", \"_meta\": {\"title\": \"$input.file\"}, \"inputs\": {\"file\": \"x.png\"}}}");
            assertThat(schema.param("input").isUpload()).as(loader).isTrue();
        }
    }

    @Test
    void outputMarkerGroupsNodesUnderAVariable() {
        WorkflowSchema schema = parse("""
                {"9": {"class_type": "SaveImage", "_meta": {"title": "$output.cover"}, "inputs": {}},
                 "10": {"class_type": "PreviewImage", "_meta": {"title": "$output.cover"}, "inputs": {}}}
                """);
        assertThat(schema.getOutputs()).singleElement().satisfies(o -> {
            assertThat(o.getVariable()).isEqualTo("cover");
            assertThat(o.getNodeIds()).containsExactly("9", "10");
            assertThat(o.isMarked()).isTrue();
        });
        assertThat(schema.variableOf("9")).isEqualTo("cover");
    }

    @Test
    void saveNodesAreOutputsUnderTheirNodeIdWithoutAMarker() {
        WorkflowSchema schema = parse("""
                {"9": {"class_type": "SaveImage", "inputs": {}},
                 "11": {"class_type": "SaveAudio", "inputs": {}},
                 "12": {"class_type": "VHS_SaveVideo", "inputs": {}},
                 "13": {"class_type": "PreviewImage", "inputs": {}}}
                """);
        assertThat(schema.getOutputs()).extracting(OutputSpec::getVariable).containsExactly("9", "11", "12");
        assertThat(schema.variableOf("13")).isEqualTo("13");
    }

    @Test
    void outputMarkerNeedsAVariableName() {
        assertThatThrownBy(() -> parse("""
                {"9": {"class_type": "SaveImage", "_meta": {"title": "$output"}, "inputs": {}}}
                """)).isInstanceOf(InvalidWorkflowException.class).hasMessageContaining("$output.name");
    }

    @Test
    void invalidMarkerNamesTheNode() {
        assertThatThrownBy(() -> parse("""
                {"9": {"class_type": "SaveImage", "_meta": {"title": "$pro mpt"}, "inputs": {}}}
                """)).isInstanceOf(InvalidWorkflowException.class).hasMessageContaining("node 9 (SaveImage");
    }

    @Test
    void schemaSerialisesForTooling() {
        WorkflowSchema schema = parse("""
                {"6": {"class_type": "CLIPTextEncode", "_meta": {"title": "$prompt.text!"}, "inputs": {"text": ""}},
                 "9": {"class_type": "SaveImage", "_meta": {"title": "$output.image"}, "inputs": {}}}
                """);
        assertThat(schema.toJson()).contains("\"name\":\"prompt\"", "\"type\":\"STRING\"", "\"required\":true",
                "\"upload\":false", "\"node_id\":\"6\"", "\"field\":\"text\"", "\"variable\":\"image\"");
    }
}
