package dev.comfykit.client.e2e;

import dev.comfykit.client.ComfyKit;
import dev.comfykit.client.ErrorKind;
import dev.comfykit.client.ExecuteResult;
import dev.comfykit.client.ExecutorType;
import dev.comfykit.client.jobs.JobStore;
import dev.comfykit.emulator.ComfyUiEmulatorExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Closing the client (stopping Camel) with prompts in flight: one running and three pending on the server.
 */
class CloseCancelsPromptsTest {

    @RegisterExtension
    static ComfyUiEmulatorExtension comfy = ComfyUiEmulatorExtension.create(b -> b.stepTime(Duration.ofMillis(20)));

    private static List<CompletableFuture<ExecuteResult>> fourInFlight(ComfyKit kit) {
        // the prompts an earlier test left running finish first (its afterEach released the stall)
        assertThat(comfy.emulator().awaitIdle(Duration.ofSeconds(20))).isTrue();
        comfy.faults().stallExecution();
        List<CompletableFuture<ExecuteResult>> executions = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            executions.add(kit.execute("classpath:workflows/t2i.json", Map.of("prompt", "p" + i, "width", 64,
                    "height", 64)));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> comfy.emulator().queueRemaining() == 4);
        return executions;
    }

    @ParameterizedTest
    @EnumSource(ExecutorType.class)
    void closingRemovesThePendingPromptsAndInterruptsTheRunningOne(ExecutorType type) {
        ComfyKit kit = ComfyKit.builder().environment(name -> null).comfyuiUrl(comfy.baseUrl()).executorType(type)
                .build();
        List<CompletableFuture<ExecuteResult>> executions = fourInFlight(kit);

        kit.close();

        assertThat(comfy.emulator().queueRemaining()).isZero();
        executions.forEach(execution -> assertThat(execution.join().getError())
                .satisfies(error -> assertThat(error.getKind()).isEqualTo(ErrorKind.CANCELLED))
                .satisfies(error -> assertThat(error.getMessage()).contains("closed", "cancelOnClose")));
    }

    @Test
    void cancelOnCloseFalseLeavesThemRunning() {
        ComfyKit kit = ComfyKit.builder().environment(name -> null).comfyuiUrl(comfy.baseUrl()).cancelOnClose(false)
                .build();
        fourInFlight(kit);

        kit.close();

        assertThat(comfy.emulator().queueRemaining()).isEqualTo(4);
    }

    @Test
    void withAJobStoreTheJobsAreKeptForAnotherInstance() {
        JobStore store = JobStore.inMemory();
        ComfyKit kit = ComfyKit.builder().environment(name -> null).comfyuiUrl(comfy.baseUrl()).jobStore(store)
                .build();
        fourInFlight(kit);

        kit.close();

        assertThat(comfy.emulator().queueRemaining()).isEqualTo(4);
        // the running one is recorded RUNNING, the others QUEUED: none finished, none cancelled
        assertThat(store.listByState(java.util.EnumSet.of(dev.comfykit.client.jobs.JobState.QUEUED,
                dev.comfykit.client.jobs.JobState.SUBMITTING, dev.comfykit.client.jobs.JobState.RUNNING), 10))
                .hasSize(4)
                .allSatisfy(job -> assertThat(job.isFinished()).isFalse());
    }
}
