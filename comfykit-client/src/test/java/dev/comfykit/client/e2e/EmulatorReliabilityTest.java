package dev.comfykit.client.e2e;

import dev.comfykit.client.ComfyKit;
import dev.comfykit.client.ErrorKind;
import dev.comfykit.client.ExecuteResult;
import dev.comfykit.client.ExecutorType;
import dev.comfykit.emulator.ComfyUiEmulatorExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Faults injected into the emulator: executions end with the right outcome instead of hanging.
 */
class EmulatorReliabilityTest {

    @RegisterExtension
    static ComfyUiEmulatorExtension comfy = ComfyUiEmulatorExtension.create(b -> b.stepTime(Duration.ofMillis(20)));

    private static ComfyKit kit(ExecutorType type, Duration timeout) {
        return ComfyKit.builder().environment(name -> null).comfyuiUrl(comfy.baseUrl()).executorType(type)
                .timeout(timeout).lostPromptGrace(Duration.ofMillis(500)).build();
    }

    private static CompletableFuture<ExecuteResult> t2i(ComfyKit kit) {
        return kit.execute("classpath:workflows/t2i.json", Map.of("prompt", "x", "width", 64, "height", 64));
    }

    @ParameterizedTest
    @EnumSource(ExecutorType.class)
    void aTimeoutCancelsTheRunningPromptOnTheServer(ExecutorType type) {
        comfy.faults().stallExecution();
        try (ComfyKit kit = kit(type, Duration.ofSeconds(1))) {
            ExecuteResult result = t2i(kit).join();

            assertThat(result.getError().getKind()).isEqualTo(ErrorKind.TIMEOUT);
            assertThat(result.getMsg()).contains("interrupted on the server");
            await().atMost(Duration.ofSeconds(5)).until(() -> comfy.emulator().queueRemaining() == 0);
        }
    }

    @ParameterizedTest
    @EnumSource(ExecutorType.class)
    void aRestartedServerMakesThePromptLost(ExecutorType type) {
        comfy.faults().stallExecution();
        try (ComfyKit kit = kit(type, Duration.ofSeconds(20))) {
            CompletableFuture<ExecuteResult> execution = t2i(kit);
            await().atMost(Duration.ofSeconds(5)).until(() -> comfy.emulator().queueRemaining() == 1);

            comfy.faults().restart();

            ExecuteResult result = execution.join();
            assertThat(result.getError().getKind()).isEqualTo(ErrorKind.LOST);
        }
    }

    @Test
    void aDroppedWebSocketIsReconnectedAndTheExecutionCompletes() {
        try (ComfyKit kit = kit(ExecutorType.WEBSOCKET, Duration.ofSeconds(20))) {
            t2i(kit).join().orThrow();
            comfy.faults().dropWebSocketsAfterEvents(3);

            ExecuteResult result = t2i(kit).join();

            assertThat(result.isCompleted()).isTrue();
            await().atMost(Duration.ofSeconds(5)).until(() -> comfy.emulator().webSocketClients() == 1);
        }
    }

    @Test
    void eventsMissedWhileTheSocketWasDownAreReconciled() {
        try (ComfyKit kit = kit(ExecutorType.WEBSOCKET, Duration.ofSeconds(20))) {
            t2i(kit).join().orThrow();
            comfy.faults().stallExecution();
            CompletableFuture<ExecuteResult> execution = t2i(kit);
            await().atMost(Duration.ofSeconds(5)).until(() -> comfy.emulator().queueRemaining() == 1);

            comfy.faults().dropWebSockets();
            comfy.faults().releaseStall();

            assertThat(execution.join().isCompleted()).isTrue();
        }
    }

    @ParameterizedTest
    @EnumSource(ExecutorType.class)
    void failingRequestsDuringPollingAreRetriedUntilTheResultIsIn(ExecutorType type) {
        try (ComfyKit kit = kit(type, Duration.ofSeconds(20))) {
            comfy.faults().failNext("GET", "/history/*", 2, 500).failNext("GET", "/queue", 2, 503);
            assertThat(t2i(kit).join().isCompleted()).isTrue();
        }
    }
}
