package dev.comfykit.client.e2e;

import dev.comfykit.client.ComfyKit;
import dev.comfykit.client.ErrorKind;
import dev.comfykit.client.ExecuteResult;
import dev.comfykit.client.ExecutorType;
import dev.comfykit.emulator.ComfyUiEmulatorExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The WebSocket executor takes a prompt's result from the prompt's own events when it saw all of them (no
 * {@code GET /history/{id}}: the emulator fails every history read in these tests), and from the history when it
 * did not.
 */
class WebSocketResultTest {

    @RegisterExtension
    static ComfyUiEmulatorExtension comfy = ComfyUiEmulatorExtension.create(b -> b.stepTime(Duration.ZERO));

    private static ComfyKit kit() {
        return ComfyKit.builder().environment(name -> null).comfyuiUrl(comfy.baseUrl())
                .executorType(ExecutorType.WEBSOCKET).timeout(Duration.ofSeconds(20)).build();
    }

    private static void historyUnavailable() {
        comfy.faults().failNext("GET", "/history/*", 1_000_000, 500);
    }

    @Test
    void theResultIsAssembledFromThePromptsEventsWithoutReadingTheHistory() {
        historyUnavailable();
        try (ComfyKit kit = kit()) {
            ExecuteResult text = kit.execute("classpath:workflows/text.json", Map.of("text", "Hi")).join().orThrow();
            ExecuteResult image = kit.execute("classpath:workflows/t2i.json",
                    Map.of("prompt", "a fox", "width", 64, "height", 64)).join().orThrow();

            assertThat(text.getTextsByVar()).containsEntry("text", List.of("Hi, from ComfyKit"));
            assertThat(image.getImagesByVar()).containsOnlyKeys("image");
            assertThat(image.getImages().get(0)).startsWith(comfy.baseUrl() + "/view?filename=");
        }
    }

    @Test
    void theApplicationsCallbacksDoNotRunOnTheSocketsListenerThread() {
        historyUnavailable();
        try (ComfyKit kit = kit()) {
            String thread = kit.execute("classpath:workflows/text.json", Map.of("text", "where"))
                    .thenApply(result -> Thread.currentThread().getName()).join();

            // the listener threads are the HTTP client's workers ("comfykit-<id>-http-N"): a slow callback there would
            // hold up the events of every other execution
            assertThat(thread).doesNotContain("-http-");
        }
    }

    @Test
    void aFullyCachedRerunStillHasItsOutputs() {
        historyUnavailable();
        try (ComfyKit kit = kit()) {
            ExecuteResult first = kit.execute("classpath:workflows/text.json", Map.of("text", "again")).join().orThrow();
            ExecuteResult second = kit.execute("classpath:workflows/text.json", Map.of("text", "again")).join().orThrow();

            assertThat(second.getTexts()).isEqualTo(first.getTexts()).containsExactly("again, from ComfyKit");
        }
    }

    @Test
    void aRuntimeFailureIsStructuredFromTheEvents() {
        historyUnavailable();
        comfy.faults().failNode("VAEDecode", "torch.OutOfMemoryError", "CUDA out of memory");
        try (ComfyKit kit = kit()) {
            ExecuteResult result = kit.execute("classpath:workflows/t2i.json",
                    Map.of("prompt", "x", "width", 64, "height", 64)).join();

            assertThat(result.getError().getKind()).isEqualTo(ErrorKind.EXECUTION);
            assertThat(result.getError().getNodeType()).isEqualTo("VAEDecode");
            assertThat(result.getError().getExceptionType()).isEqualTo("torch.OutOfMemoryError");
        }
    }

    @Test
    void whenTheSocketDropsMidPromptTheResultIsReadFromTheHistory() {
        comfy.emulator().resetObservations();
        try (ComfyKit kit = kit()) {
            kit.execute("classpath:workflows/text.json", Map.of("text", "warm")).join().orThrow();
            // execution_start and execution_cached reach the client, then the socket drops: the outputs come later
            comfy.faults().dropWebSocketsAfterEvents(4);

            ExecuteResult result = kit.execute("classpath:workflows/t2i.json",
                    Map.of("prompt", "after a drop", "width", 64, "height", 64)).join().orThrow();

            assertThat(result.getImagesByVar()).containsOnlyKeys("image");
        }
    }
}
