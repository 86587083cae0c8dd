package dev.comfykit.client.e2e;

import dev.comfykit.client.CancelOutcome;
import dev.comfykit.client.ComfyKit;
import dev.comfykit.client.ComfyKitBuilder;
import dev.comfykit.client.ErrorKind;
import dev.comfykit.client.ExecuteResult;
import dev.comfykit.emulator.ComfyUiEmulatorExtension;
import dev.comfykit.emulator.RunningHubEmulation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Cloud execution end to end with RunningHub's API v2, the default: {@code /openapi/v2/run/*}, one reason-carrying
 * {@code /openapi/v2/query}, the binary media upload, the key as Bearer only; the same {@link ExecuteResult} as v1.
 */
class RunningHubV2EmulatorTest {

    private static final String RUN_WORKFLOW = "/openapi/v2/run/workflow/";
    private static final String QUERY = "/openapi/v2/query";

    @RegisterExtension
    static ComfyUiEmulatorExtension comfy = ComfyUiEmulatorExtension.create(b -> b.stepTime(Duration.ZERO));

    /** No runninghubApiVersion: v2 is the default. */
    private static ComfyKit kit(UnaryOperator<ComfyKitBuilder> options) {
        return options.apply(ComfyKit.builder().environment(name -> null).allowPrivateUrls(true)
                .runninghubUrl(comfy.emulator().runningHubUrl())
                .runninghubApiKey(RunningHubEmulation.DEFAULT_API_KEY)
                .runninghubPollInterval(Duration.ofMillis(20))
                .runninghubTimeout(Duration.ofSeconds(20))).build();
    }

    private static RunningHubEmulation runningHub() {
        return comfy.emulator().runningHub();
    }

    private static long received(String path) {
        return runningHub().requestsReceived(path);
    }

    @Test
    void aWorkflowRunsThroughTheV2EndpointsByDefault() throws Exception {
        String run = RUN_WORKFLOW + RunningHubEmulation.T2I_WORKFLOW_ID;
        long runs = received(run);
        long queries = received(QUERY);
        long v1Creates = received("/task/openapi/create");
        long v1Outputs = received("/task/openapi/outputs");
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
        assertThat(received(run) - runs).isEqualTo(1);
        assertThat(received(QUERY) - queries).isPositive();
        assertThat(received("/task/openapi/create") - v1Creates).isZero();
        assertThat(received("/task/openapi/outputs") - v1Outputs).isZero();
    }

    @Test
    void textOutputsArriveInlineInTheQueryAnswer() {
        try (ComfyKit kit = kit(b -> b)) {
            ExecuteResult text = kit.execute(RunningHubEmulation.TEXT_WORKFLOW_ID, Map.of("text", "Hi")).join()
                    .orThrow();
            assertThat(text.getTextsByVar()).containsEntry("text", List.of("Hi, from ComfyKit"));
        }
    }

    @Test
    void anAiAppRunsThroughRunAiApp() {
        String run = "/openapi/v2/run/ai-app/" + RunningHubEmulation.T2I_APP_ID;
        long runs = received(run);
        try (ComfyKit kit = kit(b -> b)) {
            ExecuteResult result = kit.execute("runninghub:app:" + RunningHubEmulation.T2I_APP_ID,
                    Map.of("6.text", "an app prompt", "5.width", 64, "5.height", 64)).join().orThrow();
            assertThat(result.getImages()).hasSize(1);
        }
        assertThat(received(run) - runs).isEqualTo(1);
    }

    @Test
    void aFailedTaskCarriesItsReasonAndKindFromTheQuery() {
        comfy.faults().failNode("KSampler", "torch.OutOfMemoryError", "CUDA out of memory");
        try (ComfyKit kit = kit(b -> b)) {
            ExecuteResult result = kit.execute(RunningHubEmulation.T2I_WORKFLOW_ID, Map.of("prompt", "x")).join();

            assertThat(result.getError().getKind()).isEqualTo(ErrorKind.EXECUTION);
            assertThat(result.getError().isRetryable()).isFalse();
            assertThat(result.getError().getCode()).isEqualTo("805");
            assertThat(result.getError().getNodeId()).isEqualTo("3");
            assertThat(result.getError().getExceptionType()).isEqualTo("torch.OutOfMemoryError");
            assertThat(result.getMsg()).contains("CUDA out of memory", result.getPromptId());
        }
    }

    @Test
    void mediaIsUploadedThroughTheBinaryEndpointAndUsedByTheTask() throws Exception {
        long binary = received("/openapi/v2/media/upload/binary");
        long v1Uploads = received("/task/openapi/upload");
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
        assertThat(received("/openapi/v2/media/upload/binary") - binary).isEqualTo(1);
        assertThat(received("/task/openapi/upload") - v1Uploads).isZero();
    }

    @Test
    void cancelStopsATaskWhichV2ThenReportsCancelled() {
        comfy.faults().stallExecution();
        long cancels = received("/task/openapi/cancel");
        try (ComfyKit kit = kit(b -> b)) {
            String taskId = kit.submit(RunningHubEmulation.T2I_WORKFLOW_ID, Map.of("prompt", "x")).join()
                    .getPromptId();
            await().atMost(Duration.ofSeconds(5)).until(() -> comfy.emulator().queueRemaining() == 1);

            assertThat(kit.cancel(taskId).join()).isIn(CancelOutcome.INTERRUPTED, CancelOutcome.REMOVED_FROM_QUEUE);
            ExecuteResult result = kit.await(taskId).join();
            assertThat(result.getError().getKind()).isEqualTo(ErrorKind.CANCELLED);
            assertThat(result.getMsg()).contains(taskId, "cancelled");
        }
        // v2 has no cancel endpoint: v1's takes any task id
        assertThat(received("/task/openapi/cancel") - cancels).isEqualTo(1);
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
    void aRefusedKeyNamesTheProblemAndIsNeverRetried() {
        String run = "/openapi/v2/run/ai-app/" + RunningHubEmulation.T2I_APP_ID;
        long runs = received(run);
        try (ComfyKit kit = kit(b -> b.runninghubApiKey("not-a-key-of-this-account"))) {
            ExecuteResult result = kit.execute("runninghub:app:" + RunningHubEmulation.T2I_APP_ID,
                    Map.of("6.text", "x")).join();

            assertThat(result.getError().getKind()).isEqualTo(ErrorKind.AUTHENTICATION);
            assertThat(result.getError().getCode()).isEqualTo("1002");
            assertThat(result.getMsg()).contains("the API key is invalid");
        }
        assertThat(received(run) - runs).isEqualTo(1);
    }

    @Test
    void aFullQueueIsWaitedOut() {
        String run = RUN_WORKFLOW + RunningHubEmulation.TEXT_WORKFLOW_ID;
        long runs = received(run);
        runningHub().failNextCreates(2, 421, null);
        try (ComfyKit kit = kit(b -> b)) {
            assertThat(kit.execute(RunningHubEmulation.TEXT_WORKFLOW_ID, Map.of("text", "q")).join().isCompleted())
                    .isTrue();
        }
        assertThat(received(run) - runs).isEqualTo(3);
    }

    @Test
    void aTaskTheCloudDoesNotKnowIsLost() {
        try (ComfyKit kit = kit(b -> b)) {
            ExecuteResult result = kit.await("1999999999999999999").join();

            assertThat(result.getError().getKind()).isEqualTo(ErrorKind.LOST);
            assertThat(result.getError().getCode()).isEqualTo("1004");
        }
    }

    @Test
    void aTaskCreatedWithV1IsAwaitedWithV2() {
        try (ComfyKit v1 = kit(b -> b.runninghubApiVersion("v1")); ComfyKit v2 = kit(b -> b)) {
            String taskId = v1.submit(RunningHubEmulation.TEXT_WORKFLOW_ID, Map.of("text", "both")).join()
                    .getPromptId();
            ExecuteResult result = v2.await(taskId).join().orThrow();
            assertThat(result.getTexts()).containsExactly("both, from ComfyKit");
        }
    }
}
