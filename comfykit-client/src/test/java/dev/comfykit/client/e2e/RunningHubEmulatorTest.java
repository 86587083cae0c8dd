package dev.comfykit.client.e2e;

import dev.comfykit.client.CancelOutcome;
import dev.comfykit.client.ComfyKit;
import dev.comfykit.client.ComfyKitBuilder;
import dev.comfykit.client.ErrorKind;
import dev.comfykit.client.ExecuteResult;
import dev.comfykit.client.MediaKind;
import dev.comfykit.emulator.ComfyUiEmulatorExtension;
import dev.comfykit.emulator.RunningHubEmulation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Cloud execution end to end with API v1 ({@code runninghubApiVersion=v1}, the old endpoints still work), against the
 * emulator's RunningHub API: success, every failure path, timeout with
 * cancel, queue-full back-off and concurrency limiting.
 */
class RunningHubEmulatorTest {

    @RegisterExtension
    static ComfyUiEmulatorExtension comfy = ComfyUiEmulatorExtension.create(b -> b.stepTime(Duration.ZERO));

    private static ComfyKit kit(UnaryOperator<ComfyKitBuilder> options) {
        // the emulator serves RunningHub's output URLs on 127.0.0.1
        return options.apply(ComfyKit.builder().environment(name -> null).allowPrivateUrls(true)
                .runninghubApiVersion("v1")
                .runninghubUrl(comfy.emulator().runningHubUrl())
                .runninghubApiKey(RunningHubEmulation.DEFAULT_API_KEY)
                .runninghubPollInterval(Duration.ofMillis(20))
                .runninghubTimeout(Duration.ofSeconds(20))).build();
    }

    private static RunningHubEmulation runningHub() {
        return comfy.emulator().runningHub();
    }

    @Test
    void aWorkflowRunsOnTheCloudWithItsParamsAndItsOutputsAreFetchedWithoutTheKey() throws Exception {
        try (ComfyKit kit = kit(b -> b)) {
            ExecuteResult result = kit.execute(RunningHubEmulation.T2I_WORKFLOW_ID,
                    Map.of("prompt", "a red fox", "width", "96", "height", 64)).join().orThrow();

            assertThat(result.getPromptId()).matches("[0-9]{19}");
            assertThat(result.getImagesByVar()).containsOnlyKeys("image");
            // the fake CDN answers 403 to a request that carries the key, so this download proves there was none
            BufferedImage png = ImageIO.read(new ByteArrayInputStream(result.getFiles().get(0).readAllBytes()));
            assertThat(png.getWidth()).isEqualTo(96);
            assertThat(png.getHeight()).isEqualTo(64);
        }
    }

    @Test
    void textAudioAndVideoOutputsLandInTheirLists() {
        try (ComfyKit kit = kit(b -> b)) {
            ExecuteResult text = kit.execute(RunningHubEmulation.TEXT_WORKFLOW_ID, Map.of("text", "Hi")).join()
                    .orThrow();
            assertThat(text.getTextsByVar()).containsEntry("text", List.of("Hi, from ComfyKit"));

            ExecuteResult audio = kit.execute(RunningHubEmulation.AUDIO_WORKFLOW_ID, Map.of("seconds", 0.1)).join()
                    .orThrow();
            assertThat(audio.getFiles()).extracting(f -> f.getKind()).containsOnly(MediaKind.AUDIO);

            ExecuteResult video = kit.execute(RunningHubEmulation.VIDEO_WORKFLOW_ID,
                    Map.of("prompt", "a top", "frames", 2)).join().orThrow();
            assertThat(video.getVideosByVar()).containsOnlyKeys("video");
        }
    }

    @Test
    void mediaIsUploadedAndUsedByTheTask() throws Exception {
        BufferedImage blue = new BufferedImage(4, 4, BufferedImage.TYPE_INT_RGB);
        for (int x = 0; x < 4; x++) {
            for (int y = 0; y < 4; y++) {
                blue.setRGB(x, y, 0x0000FF);
            }
        }
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(blue, "png", png);
        try (ComfyKit kit = kit(b -> b)) {
            ExecuteResult result = kit.execute(RunningHubEmulation.IMAGE_INVERT_WORKFLOW_ID,
                    Map.of("image", png.toByteArray())).join().orThrow();
            BufferedImage inverted = ImageIO.read(new ByteArrayInputStream(result.getFiles().get(0).readAllBytes()));
            assertThat(inverted.getRGB(0, 0) & 0xFFFFFF).isEqualTo(0xFFFF00);
        }
    }

    @Test
    void anAiAppRuns() {
        try (ComfyKit kit = kit(b -> b)) {
            ExecuteResult result = kit.execute("runninghub:app:" + RunningHubEmulation.T2I_APP_ID,
                    Map.of("6.text", "an app prompt", "5.width", 64, "5.height", 64)).join().orThrow();
            assertThat(result.getImages()).hasSize(1);
        }
    }

    @Test
    void aFailingNodeGivesTheRealReason() {
        comfy.faults().failNode("KSampler", "torch.OutOfMemoryError", "CUDA out of memory");
        try (ComfyKit kit = kit(b -> b)) {
            ExecuteResult result = kit.execute(RunningHubEmulation.T2I_WORKFLOW_ID, Map.of("prompt", "x")).join();

            assertThat(result.getError().getKind()).isEqualTo(ErrorKind.EXECUTION);
            assertThat(result.getError().getCode()).isEqualTo("805");
            assertThat(result.getError().getNodeId()).isEqualTo("3");
            assertThat(result.getError().getExceptionType()).isEqualTo("torch.OutOfMemoryError");
            assertThat(result.getMsg()).contains("CUDA out of memory").doesNotContain("success");
        }
    }

    @Test
    void aWorkflowComfyUiRejectsIsAValidationErrorWithTheNodeErrors() {
        try (ComfyKit kit = kit(b -> b)) {
            ExecuteResult result = kit.execute(RunningHubEmulation.T2I_WORKFLOW_ID,
                    Map.of("prompt", "x", "width", 0)).join();

            assertThat(result.getError().getKind()).isEqualTo(ErrorKind.VALIDATION);
            assertThat(result.getError().getCode()).isEqualTo("433");
            assertThat(result.getError().getNodeErrors()).containsKey("5");
            assertThat(result.getMsg()).contains("smaller than min");
        }
    }

    @Test
    void aKeyOfTheOtherSiteIsReportedAsSuch() {
        try (ComfyKit kit = kit(b -> b.runninghubApiKey(RunningHubEmulation.OTHER_SITE_API_KEY))) {
            ExecuteResult result = kit.execute(RunningHubEmulation.T2I_WORKFLOW_ID, Map.of("prompt", "x")).join();
            assertThat(result.getError().getKind()).isEqualTo(ErrorKind.AUTHENTICATION);
            assertThat(result.getMsg()).contains("runninghubUrl", "runninghub.cn");
        }
    }

    @Test
    void aTimeoutCancelsTheTaskOnTheCloud() {
        comfy.faults().stallExecution();
        try (ComfyKit kit = kit(b -> b.runninghubTimeout(Duration.ofSeconds(1)))) {
            ExecuteResult result = kit.execute(RunningHubEmulation.T2I_WORKFLOW_ID, Map.of("prompt", "x")).join();

            assertThat(result.getError().getKind()).isEqualTo(ErrorKind.TIMEOUT);
            assertThat(result.getMsg()).contains(result.getPromptId(), "cancelled on RunningHub");
            await().atMost(Duration.ofSeconds(5)).until(() -> comfy.emulator().queueRemaining() == 0);
        }
    }

    @Test
    void aFullQueueIsWaitedOut() {
        long createsBefore = runningHub().requestsReceived("/task/openapi/create");
        runningHub().failNextCreates(2, 421, null);
        try (ComfyKit kit = kit(b -> b)) {
            assertThat(kit.execute(RunningHubEmulation.TEXT_WORKFLOW_ID, Map.of("text", "q")).join().isCompleted())
                    .isTrue();
        }
        assertThat(runningHub().requestsReceived("/task/openapi/create") - createsBefore).isEqualTo(3);
    }

    @Test
    void aRefusedKeyIsNeverRetried() {
        long createsBefore = runningHub().requestsReceived("/task/openapi/create");
        runningHub().failNextCreates(1, 802, null);
        try (ComfyKit kit = kit(b -> b)) {
            ExecuteResult result = kit.execute(RunningHubEmulation.TEXT_WORKFLOW_ID, Map.of("text", "k")).join();

            assertThat(result.getError().getKind()).isEqualTo(ErrorKind.AUTHENTICATION);
            assertThat(result.getError().getCode()).isEqualTo("802");
        }
        assertThat(runningHub().requestsReceived("/task/openapi/create") - createsBefore).isEqualTo(1);
    }

    @Test
    void gatewayErrorsWhilePollingAreRetried() {
        comfy.faults().failNext("POST", "/task/openapi/outputs", 2, 502);
        try (ComfyKit kit = kit(b -> b)) {
            ExecuteResult result = kit.execute(RunningHubEmulation.TEXT_WORKFLOW_ID, Map.of("text", "g")).join();

            assertThat(result.getTexts()).containsExactly("g, from ComfyKit");
        }
    }

    @Test
    void aTaskTheCloudDoesNotKnowIsLost() {
        try (ComfyKit kit = kit(b -> b)) {
            ExecuteResult result = kit.await("1999999999999999999").join();

            assertThat(result.getError().getKind()).isEqualTo(ErrorKind.LOST);
            assertThat(result.getError().getCode()).isEqualTo("807");
        }
    }

    @Test
    void theLocalConcurrencyLimitKeepsABurstWithinTheAccountsCap() {
        runningHub().maxConcurrentTasks(2);
        long createsBefore = runningHub().requestsReceived("/task/openapi/create");
        try (ComfyKit kit = kit(b -> b.runninghubMaxConcurrency(2))) {
            List<CompletableFuture<ExecuteResult>> burst = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                burst.add(kit.execute(RunningHubEmulation.TEXT_WORKFLOW_ID, Map.of("text", "b" + i)));
            }
            burst.forEach(f -> assertThat(f.join().isCompleted()).isTrue());
        }
        assertThat(runningHub().requestsReceived("/task/openapi/create") - createsBefore)
                .as("no create was refused as queue full").isEqualTo(8);
    }

    @Test
    void cancelStopsARunningTask() {
        comfy.faults().stallExecution();
        try (ComfyKit kit = kit(b -> b)) {
            String taskId = kit.submit(RunningHubEmulation.T2I_WORKFLOW_ID, Map.of("prompt", "x")).join()
                    .getPromptId();
            await().atMost(Duration.ofSeconds(5)).until(() -> comfy.emulator().queueRemaining() == 1);

            assertThat(kit.cancel(taskId).join()).isIn(CancelOutcome.INTERRUPTED, CancelOutcome.REMOVED_FROM_QUEUE);
            ExecuteResult result = kit.await(taskId).join();
            assertThat(result.getError().getCode()).isEqualTo("805");
        }
    }

    @Test
    void theAccountStatusVerifiesTheKey() {
        try (ComfyKit kit = kit(b -> b)) {
            assertThat(kit.runningHubAccountStatus().join()).containsEntry("apiType", "NORMAL");
        }
    }
}
