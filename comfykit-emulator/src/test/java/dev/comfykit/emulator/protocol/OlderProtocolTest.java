package dev.comfykit.emulator.protocol;

import static dev.comfykit.emulator.support.Frames.ofType;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.comfykit.emulator.ComfyUiEmulatorExtension;
import dev.comfykit.emulator.ProtocolVersion;
import dev.comfykit.emulator.support.Client;
import dev.comfykit.emulator.support.Socket;
import dev.comfykit.emulator.support.Workflows;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** v0.3.44 – v0.3.55: {@code POST /interrupt} ignores its body and stops whatever runs. */
class OlderProtocolTest {

    @RegisterExtension
    static ComfyUiEmulatorExtension comfy = ComfyUiEmulatorExtension.create(
            b -> b.stepTime(Duration.ZERO).protocol(ProtocolVersion.V0_3_44));

    @AfterEach
    void release() {
        comfy.faults().releaseStall();
        comfy.emulator().awaitIdle(Duration.ofSeconds(10));
    }

    @Test
    void anInterruptNamingAnotherPromptStillStopsTheRunningOne() {
        Client client = new Client(comfy.baseUrl());
        try (Socket socket = client.socket("old")) {
            comfy.faults().stallExecution();
            String running = "dddddddd-0000-4000-8000-000000000001";
            assertThat(client.post("/prompt", "{\"prompt\": " + Workflows.emptyToSave(404_404, "old")
                    + ", \"client_id\": \"old\", \"prompt_id\": \"" + running + "\"}").status()).isEqualTo(200);
            socket.await(f -> ofType("executing").test(f) && !f.get("data").get("node").isNull(), Duration.ofSeconds(5));

            assertThat(client.post("/interrupt", "{\"prompt_id\": \"someone-else\"}").status()).isEqualTo(200);
            comfy.faults().releaseStall();

            JsonNode entry = client.awaitHistory(running);
            assertThat(entry.get("status").get("status_str").asText()).isEqualTo("error");
            assertThat(entry.toString()).contains("execution_interrupted");
        }
    }
}
