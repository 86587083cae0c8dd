package dev.comfykit.emulator;

import static dev.comfykit.emulator.support.Frames.ofType;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.comfykit.emulator.support.Client;
import dev.comfykit.emulator.support.Socket;
import dev.comfykit.emulator.support.Workflows;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Builder options: parallelism, per-prompt delay, step time, output cache, data directory. */
class EmulatorOptionsTest {

    @Test
    void parallelismRunsSeveralPromptsAtOnce() {
        try (ComfyUiEmulator comfy = ComfyUiEmulator.builder().parallelism(4).stepTime(Duration.ZERO).start()) {
            Client client = new Client(comfy.baseUrl());
            comfy.faults().stallExecution();
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                ids.add(client.submit(Workflows.emptyToSave(i, "par"), null));
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (client.get("/queue").json().get("queue_running").size() < 4) {
                assertThat(System.nanoTime()).isLessThan(deadline);
                Thread.onSpinWait();
            }

            JsonNode queue = client.get("/queue").json();
            assertThat(queue.get("queue_running")).hasSize(4);
            assertThat(queue.get("queue_pending")).hasSize(1);
            comfy.faults().releaseStall();
            ids.forEach(client::awaitHistory);
        }
    }

    @Test
    void defaultParallelismRunsOnePromptAtATime() {
        try (ComfyUiEmulator comfy = ComfyUiEmulator.builder().stepTime(Duration.ZERO).start()) {
            Client client = new Client(comfy.baseUrl());
            comfy.faults().stallExecution();
            client.submit(Workflows.emptyToSave(1, "one"), null);
            client.submit(Workflows.emptyToSave(2, "one"), null);

            JsonNode queue = client.get("/queue").json();
            assertThat(queue.get("queue_running").size() + queue.get("queue_pending").size()).isEqualTo(2);
            assertThat(queue.get("queue_running").size()).isLessThanOrEqualTo(1);
            comfy.faults().releaseStall();
        }
    }

    @Test
    void promptDelayAndStepTimeMakePromptsTakeLonger() {
        try (ComfyUiEmulator comfy = ComfyUiEmulator.builder().promptDelay(Duration.ofMillis(150)).stepTime(Duration.ofMillis(30)).start()) {
            Client client = new Client(comfy.baseUrl());
            long start = System.nanoTime();
            client.awaitHistory(client.submit(Workflows.t2i("slow", 1, 5, 64, 64), null));

            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
        }
    }

    @Test
    void outputCacheCanBeTurnedOff() {
        try (ComfyUiEmulator comfy = ComfyUiEmulator.builder().outputCache(false).stepTime(Duration.ZERO).start()) {
            Client client = new Client(comfy.baseUrl());
            try (Socket s = client.socket("nocache")) {
                s.run(client.submit(Workflows.emptyToSave(3, "nocache"), "nocache"));
                client.submit(Workflows.emptyToSave(3, "nocache"), "nocache");

                assertThat(s.await(ofType("execution_cached"), Duration.ofSeconds(5)).get("data").get("nodes")).isEmpty();
            }
        }
    }

    @Test
    void temporaryDataDirectoryIsDeletedOnCloseAndAGivenOneIsKept(@TempDir Path kept) {
        Path temporary;
        try (ComfyUiEmulator comfy = ComfyUiEmulator.start()) {
            temporary = comfy.dataDirectory();
            assertThat(temporary.resolve("input")).isDirectory();
        }
        try (ComfyUiEmulator comfy = ComfyUiEmulator.builder().dataDirectory(kept).start()) {
            assertThat(comfy.outputDirectory()).isEqualTo(kept.toAbsolutePath().resolve("output"));
        }
        assertThat(Files.exists(temporary)).isFalse();
        assertThat(kept.resolve("input/example.png")).exists();
    }

    @Test
    void givenPortIsUsed() throws Exception {
        int port;
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        try (ComfyUiEmulator comfy = ComfyUiEmulator.start(port)) {
            assertThat(comfy.port()).isEqualTo(port);
            assertThat(comfy.baseUrl()).isEqualTo("http://127.0.0.1:" + port);
            assertThat(comfy.webSocketUrl()).isEqualTo("ws://127.0.0.1:" + port + "/ws");
        }
    }
}
