package dev.comfykit.client.internal.execution;

import com.fasterxml.jackson.databind.JsonNode;
import dev.comfykit.client.ErrorKind;
import dev.comfykit.client.ExecuteResult;
import dev.comfykit.client.MediaKind;
import dev.comfykit.client.OutputFile;
import dev.comfykit.client.internal.comfyui.ComfyUiApi;
import dev.comfykit.client.internal.dsl.WorkflowSchemaParser;
import dev.comfykit.client.internal.http.ComfyUiTransport;
import dev.comfykit.client.internal.http.ServerCredentials;
import dev.comfykit.client.internal.json.Json;
import dev.comfykit.client.internal.workflow.Workflow;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * History entries as captured from ComfyUI v0.3.65 (comfyui-protocol.md) become results.
 */
class HistoryResultMapperTest {

    private final ComfyUiApi api = new ComfyUiApi(new ComfyUiTransport(new dev.comfykit.client.internal.http.HttpSender(HttpClient.newHttpClient(), new dev.comfykit.client.internal.http.IoLanes(Runnable::run)),
            URI.create("http://127.0.0.1:8188"), Duration.ofSeconds(1), new ServerCredentials(null, null, null), 1000));
    private final HistoryResultMapper mapper = new HistoryResultMapper(api, file -> null);

    private static JsonNode json(String text) throws Exception {
        return Json.mapper().readTree(text);
    }

    @Test
    void successfulImageRun() throws Exception {
        JsonNode entry = json("""
                {"prompt": [0, "345d", {"1": {"class_type": "EmptyImage", "inputs": {}},
                  "2": {"class_type": "SaveImage", "inputs": {"images": ["1", 0], "filename_prefix": "cap_empty"}}},
                  {"client_id": "clientA"}, ["2"]],
                 "outputs": {"2": {"images": [{"filename": "cap_empty_00001_.png", "subfolder": "", "type": "output"}]}},
                 "status": {"status_str": "success", "completed": true, "messages": []},
                 "meta": {"2": {"node_id": "2"}}}
                """);
        ExecuteResult result = mapper.map("345d", entry, null, 0.25);
        assertThat(result.getStatus()).isEqualTo("completed");
        assertThat(result.getPromptId()).isEqualTo("345d");
        assertThat(result.getDuration()).isEqualTo(0.25);
        assertThat(result.getImages()).containsExactly(
                "http://127.0.0.1:8188/view?filename=cap_empty_00001_.png&subfolder=&type=output");
        assertThat(result.getImagesByVar()).containsOnlyKeys("2");
        assertThat(result.getOutputs()).containsKey("2");
        assertThat(result.getMsg()).isNull();
    }

    @Test
    void namesAndSubfoldersAreUrlEncoded() throws Exception {
        JsonNode entry = json("""
                {"outputs": {"9": {"images": [{"filename": "cap in (1)&x=y.png", "subfolder": "a b/c", "type": "temp"}]}},
                 "status": {"status_str": "success"}}
                """);
        assertThat(mapper.map("p", entry, null, 1.0).getImages()).containsExactly(
                "http://127.0.0.1:8188/view?filename=cap%20in%20%281%29%26x%3Dy.png&subfolder=a%20b%2Fc&type=temp");
    }

    @Test
    void mediaIsSplitByOutputKeyAndExtensionAndGroupedByVariable() throws Exception {
        Workflow workflow = Workflow.parse("""
                {"9": {"class_type": "SaveImage", "_meta": {"title": "$output.cover"}, "inputs": {}},
                 "12": {"class_type": "VHS_VideoCombine", "_meta": {"title": "$output.clip"}, "inputs": {}},
                 "13": {"class_type": "SaveAudio", "inputs": {}},
                 "22": {"class_type": "PreviewAny", "_meta": {"title": "$output.caption"}, "inputs": {}}}
                """, "x");
        JsonNode entry = json("""
                {"outputs": {
                  "9": {"images": [{"filename": "a.png", "subfolder": "", "type": "output"},
                                   {"filename": "b.webp", "subfolder": "", "type": "output"}]},
                  "12": {"gifs": [{"filename": "clip_00001.gif", "subfolder": "", "type": "output", "format": "image/gif"}]},
                  "13": {"audio": [{"filename": "tone_00001_.wav", "subfolder": "audio", "type": "output"}]},
                  "22": {"text": ["Hello, World"]},
                  "30": {"images": [{"filename": "movie.mp4", "subfolder": "", "type": "output"}], "animated": [true]}},
                 "status": {"status_str": "success"}}
                """);
        ExecuteResult result = mapper.map("p", entry, WorkflowSchemaParser.parse(workflow), 1.0);
        assertThat(result.getImagesByVar()).containsOnlyKeys("cover");
        assertThat(result.getImagesByVar().get("cover")).hasSize(2);
        assertThat(result.getVideosByVar()).containsOnlyKeys("clip", "30");
        assertThat(result.getAudiosByVar()).containsOnlyKeys("13");
        assertThat(result.getTextsByVar()).containsEntry("caption", java.util.List.of("Hello, World"));
        assertThat(result.getTexts()).containsExactly("Hello, World");
        assertThat(result.getFiles()).extracting(OutputFile::getKind).containsExactly(MediaKind.IMAGE,
                MediaKind.IMAGE, MediaKind.VIDEO, MediaKind.AUDIO, MediaKind.VIDEO);
        assertThat(result.filesOf("cover")).hasSize(2);
    }

    @Test
    void variablesAreReadFromTheStoredWorkflowWhenNoSchemaIsKnown() throws Exception {
        JsonNode entry = json("""
                {"prompt": [1, "p", {"9": {"class_type": "SaveImage", "_meta": {"title": "$output.image"}, "inputs": {}}}, {}, ["9"]],
                 "outputs": {"9": {"images": [{"filename": "x.png", "subfolder": "", "type": "output"}]}},
                 "status": {"status_str": "success"}}
                """);
        assertThat(mapper.map("p", entry, null, 1.0).getImagesByVar()).containsOnlyKeys("image");
    }

    @Test
    void executionErrorKeepsEarlierOutputsAndExplainsTheFailingNode() throws Exception {
        JsonNode entry = json("""
                {"outputs": {"43": {"images": [{"filename": "ComfyUI_temp_taksf_00001_.png", "subfolder": "", "type": "temp"}]}},
                 "status": {"status_str": "error", "completed": false, "messages": [
                   ["execution_start", {"prompt_id": "099e", "timestamp": 1}],
                   ["execution_error", {"prompt_id": "099e", "node_id": "41", "node_type": "LoadImage", "executed": ["43"],
                     "exception_message": "cannot identify image file '<comfyui>/input/cap_broken.png'\\n",
                     "exception_type": "PIL.UnidentifiedImageError",
                     "traceback": ["File \\"<comfyui>/execution.py\\", line 498, in execute"],
                     "current_inputs": {"image": ["cap_broken.png"]}, "current_outputs": ["41"], "timestamp": 2}]]}}
                """);
        ExecuteResult result = mapper.map("099e", entry, null, 1.0);
        assertThat(result.getStatus()).isEqualTo("failed");
        assertThat(result.getImages()).hasSize(1);
        assertThat(result.getError().getKind()).isEqualTo(ErrorKind.EXECUTION);
        assertThat(result.getError().getNodeId()).isEqualTo("41");
        assertThat(result.getError().getNodeType()).isEqualTo("LoadImage");
        assertThat(result.getError().getExceptionType()).isEqualTo("PIL.UnidentifiedImageError");
        assertThat(result.getError().getExceptionMessage()).startsWith("cannot identify image file");
        assertThat(result.getError().getTraceback()).hasSize(1);
        assertThat(result.getMsg()).isEqualTo("Node 41 (LoadImage) failed: PIL.UnidentifiedImageError: cannot identify"
                + " image file '<comfyui>/input/cap_broken.png'");
    }

    @Test
    void interruptionIsItsOwnKind() throws Exception {
        JsonNode entry = json("""
                {"outputs": {}, "status": {"status_str": "error", "completed": false, "messages": [
                  ["execution_interrupted", {"prompt_id": "1111", "node_id": "52", "node_type": "ImageBlur", "executed": ["50", "51"]}]]}}
                """);
        ExecuteResult result = mapper.map("1111", entry, null, 1.0);
        assertThat(result.getError().getKind()).isEqualTo(ErrorKind.INTERRUPTED);
        assertThat(result.getMsg()).contains("interrupted", "node 52 (ImageBlur)");
    }
}
