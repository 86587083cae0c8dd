package dev.comfykit.client.e2e;

import dev.comfykit.client.ComfyKit;
import dev.comfykit.client.ErrorKind;
import dev.comfykit.client.ExecuteResult;
import dev.comfykit.client.ExecutorType;
import dev.comfykit.client.ServerStatus;
import dev.comfykit.emulator.ComfyUiEmulator;
import dev.comfykit.emulator.ComfyUiEmulatorExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A server that dies is noticed in seconds, not at the execution's time limit; blips (a dropped socket that
 * reconnects, a failing poll) fail nothing; a dead server that comes back is up again.
 */
class ServerHealthTest {

    /** The execution's limit: a dead server must be noticed well before it. */
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    /** The bound within which a dead server's prompts fail (not a benchmark: death is noticed in about a second). */
    private static final long NOTICED_WITHIN_SECONDS = 10;

    @RegisterExtension
    static ComfyUiEmulatorExtension comfy = ComfyUiEmulatorExtension.create(b -> b.stepTime(Duration.ofMillis(20)));

    private static ComfyKit kit(String url, ExecutorType type) {
        return ComfyKit.builder().environment(name -> null).comfyuiUrl(url).executorType(type).timeout(TIMEOUT)
                .build();
    }

    private static CompletableFuture<ExecuteResult> t2i(ComfyKit kit) {
        return kit.execute("classpath:workflows/t2i.json", Map.of("prompt", "x", "width", 64, "height", 64));
    }

    private static ServerStatus status(ComfyKit kit) {
        assertThat(kit.servers()).hasSize(1);
        return kit.servers().get(0);
    }

    @ParameterizedTest
    @EnumSource(ExecutorType.class)
    void aServerKilledMidJobFailsItsPromptsWithConnectionInSecondsAndIsUpWhenItComesBack(ExecutorType type)
            throws Exception {
        ComfyUiEmulator first = ComfyUiEmulator.builder().stepTime(Duration.ofMillis(20)).start();
        ComfyUiEmulator server = first;
        int port = server.port();
        String url = server.baseUrl();
        try (ComfyKit kit = kit(url, type)) {
            t2i(kit).join().orThrow();
            assertThat(status(kit).state()).isEqualTo(ServerStatus.State.UP);
            first.faults().stallExecution();
            CompletableFuture<ExecuteResult> execution = t2i(kit);
            await().atMost(Duration.ofSeconds(5)).until(() -> first.queueRemaining() == 1);

            first.close();

            ExecuteResult result = execution.get(NOTICED_WITHIN_SECONDS, TimeUnit.SECONDS);
            assertThat(result.getError().getKind()).isEqualTo(ErrorKind.CONNECTION);
            assertThat(result.getMsg()).contains(url).contains("may or may not have run");
            ServerStatus down = status(kit);
            assertThat(down.state()).isEqualTo(ServerStatus.State.DOWN);
            assertThat(down.url()).isEqualTo(url);
            assertThat(down.lastError()).isNotBlank();

            server = ComfyUiEmulator.start(port);
            await().atMost(Duration.ofSeconds(10)).until(() -> status(kit).state() == ServerStatus.State.UP);
            assertThat(t2i(kit).join().isCompleted()).isTrue();
        } finally {
            server.close();
        }
    }

    @Test
    void theQueueDepthIsKnownWhilePromptsWait() {
        try (ComfyKit kit = kit(comfy.baseUrl(), ExecutorType.HTTP)) {
            comfy.faults().stallExecution();
            CompletableFuture<ExecuteResult> first = t2i(kit);
            CompletableFuture<ExecuteResult> second = t2i(kit);

            await().atMost(Duration.ofSeconds(5)).until(() -> Integer.valueOf(2).equals(status(kit).queueDepth()));
            comfy.faults().releaseStall();
            assertThat(first.join().isCompleted()).isTrue();
            assertThat(second.join().isCompleted()).isTrue();
        }
    }

    @Test
    void aDroppedWebSocketThatReconnectsFailsNothing() {
        try (ComfyKit kit = kit(comfy.baseUrl(), ExecutorType.WEBSOCKET)) {
            t2i(kit).join().orThrow();
            comfy.faults().stallExecution();
            CompletableFuture<ExecuteResult> execution = t2i(kit);
            await().atMost(Duration.ofSeconds(5)).until(() -> comfy.emulator().queueRemaining() == 1);

            comfy.faults().dropWebSockets();
            // longer than it takes to call a dead server down
            await().pollDelay(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10))
                    .until(() -> comfy.emulator().webSocketClients() == 1);
            assertThat(execution).isNotDone();
            assertThat(status(kit).state()).isEqualTo(ServerStatus.State.UP);
            comfy.faults().releaseStall();

            assertThat(execution.join().isCompleted()).isTrue();
        }
    }

    @ParameterizedTest
    @EnumSource(ExecutorType.class)
    void failingPollsDuringALongJobFailNothing(ExecutorType type) {
        try (ComfyKit kit = kit(comfy.baseUrl(), type)) {
            comfy.faults().stallExecution();
            CompletableFuture<ExecuteResult> execution = t2i(kit);
            await().atMost(Duration.ofSeconds(5)).until(() -> comfy.emulator().queueRemaining() == 1);

            comfy.faults().failNext("GET", "/history/*", 3, 503).failNext("GET", "/queue", 1, 500);
            await().pollDelay(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5)).until(() -> true);
            assertThat(execution).isNotDone();
            assertThat(status(kit).state()).isNotEqualTo(ServerStatus.State.DOWN);
            comfy.faults().releaseStall();

            assertThat(execution.join().isCompleted()).isTrue();
            await().atMost(Duration.ofSeconds(5)).until(() -> status(kit).state() == ServerStatus.State.UP);
        }
    }
}
