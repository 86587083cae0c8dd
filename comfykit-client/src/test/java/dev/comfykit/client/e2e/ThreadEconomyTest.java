package dev.comfykit.client.e2e;

import dev.comfykit.client.ComfyKit;
import dev.comfykit.client.ExecuteResult;
import dev.comfykit.client.ExecutorType;
import dev.comfykit.emulator.ComfyUiEmulator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A thousand executions in flight do not need a thousand threads: the client waits without holding any.
 */
class ThreadEconomyTest {

    private static ComfyUiEmulator emulator;

    @BeforeAll
    static void start() {
        emulator = ComfyUiEmulator.builder().stepTime(Duration.ZERO).promptDelay(Duration.ofMillis(200))
                .parallelism(64).start();
    }

    @AfterAll
    static void stop() {
        emulator.close();
    }

    @ParameterizedTest
    @EnumSource(ExecutorType.class)
    void aThousandExecutionsInFlightUseAHandfulOfClientThreads(ExecutorType type) throws Exception {
        AtomicInteger peak = new AtomicInteger();
        ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
        try (ComfyKit kit = ComfyKit.builder().environment(name -> null).comfyuiUrl(emulator.baseUrl())
                .executorType(type).timeout(Duration.ofSeconds(60)).build()) {
            String prefix = "comfykit-" + Integer.toHexString(System.identityHashCode(kit)) + "-";
            sampler.scheduleAtFixedRate(() -> peak.accumulateAndGet(clientThreads(prefix), Math::max), 0, 2,
                    TimeUnit.MILLISECONDS);
            List<CompletableFuture<ExecuteResult>> executions = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                executions.add(kit.execute("classpath:workflows/text.json", Map.of("text", "t" + i)));
            }
            for (CompletableFuture<ExecuteResult> execution : executions) {
                assertThat(execution.join().isCompleted()).isTrue();
            }
        } finally {
            sampler.shutdownNow();
        }
        // a timer, 16 I/O threads, the HTTP workers (2 on 2 cores) and the odd thread the JDK starts to open a socket
        assertThat(peak.get()).as("peak number of live client threads").isLessThanOrEqualTo(1 + 16
                + Math.max(2, Runtime.getRuntime().availableProcessors()) + 2);
    }

    /**
     * This client's threads (named after it), and the unnamed ones the JDK starts to complete asynchronous requests
     * when the common pool has a single thread (2 cores): there must be no thread per request.
     */
    private static int clientThreads(String prefix) {
        int count = 0;
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            String name = thread.getName();
            if (name.startsWith(prefix) || name.startsWith("Thread-")) {
                count++;
            }
        }
        return count;
    }
}
