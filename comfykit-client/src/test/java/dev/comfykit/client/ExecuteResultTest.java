package dev.comfykit.client;

import com.fasterxml.jackson.databind.JsonNode;
import dev.comfykit.client.internal.json.Json;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ExecuteResultTest {

    private static OutputFile file(String variable, MediaKind kind, String name) {
        return new OutputFile(variable, "9", kind, name, "", "output", "http://h/view?filename=" + name, null, null);
    }

    private static ExecuteResult completed() {
        return ExecuteResult.builder("abc").duration(1.5)
                .file(file("image", MediaKind.IMAGE, "a.png"))
                .file(file("clip", MediaKind.VIDEO, "b.gif"))
                .file(file("13", MediaKind.AUDIO, "c.wav"))
                .text("caption", "hello")
                .outputs(Map.of("9", Map.of("images", List.of())))
                .build();
    }

    @Test
    void serialisesWithThePythonSdkFieldNames() throws Exception {
        JsonNode json = Json.mapper().readTree(completed().toJson());
        assertThat(json.fieldNames()).toIterable().contains("status", "prompt_id", "duration", "images", "videos",
                "audios", "texts", "images_by_var", "videos_by_var", "audios_by_var", "texts_by_var", "outputs", "msg");
        assertThat(json.get("status").asText()).isEqualTo("completed");
        assertThat(json.get("prompt_id").asText()).isEqualTo("abc");
        assertThat(json.get("images_by_var").get("image").get(0).asText()).endsWith("a.png");
        assertThat(json.get("videos").size()).isEqualTo(1);
        assertThat(json.get("texts_by_var").get("caption").get(0).asText()).isEqualTo("hello");
        assertThat(json.get("msg").isNull()).isTrue();
        assertThat(json.has("error")).isFalse();
        assertThat(json.get("files").get(0).get("node_id").asText()).isEqualTo("9");
    }

    @Test
    void failedResultCarriesMsgAndStructuredError() throws Exception {
        ExecuteResult failed = ExecuteResult.failure("p", 2.0, ExecutionError.builder(ErrorKind.EXECUTION, "boom")
                .node("41", "LoadImage").exception("ValueError", "bad", List.of("line")).build());
        JsonNode json = Json.mapper().readTree(failed.toJson());
        assertThat(json.get("status").asText()).isEqualTo("failed");
        assertThat(json.get("msg").asText()).isEqualTo("boom");
        assertThat(json.get("error").get("kind").asText()).isEqualTo("EXECUTION");
        assertThat(json.get("error").get("retryable").asBoolean()).isFalse();
        assertThat(json.get("error").get("node_id").asText()).isEqualTo("41");
        assertThat(json.get("error").get("exception_type").asText()).isEqualTo("ValueError");
        assertThat(failed.isFailed()).isTrue();
    }

    @Test
    void orThrowGivesTheResultOrAnExceptionCarryingIt() {
        assertThat(completed().orThrow()).isNotNull();
        ExecuteResult failed = ExecuteResult.failure("p", 1.0, ExecutionError.of(ErrorKind.TIMEOUT, "slow"));
        assertThatThrownBy(failed::orThrow).isInstanceOf(ExecutionFailedException.class)
                .hasMessageContaining("prompt p").hasMessageContaining("slow")
                .satisfies(e -> assertThat(((ExecutionFailedException) e).getResult()).isSameAs(failed));
    }

    @Test
    void listsAreDerivedFromFilesAndImmutable() {
        ExecuteResult result = completed();
        assertThat(result.getImages()).hasSize(1);
        assertThat(result.getAudios()).hasSize(1);
        assertThatThrownBy(() -> result.getImages().add("x")).isInstanceOf(UnsupportedOperationException.class);
        ExecuteResult saved = result.withFiles(f -> f.withPath(Path.of("/out", f.getFilename())));
        assertThat(saved.getFiles()).allSatisfy(f -> assertThat(f.getPath()).isNotNull());
        assertThat(result.getFiles()).allSatisfy(f -> assertThat(f.getPath()).isNull());
    }

    @Test
    @SuppressWarnings("unchecked")
    void rawOutputsAreImmutableAtEveryLevelAndDetachedFromTheSource() throws Exception {
        Map<String, Object> raw = Json.toMap(Json.mapper().readTree("""
                {"9": {"images": [{"filename": "a.png", "subfolder": "", "type": "output"}], "animated": [false]}}
                """));
        ExecuteResult result = ExecuteResult.builder("abc").outputs(raw).build();

        Map<String, Object> node = (Map<String, Object>) result.getOutputs().get("9");
        List<Object> images = (List<Object>) node.get("images");
        Map<String, Object> image = (Map<String, Object>) images.get(0);
        assertThatThrownBy(() -> result.getOutputs().remove("9")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> node.put("text", List.of())).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> images.add(Map.of())).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> image.put("filename", "b.png")).isInstanceOf(UnsupportedOperationException.class);

        ((Map<String, Object>) ((List<Object>) ((Map<String, Object>) raw.get("9")).get("images")).get(0))
                .put("filename", "changed-by-the-caller.png");
        assertThat(image).as("the result keeps its own copy").containsEntry("filename", "a.png");
        assertThat(result.withFiles(f -> f).getOutputs()).isEqualTo(result.getOutputs());
        assertThat(Json.mapper().readTree(result.toJson()).at("/outputs/9/images/0/filename").asText())
                .isEqualTo("a.png");
    }

    @Test
    void toMapIsPlainData() {
        Map<String, Object> map = completed().toMap();
        assertThat(map).containsEntry("status", "completed").containsKey("images_by_var");
    }

    @Test
    void mediaKindFollowsOutputKeyThenExtension() {
        assertThat(MediaKind.classify("gifs", "x.gif")).isEqualTo(MediaKind.VIDEO);
        assertThat(MediaKind.classify("gifs", "x.mp4")).isEqualTo(MediaKind.VIDEO);
        assertThat(MediaKind.classify("audio", "x.flac")).isEqualTo(MediaKind.AUDIO);
        assertThat(MediaKind.classify("images", "x.gif")).isEqualTo(MediaKind.IMAGE);
        assertThat(MediaKind.classify("images", "x.webm")).isEqualTo(MediaKind.VIDEO);
        assertThat(MediaKind.classify("images", "x.mp3")).isEqualTo(MediaKind.AUDIO);
        assertThat(MediaKind.classify("3d", "x.glb")).isEqualTo(MediaKind.OTHER);
        assertThat(MediaKind.classify("images", "x.exr")).isEqualTo(MediaKind.IMAGE);
        assertThat(MediaKind.classify(null, "x.latent")).isEqualTo(MediaKind.OTHER);
    }
}
