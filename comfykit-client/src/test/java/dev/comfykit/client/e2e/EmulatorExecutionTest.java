package dev.comfykit.client.e2e;

import dev.comfykit.client.ComfyKit;
import dev.comfykit.client.ErrorKind;
import dev.comfykit.client.ExecuteResult;
import dev.comfykit.client.ExecutorType;
import dev.comfykit.client.MediaKind;
import dev.comfykit.client.OutputFile;
import dev.comfykit.emulator.ComfyUiEmulatorExtension;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Real executions against the embedded ComfyUI emulator, with both executors: the sample workflows run, their
 * outputs land in the right lists and can be downloaded, and failures come back structured.
 */
class EmulatorExecutionTest {

    @RegisterExtension
    static ComfyUiEmulatorExtension comfy = ComfyUiEmulatorExtension.create(b -> b.stepTime(Duration.ZERO));

    private static ComfyKit kit(ExecutorType type) {
        return ComfyKit.builder().environment(name -> null).comfyuiUrl(comfy.baseUrl()).executorType(type)
                .timeout(Duration.ofSeconds(20)).build();
    }

    @ParameterizedTest
    @EnumSource(ExecutorType.class)
    void textToImageRunsWithItsParamsAndTheImageCanBeDownloaded(ExecutorType type) throws Exception {
        try (ComfyKit kit = kit(type)) {
            ExecuteResult result = kit.execute("classpath:workflows/t2i.json",
                    Map.of("prompt", "a red fox", "seed", "42", "width", 96, "height", "64")).join().orThrow();

            assertThat(result.getImagesByVar()).containsOnlyKeys("image");
            OutputFile image = result.getFiles().get(0);
            BufferedImage png = ImageIO.read(new ByteArrayInputStream(kit.download(image).join()));
            assertThat(png.getWidth()).isEqualTo(96);
            assertThat(png.getHeight()).isEqualTo(64);
            assertThat(comfy.emulator().lastPromptBody()).contains("a red fox", "\"seed\":42");
        }
    }

    @ParameterizedTest
    @EnumSource(ExecutorType.class)
    void zeroSeedsAreRandomisedSoEachRunProducesAFreshImage(ExecutorType type) {
        try (ComfyKit kit = kit(type)) {
            Map<String, Object> params = Map.of("prompt", "same prompt", "width", 64, "height", 64);
            ExecuteResult first = kit.execute("classpath:workflows/t2i.json", params).join().orThrow();
            ExecuteResult second = kit.execute("classpath:workflows/t2i.json", params).join().orThrow();
            assertThat(first.getImages()).doesNotContainAnyElementsOf(second.getImages());
        }
    }

    @ParameterizedTest
    @EnumSource(ExecutorType.class)
    void anUploadedImageIsEdited(ExecutorType type) throws Exception {
        BufferedImage blue = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);
        for (int x = 0; x < 8; x++) {
            for (int y = 0; y < 8; y++) {
                blue.setRGB(x, y, 0x0000FF);
            }
        }
        java.io.ByteArrayOutputStream png = new java.io.ByteArrayOutputStream();
        ImageIO.write(blue, "png", png);
        try (ComfyKit kit = kit(type)) {
            ExecuteResult result = kit.execute("classpath:workflows/image-invert.json",
                    Map.of("image", png.toByteArray())).join().orThrow();

            BufferedImage inverted = ImageIO.read(new ByteArrayInputStream(
                    kit.download(result.getFiles().get(0)).join()));
            assertThat(inverted.getRGB(0, 0) & 0xFFFFFF).isEqualTo(0xFFFF00);
        }
    }

    @ParameterizedTest
    @EnumSource(ExecutorType.class)
    void textAudioAndVideoOutputsFillTheirLists(ExecutorType type) {
        try (ComfyKit kit = kit(type)) {
            ExecuteResult text = kit.execute("classpath:workflows/text.json", Map.of("text", "Hello")).join().orThrow();
            assertThat(text.getTextsByVar()).containsEntry("text", java.util.List.of("Hello, from ComfyKit"));

            ExecuteResult audio = kit.execute("classpath:workflows/audio.json", Map.of("seconds", 0.2)).join().orThrow();
            assertThat(audio.getAudiosByVar()).containsOnlyKeys("audio");
            assertThat(audio.getFiles()).extracting(OutputFile::getKind).containsOnly(MediaKind.AUDIO);

            ExecuteResult video = kit.execute("classpath:workflows/video.json",
                    Map.of("prompt", "a spinning top", "frames", 3)).join().orThrow();
            assertThat(video.getVideosByVar()).containsOnlyKeys("video");
            assertThat(video.getVideos().get(0)).contains(".gif");
        }
    }

    @ParameterizedTest
    @EnumSource(ExecutorType.class)
    void theServersValidationErrorsAreStructured(ExecutorType type) throws Exception {
        // the workflow's own value (a param's would be refused by the client, against the server's limits)
        String widthZero;
        try (java.io.InputStream in = getClass().getClassLoader().getResourceAsStream("workflows/t2i.json")) {
            widthZero = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)
                    .replace("\"width\": 512", "\"width\": 0");
        }
        try (ComfyKit kit = kit(type)) {
            ExecuteResult result = kit.executeJson(widthZero, Map.of("prompt", "x")).join();

            assertThat(result.getError().getKind()).isEqualTo(ErrorKind.VALIDATION);
            assertThat(result.getError().getNodeErrors()).containsKey("5");
            assertThat(result.getError().getNodeErrors().get("5").getErrors().get(0).getType())
                    .isEqualTo("value_smaller_than_min");
        }
    }

    @ParameterizedTest
    @EnumSource(ExecutorType.class)
    void aNodeFailingAtRunTimeIsAnExecutionError(ExecutorType type) {
        comfy.faults().failNode("VAEDecode", "torch.OutOfMemoryError", "CUDA out of memory");
        try (ComfyKit kit = kit(type)) {
            ExecuteResult result = kit.execute("classpath:workflows/t2i.json",
                    Map.of("prompt", "x", "width", 64, "height", 64)).join();

            assertThat(result.getError().getKind()).isEqualTo(ErrorKind.EXECUTION);
            assertThat(result.getError().getNodeId()).isEqualTo("8");
            assertThat(result.getError().getNodeType()).isEqualTo("VAEDecode");
            assertThat(result.getError().getExceptionType()).isEqualTo("torch.OutOfMemoryError");
            assertThat(result.getMsg()).contains("CUDA out of memory");
        }
    }

    @ParameterizedTest
    @EnumSource(ExecutorType.class)
    void manyExecutionsInFlightShareOneClient(ExecutorType type) {
        try (ComfyKit kit = kit(type)) {
            var futures = new java.util.ArrayList<java.util.concurrent.CompletableFuture<ExecuteResult>>();
            for (int i = 0; i < 40; i++) {
                futures.add(kit.execute("classpath:workflows/text.json", Map.of("text", "n" + i)));
            }
            var texts = futures.stream().map(f -> f.join().orThrow().getTexts().get(0)).toList();
            assertThat(texts).hasSize(40).doesNotHaveDuplicates();
            if (type == ExecutorType.WEBSOCKET) {
                assertThat(comfy.emulator().webSocketClients()).as("one socket for all executions").isEqualTo(1);
            }
        }
    }

    static boolean differ(byte[] a, byte[] b) {
        return !Arrays.equals(a, b);
    }
}
