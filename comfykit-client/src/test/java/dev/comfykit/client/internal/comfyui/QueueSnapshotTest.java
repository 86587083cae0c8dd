package dev.comfykit.client.internal.comfyui;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class QueueSnapshotTest {

    @Test
    void readsRunningAndPendingIdsOfTheCapturedQueue() throws IOException {
        String body = """
                {"queue_running": [[22, "11111111-aaaa-bbbb-cccc-000000000001",
                   {"50": {"class_type": "EmptyImage", "inputs": {"width": 256}}}, {"client_id": "clientA"}, ["53"]]],
                 "queue_pending": [[-24, "6746e494", {"1": {"class_type": "EmptyImage", "inputs": {"x": [1, 2]}}},
                   {"client_id": "clientA"}, ["2"]],
                   [1000.0, "1e194bda", {}, {"api_key_comfy_org": "secret-key"}, ["2"]]]}
                """;
        QueueSnapshot queue = QueueSnapshot.parse(body.getBytes(StandardCharsets.UTF_8));
        assertThat(queue.running()).containsExactly("11111111-aaaa-bbbb-cccc-000000000001");
        assertThat(queue.pending()).containsExactlyInAnyOrder("6746e494", "1e194bda");
        assertThat(queue.contains("1e194bda")).isTrue();
        assertThat(queue.contains("nope")).isFalse();
    }

    @Test
    void emptyQueueAndExtraFields() throws IOException {
        QueueSnapshot queue = QueueSnapshot.parse("{\"queue_running\": [], \"queue_pending\": [], \"x\": {\"y\": 1}}"
                .getBytes(StandardCharsets.UTF_8));
        assertThat(queue.running()).isEmpty();
        assertThat(queue.pending()).isEmpty();
    }

    @Test
    void otherShapesAreRejected() {
        assertThatThrownBy(() -> QueueSnapshot.parse("[]".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IOException.class);
    }
}
